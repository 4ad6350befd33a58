"""Validation as the user types: the core's messages beside each field, Send disabled."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit

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
