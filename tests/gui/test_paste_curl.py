"""Paste cURL: the docs' sample, a Copy as cURL round trip, secrets only when confirmed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from enkash_desktop.core.models import Cardholder, Secrets
from enkash_desktop.gui.curl_paste import PasteCurlDialog, looks_like_curl
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import DEMO_CARDHOLDERS
from tests.gui.conftest import Asker
from tests.gui.gui_helpers import editor, get_token, send

SAMPLE = (Path(__file__).resolve().parents[1] / "data" / "docs_sso_curl_sample.txt").read_text(
    encoding="utf-8")
EMPTY = Cardholder("", "", "")


def informs(asker: Asker) -> list[dict[str, Any]]:
    return [c for c in asker.calls if c["title"] == "inform"]


def questions(asker: Asker) -> list[dict[str, Any]]:
    return [c for c in asker.calls if c["title"] != "inform"]


def test_looks_like_curl() -> None:
    assert looks_like_curl(SAMPLE)
    assert looks_like_curl("$ curl https://x")
    assert looks_like_curl("  C:\\tools\\curl.exe -X POST https://x")
    assert not looks_like_curl("curly braces")
    assert not looks_like_curl("")


def test_docs_sample_pastes_into_an_empty_form_with_ctrl_v(qtbot: Any, window: MainWindow,
                                                           asker: Asker) -> None:
    window.cardholder.load(EMPTY)
    sandbox_url = editor(window).base_url_edit.text()
    QApplication.clipboard().setText(SAMPLE)
    edit = window.cardholder.card_account_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    # The docs' placeholder host never replaces the profile's URL (a bearer token would go
    # there on the next Send); the note says so.
    assert editor(window).base_url_edit.text() == sandbox_url
    assert editor(window).partner_id_edit.text() == "CRMXWB3ZM"
    assert window.cardholder.cardholder() == DEMO_CARDHOLDERS[0]
    # The cookie is a secret: asked first (the asker says yes), then only in its field.
    assert [q["title"] for q in questions(asker)] == ["Use the command's secrets"]
    assert "a cookie" in questions(asker)[0]["text"]
    assert editor(window).cookie_edit.text() == "JSESSIONID=BC1A71C9BC65576B3AB0E78896971B9E"
    assert editor(window).authorization_edit.text() == ""  # masked in the sample: not taken
    notes = informs(asker)
    assert len(notes) == 1
    assert "masked" in notes[0]["informative"]  # the core's warning is shown, not dropped
    assert "placeholder from EnKash's documentation" in notes[0]["informative"]
    assert "test.your-api-server.com" in notes[0]["informative"]


def test_ctrl_v_in_a_filled_form_pastes_as_usual(qtbot: Any, window: MainWindow,
                                                 asker: Asker) -> None:
    window.cardholder.load(Cardholder("", DEMO_CARDHOLDERS[0].company_id, ""))
    before = window.partner.profile()
    QApplication.clipboard().setText(SAMPLE)
    edit = window.cardholder.card_account_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert asker.calls == []
    assert window.partner.profile() == before
    assert edit.text().startswith("curl")  # an ordinary paste


def test_paste_curl_action_opens_the_dialog_prefilled(window: MainWindow, asker: Asker,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def answer(initial: str) -> str:
        seen.append(initial)
        return initial

    monkeypatch.setattr(window.curl, "ask_curl_text", answer)
    window.cardholder.load(EMPTY)
    QApplication.clipboard().setText(SAMPLE)
    asker.answer = False
    window.paste_curl_action.trigger()
    assert seen == [SAMPLE]
    assert window.cardholder.cardholder() == DEMO_CARDHOLDERS[0]
    assert editor(window).cookie_edit.text() == ""


def test_paste_dialog_is_prefilled_and_keyboard_ready(qtbot: Any) -> None:
    dialog = PasteCurlDialog(SAMPLE)
    qtbot.addWidget(dialog)
    assert dialog.text() == SAMPLE
    assert dialog.import_button.isEnabled()
    dialog.edit.setPlainText("   ")
    assert not dialog.import_button.isEnabled()
    assert dialog.edit.accessibleName()


def test_copy_with_secrets_then_paste_gives_the_same_request(
        qtbot: Any, window: MainWindow, asker: Asker, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
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
    asker.calls.clear()
    monkeypatch.setattr(window.curl, "ask_curl_text", lambda initial: initial)
    with caplog.at_level(logging.DEBUG):
        window.paste_curl_action.trigger()
    assert [q["title"] for q in questions(asker)] == ["Use the command's secrets"]
    assert editor(window).authorization_edit.text() == f"Bearer {token}"
    assert window.curl.curl_text(reveal=True) == copied
    assert window.cardholder.cardholder() == DEMO_CARDHOLDERS[2]
    assert token not in caplog.text
    # And it sends: the pasted bearer token is the one the sandbox issued.
    send(qtbot, window)
    assert "Success" in window.result.outcome.text(), window.result.outcome.text()


def test_declining_the_secrets_leaves_the_secret_fields_untouched(
        window: MainWindow, asker: Asker) -> None:
    window.partner.load_secrets(Secrets(authorization="Bearer mine", cookie="JSESSIONID=mine",
                                        password="pw", client_secret="cs"))
    before = window.partner.secrets()
    window.cardholder.load(EMPTY)
    asker.answer = False
    text = SAMPLE.replace("••••••", "Bearer theirs")
    assert window.curl.import_curl(text)
    assert questions(asker) and "bearer token" in questions(asker)[0]["text"]
    assert window.partner.secrets() == before
    assert window.cardholder.cardholder() == DEMO_CARDHOLDERS[0]
    assert "were not used" in informs(asker)[-1]["informative"]


@pytest.mark.parametrize(("command", "sentence"), [
    ("curl https://pay-uat.enkash.in/api/v0/partner/other -d '{}'",
     "not the EnKash SSO token endpoint"),
    ("wget https://pay-uat.enkash.in/api/v0/partner/enKashCard/sso-token",
     "This is not a curl command"),
])
def test_a_command_that_is_not_the_api_call_is_refused(window: MainWindow, asker: Asker,
                                                       command: str, sentence: str) -> None:
    profile = window.partner.profile()
    holder = window.cardholder.cardholder()
    assert not window.curl.import_curl(command)
    assert len(asker.calls) == 1
    assert sentence in asker.calls[0]["text"]
    assert window.partner.profile() == profile
    assert window.cardholder.cardholder() == holder
    assert sentence in window.statusBar().currentMessage()


def test_unknown_flags_are_listed(window: MainWindow, asker: Asker) -> None:
    text = SAMPLE.replace("curl --location", "curl --location --proxy http://p:3128 -k")
    window.cardholder.load(EMPTY)
    asker.answer = False
    assert window.curl.import_curl(text)
    notes = informs(asker)[-1]["informative"]
    assert "--proxy" in notes and "-k" in notes
    assert "certificate" in notes
