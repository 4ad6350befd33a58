"""Paste cURL: one preview for Ctrl+V and Edit → Paste cURL…, nothing changes before Import,
a command pasted into a filled form is offered the preview, secrets only when ticked."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from enkash_desktop.core.models import Cardholder, Secrets
from enkash_desktop.gui.curl_paste import PasteCurlDialog, looks_like_curl
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import DEMO_CARDHOLDERS
from tests.gui.conftest import OFFSCREEN_NOISE, Asker
from tests.gui.gui_helpers import editor, get_token, send

SAMPLE = (Path(__file__).resolve().parents[1] / "data" / "docs_sso_curl_sample.txt").read_text(
    encoding="utf-8")
EMPTY = Cardholder("", "", "")


def snapshot(window: MainWindow) -> tuple[object, ...]:
    """Everything a paste may change: the profile, its secrets, the cardholder, the fields'
    messages."""
    return (window.partner.profile(), window.partner.secrets(),
            window.cardholder.cardholder(),
            [window.cardholder.message(k) for k in window.cardholder.rows.inputs])


def ctrl_v(qtbot: Any, window: MainWindow, edit: QLineEdit, text: str) -> PasteCurlDialog:
    """Put ``text`` on the clipboard and press Ctrl+V in ``edit``; the preview it opens."""
    QApplication.clipboard().setText(text)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = window.curl.preview_dialog
    assert dialog is not None, "no preview was opened"
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def from_menu(qtbot: Any, window: MainWindow, text: str) -> PasteCurlDialog:
    """Put ``text`` on the clipboard and choose Edit → Paste cURL…; the preview."""
    QApplication.clipboard().setText(text)
    window.paste_curl_action.trigger()
    dialog = window.curl.preview_dialog
    assert dialog is not None, "no preview was opened"
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def click(qtbot: Any, dialog: PasteCurlDialog, button: str = "import") -> None:
    if button == "import":
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    else:
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_looks_like_curl() -> None:
    assert looks_like_curl(SAMPLE)
    assert looks_like_curl("$ curl https://x")
    assert looks_like_curl("  C:\\tools\\curl.exe -X POST https://x")
    assert not looks_like_curl("curly braces")
    assert not looks_like_curl("")


def test_ctrl_v_in_an_empty_form_shows_the_menus_preview_and_changes_nothing_first(
        qtbot: Any, window: MainWindow, asker: Asker) -> None:
    window.cardholder.load(EMPTY)
    before = snapshot(window)
    edit = window.cardholder.card_account_edit
    dialog = ctrl_v(qtbot, window, edit, SAMPLE)
    # The preview says everything the import would do; nothing has changed yet.
    assert snapshot(window) == before and edit.text() == ""
    shown = dialog.preview_label.text()
    assert f"Card account id: (empty) → {DEMO_CARDHOLDERS[0].card_account_id}" in shown
    assert "placeholder from EnKash's documentation" in shown  # the URL is kept, and why
    assert "test.your-api-server.com" in shown
    assert "masked" in shown  # the core's warning is shown, not dropped
    assert "already filled in" not in shown
    assert dialog.secrets_box.isVisible() and not dialog.secrets_box.isChecked()
    assert "cookie" in dialog.secrets_box.text()
    assert dialog.import_button.isEnabled() and dialog.focusWidget() is dialog.import_button
    click(qtbot, dialog, "cancel")
    assert snapshot(window) == before and asker.calls == []

    # Edit → Paste cURL… opens the very same preview (same dialog, same words).
    menu_dialog = from_menu(qtbot, window, SAMPLE)
    assert type(menu_dialog) is type(dialog)
    assert menu_dialog.text() == SAMPLE
    assert menu_dialog.preview_label.text() == shown
    click(qtbot, menu_dialog, "cancel")
    assert snapshot(window) == before


def test_import_fills_the_form_and_the_secrets_only_when_ticked(
        qtbot: Any, window: MainWindow, asker: Asker) -> None:
    window.cardholder.load(EMPTY)
    sandbox_url = editor(window).base_url_edit.text()
    dialog = ctrl_v(qtbot, window, window.cardholder.card_account_edit, SAMPLE)
    click(qtbot, dialog)
    # The docs' placeholder host never replaces the profile's URL (a bearer token would go
    # there on the next Send).
    assert editor(window).base_url_edit.text() == sandbox_url
    assert editor(window).partner_id_edit.text() == "CRMXWB3ZM"
    assert window.cardholder.cardholder() == DEMO_CARDHOLDERS[0]
    assert editor(window).cookie_edit.text() == ""  # the box was not ticked
    assert "secrets were not used" in window.statusBar().currentMessage()
    assert asker.calls == []  # one dialog, no follow-up questions

    window.cardholder.load(EMPTY)
    dialog = ctrl_v(qtbot, window, window.cardholder.company_edit, SAMPLE)
    dialog.secrets_box.setFocus()
    qtbot.keyClick(dialog.secrets_box, Qt.Key.Key_Space)
    assert dialog.secrets_box.isChecked()
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert editor(window).cookie_edit.text() == "JSESSIONID=BC1A71C9BC65576B3AB0E78896971B9E"
    assert editor(window).authorization_edit.text() == ""  # masked in the sample: not taken
    assert window.cardholder.cardholder() == DEMO_CARDHOLDERS[0]


@pytest.mark.parametrize("field", ["card_account_edit", "company_edit", "card_id_edit"])
def test_a_curl_pasted_into_a_filled_form_offers_the_preview(
        qtbot: Any, window: MainWindow, asker: Asker, field: str) -> None:
    window.cardholder.load(DEMO_CARDHOLDERS[2])
    editor(window).partner_id_edit.setText("OTHER1")
    before = snapshot(window)
    edit: QLineEdit = getattr(window.cardholder, field)
    dialog = ctrl_v(qtbot, window, edit, SAMPLE)
    # The field is not changed, and no "control character" line appears under it.
    assert snapshot(window) == before
    shown = dialog.preview_label.text()
    assert "Importing replaces values that are already filled in." in shown
    assert "Partner id: OTHER1 → CRMXWB3ZM" in shown
    assert (f"Card account id: {DEMO_CARDHOLDERS[2].card_account_id} → "
            f"{DEMO_CARDHOLDERS[0].card_account_id}") in shown
    click(qtbot, dialog, "cancel")
    assert snapshot(window) == before

    dialog = ctrl_v(qtbot, window, edit, SAMPLE)
    click(qtbot, dialog)
    assert window.cardholder.cardholder() == DEMO_CARDHOLDERS[0]
    assert editor(window).partner_id_edit.text() == "CRMXWB3ZM"
    assert all(window.cardholder.message(key) == "" for key in window.cardholder.rows.inputs)


def paste_from_context_menu(edit: QLineEdit) -> None:
    """Open the field's context menu (as the Menu key does) and choose Paste."""

    def choose_paste() -> None:
        menu = QApplication.activePopupWidget()
        assert menu is not None, "no context menu was shown"
        paste = next(a for a in menu.actions() if a.objectName() == "edit-paste")
        menu.close()
        paste.trigger()

    QTimer.singleShot(0, choose_paste)
    where = QPoint(5, 5)
    QApplication.sendEvent(edit, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, where,
                                                   edit.mapToGlobal(where)))


# The offscreen platform cannot raise a popup or grab the keyboard for it; it says so.
@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, "This plugin does not support raise",
                           "This plugin does not support grabbing")
def test_the_context_menus_paste_offers_the_preview_too(qtbot: Any, window: MainWindow,
                                                        asker: Asker) -> None:
    window.cardholder.load(DEMO_CARDHOLDERS[1])
    before = snapshot(window)
    QApplication.clipboard().setText(SAMPLE)
    edit = window.cardholder.company_edit
    edit.setFocus()
    paste_from_context_menu(edit)
    dialog = window.curl.preview_dialog
    assert dialog is not None and snapshot(window) == before
    qtbot.waitUntil(dialog.isActiveWindow)
    click(qtbot, dialog, "cancel")
    # Anything else pastes as usual from the same menu.
    QApplication.clipboard().setText("CE-2")
    edit.selectAll()
    paste_from_context_menu(edit)
    assert edit.text() == "CE-2" and window.curl.preview_dialog is None


def test_ordinary_text_pastes_as_usual(qtbot: Any, window: MainWindow, asker: Asker) -> None:
    window.cardholder.load(EMPTY)
    QApplication.clipboard().setText("CA-77")
    edit = window.cardholder.card_account_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() == "CA-77" and window.curl.preview_dialog is None


def test_the_preview_follows_the_command_as_it_is_edited(qtbot: Any, window: MainWindow,
                                                         asker: Asker) -> None:
    window.cardholder.load(EMPTY)
    before = snapshot(window)
    QApplication.clipboard().setText("not a command")
    window.paste_curl_action.trigger()
    dialog = window.curl.preview_dialog
    assert dialog is not None and dialog.text() == ""  # the clipboard was not a command
    assert not dialog.import_button.isEnabled() and dialog.focusWidget() is dialog.edit
    qtbot.keyClicks(dialog.edit, "wget https://x")
    qtbot.waitUntil(lambda: "This is not a curl command" in dialog.preview_label.text())
    assert not dialog.import_button.isEnabled()
    dialog.edit.setPlainText(SAMPLE.replace("CAQL8YCV3", "CA-TYPED"))
    qtbot.waitUntil(lambda: "CA-TYPED" in dialog.preview_label.text())
    assert dialog.import_button.isEnabled()
    assert snapshot(window) == before
    dialog.edit.setPlainText(SAMPLE.replace("CAQL8YCV3", "CA-LAST"))
    click(qtbot, dialog)  # at once, before the preview's pause: the text as it is counts
    assert window.cardholder.cardholder().card_account_id == "CA-LAST"


def test_copy_with_secrets_then_paste_gives_the_same_request(
        qtbot: Any, window: MainWindow, asker: Asker, caplog: pytest.LogCaptureFixture) -> None:
    get_token(qtbot, window)
    window.cardholder.load(DEMO_CARDHOLDERS[2])
    window.curl.copy_curl_with_secrets()
    copied = QApplication.clipboard().text()
    assert copied.startswith("curl")
    assert window.curl.curl_text(reveal=True) == copied
    bearer = next(line for line in copied.splitlines() if "Authorization" in line)
    token = bearer.split("Bearer ", 1)[1].split("'", 1)[0]

    # Someone else's form: another cardholder, partner id and no manual secrets.
    window.cardholder.load(EMPTY)
    editor(window).partner_id_edit.setText("OTHER1")
    with caplog.at_level(logging.DEBUG):
        dialog = from_menu(qtbot, window, copied)
        assert "bearer token" in dialog.secrets_box.text()
        assert token not in dialog.preview_label.text()
        dialog.secrets_box.setChecked(True)
        click(qtbot, dialog)
    assert editor(window).authorization_edit.text() == f"Bearer {token}"
    assert window.curl.curl_text(reveal=True) == copied
    assert window.cardholder.cardholder() == DEMO_CARDHOLDERS[2]
    assert token not in caplog.text
    # And it sends: the pasted bearer token is the one the sandbox issued.
    send(qtbot, window)
    assert "Success" in window.result.outcome.text(), window.result.outcome.text()


def test_leaving_the_secrets_unticked_keeps_the_profiles(qtbot: Any, window: MainWindow,
                                                          asker: Asker) -> None:
    window.partner.load_secrets(Secrets(authorization="Bearer mine", cookie="JSESSIONID=mine",
                                        password="pw", client_secret="cs"))
    before = window.partner.secrets()
    window.cardholder.load(EMPTY)
    dialog = from_menu(qtbot, window, SAMPLE.replace("••••••", "Bearer theirs"))
    assert "bearer token (Authorization) and cookie" in dialog.secrets_box.text()
    click(qtbot, dialog)
    assert window.partner.secrets() == before
    assert window.cardholder.cardholder() == DEMO_CARDHOLDERS[0]


@pytest.mark.parametrize(("command", "sentence"), [
    ("curl https://pay-uat.enkash.in/api/v0/partner/other -d '{}'",
     "not the EnKash SSO token endpoint"),
    ("curl.exe https://pay-uat.enkash.in/api/v0/partner/enKashCard/sso-token -d '[1]'",
     "not a JSON object"),
])
def test_a_command_that_is_not_the_api_call_is_refused(qtbot: Any, window: MainWindow,
                                                       asker: Asker, command: str,
                                                       sentence: str) -> None:
    before = snapshot(window)
    dialog = ctrl_v(qtbot, window, window.cardholder.card_account_edit, command)
    assert sentence in dialog.preview_label.text()
    assert not dialog.import_button.isEnabled()
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()  # Ctrl+Enter cannot import it either
    click(qtbot, dialog, "cancel")
    assert snapshot(window) == before and asker.calls == []


def test_unknown_flags_are_listed(qtbot: Any, window: MainWindow, asker: Asker) -> None:
    text = SAMPLE.replace("curl --location", "curl --location --proxy http://p:3128 -k")
    dialog = from_menu(qtbot, window, text)
    notes = dialog.preview_label.text()
    assert "--proxy" in notes and "-k" in notes
    assert "certificate" in notes
    click(qtbot, dialog, "cancel")
