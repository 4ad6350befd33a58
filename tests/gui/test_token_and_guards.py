"""Get token with its countdown, the lockout guard (its question stops the elapsed time),
Copy as cURL and the production guard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from enkash_desktop.core.models import Environment
from enkash_desktop.gui import dialogs
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import DEMO, Sandbox
from tests.gui.conftest import Asker
from tests.gui.gui_helpers import editor, get_token, retype, send, sso_calls, token_calls


def _countdown(window: MainWindow) -> int:
    match = re.search(r"(\d+):(\d\d)", editor(window).token_status.text())
    assert match, editor(window).token_status.text()
    return int(match[1]) * 60 + int(match[2])


def test_get_token_shows_a_live_countdown(qtbot: Any, window: MainWindow) -> None:
    assert editor(window).token_status.text() == "No token yet."
    get_token(qtbot, window)
    assert "bearer token was received" in window.result.outcome.text()
    first = _countdown(window)
    assert 290 <= first <= 300
    left = window.calls.token_seconds_left()
    assert left is not None
    qtbot.waitUntil(lambda: _countdown(window) < first, timeout=2500)
    later = window.calls.token_seconds_left()
    assert later is not None and later < left


def test_editing_the_credentials_forgets_the_token(qtbot: Any, window: MainWindow) -> None:
    get_token(qtbot, window)
    retype(qtbot, editor(window).username_edit, "9000000002")
    assert editor(window).token_status.text() == "No token yet."


def test_lockout_confirmation_after_two_failed_logins(qtbot: Any, window: MainWindow,
                                                      sandbox: Sandbox, asker: Asker) -> None:
    retype(qtbot, editor(window).password_edit, "wrong-password")
    for failures in (1, 2):
        get_token(qtbot, window)
        assert "refused the login details" in window.result.outcome.text()
        # Failures 1 and 2 look different: each says how many of the three it has used.
        assert f"failed {failures} of 3 times" in window.result.outcome.text()
    assert token_calls(sandbox) == 2
    assert asker.calls == []

    asker.answer = False  # the user thinks again: nothing is sent
    get_token(qtbot, window)
    assert len(asker.calls) == 1
    assert "locked" in asker.texts() and "one more failure" in asker.texts()
    assert token_calls(sandbox) == 2
    assert "one more failure will lock" in window.result.outcome.text()

    retype(qtbot, editor(window).password_edit, DEMO.password)  # fixed; still confirmed
    asker.answer = True
    get_token(qtbot, window)
    assert len(asker.calls) == 2
    assert token_calls(sandbox) == 3
    assert "bearer token was received" in window.result.outcome.text()
    assert window.calls.token_seconds_left() is not None


def test_the_elapsed_time_stops_while_the_lockout_question_waits(
        qtbot: Any, window: MainWindow, sandbox: Sandbox, asker: Asker,
        monkeypatch: pytest.MonkeyPatch) -> None:
    retype(qtbot, editor(window).password_edit, "wrong-password")
    for _ in range(2):
        get_token(qtbot, window)
    seen: dict[str, Any] = {}
    label = window.send_bar.elapsed_label

    def thinking(parent: Any, title: str, text: str, **kwargs: Any) -> bool:
        """The question is open for a while: the user reads and thinks."""
        timer = window.calls._elapsed_timer
        seen["opened"] = label.text()
        seen["running_when_opened"] = timer.isActive()
        qtbot.wait(450)  # the event loop runs, as it does under a real dialog
        seen["closed"] = label.text()
        seen["running_when_closed"] = timer.isActive()
        return False

    monkeypatch.setattr(dialogs, "ask", thinking)
    get_token(qtbot, window)
    assert seen["running_when_opened"] is False and seen["running_when_closed"] is False
    assert seen["opened"] == seen["closed"] == ""
    assert token_calls(sandbox) == 2 and "one more failure" in window.result.outcome.text()
    assert label.text() == ""  # no call runs


def test_send_asks_before_a_risky_login(qtbot: Any, window: MainWindow, sandbox: Sandbox,
                                        asker: Asker) -> None:
    retype(qtbot, editor(window).password_edit, "wrong-password")
    for _ in range(2):
        send(qtbot, window)
        assert "refused the login details" in window.result.outcome.text()
    asker.answer = False
    send(qtbot, window)
    assert "locked" in asker.texts()
    assert token_calls(sandbox) == 2 and sso_calls(sandbox) == 0
    assert "one more failure" in window.result.outcome.text()
    retype(qtbot, editor(window).password_edit, DEMO.password)
    asker.answer = True
    send(qtbot, window)
    qtbot.waitUntil(lambda: not window.busy and "Success" in window.result.outcome.text(),
                    timeout=5000)
    assert token_calls(sandbox) == 3 and sso_calls(sandbox) == 1


def test_copy_as_curl_is_redacted(qtbot: Any, window: MainWindow, asker: Asker) -> None:
    send(qtbot, window)
    client = window.calls.current_client()
    assert client is not None and client.token is not None
    bearer = client.token.value
    clipboard = QApplication.clipboard()
    window.reply.curl_button.click()
    text = clipboard.text()
    assert text.startswith("curl ") and "sso-token" in text
    assert "partnerId: " + DEMO.partner_id in text
    for secret in (bearer, DEMO.password, DEMO.oauth_client_secret):
        assert secret not in text
    assert asker.calls == []

    clipboard.setText("unchanged")
    asker.answer = False
    window.reply.curl_secrets_button.click()
    assert "secret" in asker.texts().lower() or "clear text" in asker.texts()
    assert clipboard.text() == "unchanged"

    asker.answer = True
    window.copy_curl_secrets_action.trigger()
    assert f"Authorization: Bearer {bearer}" in clipboard.text()


def test_production_marker_and_confirmation(qtbot: Any, window: MainWindow, sandbox: Sandbox,
                                            asker: Asker) -> None:
    assert not window.production_banner.isVisible()
    combo = editor(window).environment_combo
    combo.setCurrentIndex(combo.findData(Environment.PRODUCTION.value))
    assert window.production_banner.isVisible()
    assert editor(window).production_badge.isVisible()
    assert "PRODUCTION" in window.production_banner.text()

    asker.answer = False
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    assert "production" in asker.texts().lower()
    assert not window.busy and sso_calls(sandbox) == 0

    asker.answer = True
    send(qtbot, window)
    assert "Success" in window.result.outcome.text()
    assert len(asker.calls) == 2
    send(qtbot, window)  # asked once per session
    assert len(asker.calls) == 2 and sso_calls(sandbox) == 2


def test_a_copy_of_the_profile_cannot_add_failures(qtbot: Any, window: MainWindow,
                                                   sandbox: Sandbox, asker: Asker) -> None:
    """File → Duplicate profile sends the same login: the count is per login, not per name."""
    window.profiles.new_profile()  # the user's own profile (the demo counts apart)
    p = editor(window)
    for edit, text in ((p.name_edit, "Team UAT"), (p.base_url_edit, sandbox.base_url),
                       (p.partner_id_edit, DEMO.partner_id), (p.username_edit, DEMO.username),
                       (p.oauth_client_edit, DEMO.oauth_client_id),
                       (p.client_secret_edit, DEMO.oauth_client_secret),
                       (p.password_edit, "wrong-password")):
        retype(qtbot, edit, text)
    for _ in range(2):
        get_token(qtbot, window)
        assert "refused the login details" in window.result.outcome.text()
    window.duplicate_action.trigger()
    assert window.partner.profile().name.endswith("(copy)")
    asker.answer = False
    get_token(qtbot, window)
    assert len(asker.calls) == 1 and "one more failure" in asker.texts()
    assert token_calls(sandbox) == 2
    assert "one more failure will lock" in window.result.outcome.text()
