"""Ctrl+V of commands that once crashed the cURL import: a sentence in the preview, never a
raw paste, and nothing to import."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from enkash_desktop.core.models import Cardholder
from enkash_desktop.gui.main_window import MainWindow
from tests.gui.conftest import Asker

SSO = "/api/v0/partner/enKashCard/sso-token"
HOSTILE = [
    "curl -d $'\\UFFFFFFFF' https://pay.example.com" + SSO,
    "curl -X POST 'https://[::1" + SSO + "' -d '{}'",
    "curl -X POST https://h\u2100" + SSO + " -d '{}'",
    "curl -X POST https://pay.example.com" + SSO + " -d $'\\ud800'",
]


@pytest.mark.parametrize("command", HOSTILE)
def test_a_hostile_command_gets_a_message_and_is_not_pasted(
        qtbot: Any, window: MainWindow, asker: Asker, command: str) -> None:
    window.cardholder.load(Cardholder("", "", ""))
    QApplication.clipboard().setText(command)
    edit = window.cardholder.card_account_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = window.curl.preview_dialog
    assert dialog is not None
    text = dialog.preview_label.text()
    assert text.endswith(".") and "Traceback" not in text
    assert not dialog.import_button.isEnabled()
    assert asker.calls == []
    dialog.reject()
    assert window.cardholder.cardholder() == Cardholder("", "", "")
