"""The Cookie is optional (ENKASH_API.md §8): Send never waits for one, and one is sent only
when typed or when the token call set one."""

from __future__ import annotations

from typing import Any

from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import Sandbox
from tests.gui.gui_helpers import editor, retype, send


def last_sso_headers(sandbox: Sandbox) -> dict[str, str]:
    call = [c for c in sandbox.calls if c.path.endswith("/sso-token")][-1]
    return {k.lower(): v for k, v in call.headers.items()}


def test_the_profile_form_says_the_cookie_is_usually_not_needed(window: MainWindow) -> None:
    edit = editor(window).cookie_edit
    assert edit.placeholderText() == "Usually not needed"
    assert edit.toolTip().startswith("Usually not needed;")
    assert edit.accessibleDescription() == edit.toolTip()


def test_send_with_a_typed_token_and_no_cookie_sends_none(
        qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    p = editor(window)
    retype(qtbot, p.password_edit, "")  # no login: only the typed bearer token
    retype(qtbot, p.authorization_edit, sandbox.issue_token())
    assert p.cookie_edit.text() == ""
    assert window.send_button.isEnabled(), window.send_blocker
    send(qtbot, window)
    assert "Success" in window.result.outcome.text(), window.result.hint.text()
    assert "cookie" not in last_sso_headers(sandbox)

    retype(qtbot, p.cookie_edit, "JSESSIONID=TYPED42")
    send(qtbot, window)
    assert "Success" in window.result.outcome.text()
    assert last_sso_headers(sandbox)["cookie"] == "JSESSIONID=TYPED42"


def test_the_cookie_the_token_call_set_is_sent(
        qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    assert editor(window).cookie_edit.text() == ""
    send(qtbot, window)  # logs in with the demo credentials, then sends
    assert "Success" in window.result.outcome.text(), window.result.hint.text()
    login = next(c for c in sandbox.calls if c.path == "/oauth/token")
    assert "cookie" not in {k.lower() for k in login.headers}
    assert last_sso_headers(sandbox)["cookie"].startswith("JSESSIONID=")
