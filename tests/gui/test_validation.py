"""Validation as the user types: the core's messages under each field (never moving the
fields), Send disabled."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit

from enkash_desktop.core.validation import id_warning
from enkash_desktop.gui.main_window import MainWindow
from tests.gui.gui_helpers import editor, retype

CARDHOLDER_CASES = [
    ("card_account_id", "", "Card account id is required."),
    ("card_account_id", "CA 123", "Card account id must not contain spaces."),
    ("company_id", "CE#1", "Company id may only contain letters, digits, '-' and '_'."),
    ("enkash_card_id", "E" * 65, "EnKash card id is too long (at most 64 characters)."),
]

PROFILE_CASES = [
    ("name", "", "Profile name is required."),
    ("base_url", "", "Base URL is required."),
    ("base_url", "ftp://pay.enkash.in", "Base URL must start with https://"),
    ("base_url", "http://pay.enkash.in", "Base URL must use https://"),
    ("auth_base_url", "https://a.enkash.in/?x=1", "Auth base URL must not contain a query"),
    ("portal_url", "not a url", "Portal URL must not contain spaces"),
    ("partner_id", "", "Partner id is required."),
    ("partner_id", "CRM/1", "Partner id may only contain letters"),
    ("portal_partner", "hr ms", "SSO partner name may only contain"),
    ("oauth_client_id", "demo:client", "OAuth client id must not contain ':'."),
    ("username", "9000€", "Login user contains characters that cannot be sent in a header."),
    ("password", "pässwörd€", "Password contains characters that cannot be sent in a header."),
    ("client_secret", "s€cret", "Client secret contains characters that cannot be sent"),
    ("authorization", "Bearer t€ken", "Authorization contains characters that cannot be sent"),
    ("cookie", "a=€", "Cookie contains characters that cannot be sent in a header."),
]


def _edit(window: MainWindow, key: str) -> QLineEdit:
    for rows in (*editor(window).rows, window.cardholder.rows):
        if key in rows.inputs:
            widget = rows.inputs[key]
            assert isinstance(widget, QLineEdit)
            return widget
    raise KeyError(key)


def _message(window: MainWindow, key: str) -> str:
    if key in window.cardholder.rows.inputs:
        return window.cardholder.message(key)
    return window.partner.message(key)


@pytest.mark.parametrize(("key", "text", "expected"), CARDHOLDER_CASES + PROFILE_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in
                              enumerate(CARDHOLDER_CASES + PROFILE_CASES)])
def test_bad_input_shows_message_and_disables_send(qtbot: Any, window: MainWindow, key: str,
                                                   text: str, expected: str) -> None:
    assert window.send_button.isEnabled(), window.send_blocker
    edit = _edit(window, key)
    retype(qtbot, edit, text)
    message = _message(window, key)
    assert message.startswith(expected), message
    assert not window.send_button.isEnabled()
    assert expected in window.send_button.toolTip()
    assert window.send_button.toolTip().startswith("Send is not available")
    assert expected in edit.accessibleDescription()  # screen readers hear it too
    window.calls.send()  # the shortcut path cannot bypass the check either
    assert not window.busy


def test_fixing_the_field_clears_the_message(qtbot: Any, window: MainWindow) -> None:
    edit = window.cardholder.card_account_edit
    good = edit.text()
    retype(qtbot, edit, "bad id")
    assert window.cardholder.message("card_account_id")
    retype(qtbot, edit, good)
    assert window.cardholder.message("card_account_id") == ""
    assert window.send_button.isEnabled()


def test_unusual_id_warns_but_does_not_block(qtbot: Any, window: MainWindow) -> None:
    retype(qtbot, window.cardholder.card_id_edit, "ek-123")
    warning = window.cardholder.message("enkash_card_id")
    assert warning == id_warning("ek-123")
    assert window.cardholder.rows.messages["enkash_card_id"].kind == "warning"
    assert window.send_button.isEnabled(), window.send_blocker


def test_untouched_empty_fields_stay_quiet(qtbot: Any, make_window: Any) -> None:
    window = make_window(with_sandbox=False)
    assert editor(window).profile_combo.currentIndex() == -1  # a new, unsaved profile
    assert window.partner.message("base_url") == ""
    assert window.cardholder.message("card_account_id") == ""
    assert not window.send_button.isEnabled()
    assert "is required" in window.send_button.toolTip()


def _positions(window: MainWindow) -> dict[str, int]:
    """Where every input is: the cardholder's (and Send) in the window, the profile's in its
    panel (which scrolls)."""
    from PySide6.QtCore import QPoint

    QApplication.processEvents()  # the layouts settle
    out = {key: widget.mapTo(window, QPoint(0, 0)).y()
           for key, widget in window.cardholder.rows.inputs.items()}
    out["send"] = window.send_button.mapTo(window, QPoint(0, 0)).y()
    out["result"] = window.result.mapTo(window, QPoint(0, 0)).y()
    panel = editor(window)  # the profile editor, opened (and built) by the first call
    for rows in panel.rows:
        out.update((key, widget.mapTo(panel, QPoint(0, 0)).y())
                   for key, widget in rows.inputs.items())
    out["get_token"] = panel.get_token_button.mapTo(panel, QPoint(0, 0)).y()
    return out


@pytest.mark.parametrize(("key", "text", "expected"), CARDHOLDER_CASES + PROFILE_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in
                              enumerate(CARDHOLDER_CASES + PROFILE_CASES)])
def test_a_message_never_moves_the_fields(qtbot: Any, window: MainWindow, key: str,
                                          text: str, expected: str) -> None:
    before = _positions(window)
    edit = _edit(window, key)
    good = edit.text()
    retype(qtbot, edit, text)
    assert _message(window, key).startswith(expected)
    assert _positions(window) == before
    retype(qtbot, edit, good)  # and the line going blank moves nothing either
    assert _message(window, key) == ""
    assert _positions(window) == before


def test_every_field_in_error_at_once_moves_nothing(qtbot: Any, window: MainWindow) -> None:
    before = _positions(window)
    for key, text, _ in CARDHOLDER_CASES[1:] + PROFILE_CASES:
        retype(qtbot, _edit(window, key), text)
    shown = [key for key, _, _ in CARDHOLDER_CASES + PROFILE_CASES if _message(window, key)]
    assert len(set(shown)) >= 14
    assert _positions(window) == before


def test_a_long_message_is_cut_to_its_line_and_whole_in_the_tooltip(
        qtbot: Any, window: MainWindow) -> None:
    panel = editor(window)
    dialog = window.partner.editor
    assert dialog is not None
    edit = panel.username_edit
    retype(qtbot, edit, "9000€")
    full = window.partner.message("username")
    assert full == "Login user contains characters that cannot be sent in a header."
    line = panel.login_rows.messages["username"]
    assert line.height() == line.fontMetrics().height()  # one line, the room kept for it
    dialog.setMinimumWidth(0)
    dialog.resize(380, dialog.height())  # a narrow editor: the text cannot fit
    QApplication.processEvents()
    assert line.text().endswith("…") and len(line.text()) < len(full)
    assert line.fontMetrics().horizontalAdvance(line.text()) <= line.width()
    assert line.toolTip() == full and line.accessibleName() == full
    assert full in edit.accessibleDescription()  # what a screen reader says on the field
    dialog.resize(900, dialog.height())
    QApplication.processEvents()
    assert line.text() == full  # wide enough again: whole
