"""A locked login: after the third failed login in a row, or EnKash's word that the login is
locked, nothing tries it again (Get token, Send, another window, enkash-sso) until the user
says EnKash has unlocked it."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from PySide6.QtCore import Qt

from enkash_desktop.core.models import Environment, Profile, Secrets
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.gui.widgets import ERROR_COLOR
from enkash_desktop.sandbox import DEMO, DEMO_CARDHOLDERS, Sandbox
from enkash_desktop.store.login_state import FileFailureCounter
from enkash_desktop.store.paths import AppPaths
from enkash_desktop.store.secrets import SecretStore
from enkash_desktop.store.settings import Settings, SettingsStore
from tests.doubles import MemoryKeyring
from tests.gui.conftest import Asker
from tests.gui.gui_helpers import editor, get_token, retype, send, sso_calls, token_calls

LOCKED_LINE = "Locked: EnKash has locked this login. Ask EnKash to unlock it."
REFUSED = "EnKash has locked this login, so no login was sent."
NAME = "Team UAT"


@pytest.fixture
def team_window(make_window: Any, home: AppPaths, sandbox: Sandbox,
                keyring_backend: MemoryKeyring) -> Any:
    """Windows on the user's own profile (the sandbox's partner, a wrong password) that
    share the record of failed logins on disk, as every window and process does."""
    profile = Profile(name=NAME, environment=Environment.UAT, base_url=sandbox.base_url,
                      partner_id=DEMO.partner_id, portal_partner="hrms",
                      portal_url=sandbox.base_url, username=DEMO.username,
                      oauth_client_id=DEMO.oauth_client_id,
                      login_client_id=DEMO.login_client_id)
    SettingsStore(home.settings_file).save(Settings(profiles=(profile,), current_profile=NAME))
    SecretStore(keyring_backend).save(NAME, Secrets(
        password="wrong-password", client_secret=DEMO.oauth_client_secret))

    def make() -> MainWindow:
        window: MainWindow = make_window(
            demo=False, with_sandbox=False,
            failures=FileFailureCounter(home.login_state_file))
        assert window.partner.profile().name == NAME
        assert editor(window).password_edit.text() == "wrong-password"
        return window

    return make


def _locked_on_screen(window: MainWindow) -> bool:
    return (editor(window).token_status.text() == LOCKED_LINE
            and ERROR_COLOR.name() in editor(window).token_status.styleSheet())


def _cli_token(home: AppPaths) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    env.update({"ENKASH_DESKTOP_HOME": os.environ["ENKASH_DESKTOP_HOME"],
                "ENKASH_DESKTOP_DEFAULTS": os.environ["ENKASH_DESKTOP_DEFAULTS"],
                "ENKASH_PASSWORD": DEMO.password,
                "ENKASH_CLIENT_SECRET": DEMO.oauth_client_secret})
    return subprocess.run([sys.executable, "-m", "enkash_desktop.cli", "token", "--profile",
                           NAME, "--confirm-lockout-risk", "--no-history"],
                          env=env, capture_output=True, text=True, timeout=60)


def test_three_failed_logins_lock_the_login_until_enkash_has_unlocked_it(
        qtbot: Any, team_window: Any, sandbox: Sandbox, asker: Asker, home: AppPaths) -> None:
    window = team_window()
    for failures in (1, 2):
        get_token(qtbot, window)
        assert f"failed {failures} of 3 times" in window.result.outcome.text()
        assert not window.result.unlock_button.isVisible()
    assert asker.calls == []

    get_token(qtbot, window)  # the question (Cancel is the default), answered yes
    assert [c["accept_label"] for c in asker.calls] == ["Try once more"]
    assert token_calls(sandbox) == 3 and DEMO.username in sandbox.locked_users
    outcome = window.result.outcome.text()
    assert "third failed login in a row, so EnKash has now locked this login" in outcome
    assert "may" not in outcome
    assert "EnKash has unlocked it" in window.result.hint.text()
    assert window.result.unlock_button.isVisible()
    assert _locked_on_screen(window)

    # No further try: no question, nothing reaches the server, the same sentence.
    get_token(qtbot, window)
    assert len(asker.calls) == 1 and token_calls(sandbox) == 3
    assert window.result.outcome.text() == REFUSED
    assert window.result.unlock_button.isVisible()
    holder = DEMO_CARDHOLDERS[0]
    for edit, text in ((window.cardholder.card_account_edit, holder.card_account_id),
                       (window.cardholder.company_edit, holder.company_id),
                       (window.cardholder.card_id_edit, holder.enkash_card_id)):
        retype(qtbot, edit, text)
    send(qtbot, window)  # there is no token: the send would need a login
    assert len(asker.calls) == 1 and token_calls(sandbox) == 3 and sso_calls(sandbox) == 0
    assert window.result.outcome.text() == REFUSED
    assert window.result.unlock_button.isVisible()

    # Another window sees the lock as soon as it shows the profile, and refuses too.
    other = team_window()
    qtbot.waitUntil(lambda: _locked_on_screen(other), timeout=3000)
    assert other.result.unlock_button.isVisible()
    get_token(qtbot, other)
    assert other.result.outcome.text() == REFUSED and token_calls(sandbox) == 3

    # So does enkash-sso, even with the right password and the lockout risk confirmed.
    cli = _cli_token(home)
    assert cli.returncode == 4, cli.stderr
    assert REFUSED in cli.stderr and f"enkash-sso unlock --profile '{NAME}'" in cli.stderr
    assert "Traceback" not in cli.stderr and cli.stdout == ""
    assert token_calls(sandbox) == 3

    # EnKash support unlocks the user; the clerk says so (asked once more first).
    sandbox.unlock(DEMO.username)
    asker.answer = False
    qtbot.mouseClick(window.result.unlock_button, Qt.MouseButton.LeftButton)
    assert asker.calls[-1]["accept_label"] == "EnKash has unlocked it"
    assert "1 of 3" in asker.calls[-1]["informative"]
    assert f"“{DEMO.username}” at 127.0.0.1:" in asker.calls[-1]["text"]
    assert _locked_on_screen(window)  # Cancel changes nothing
    asker.answer = True
    qtbot.mouseClick(window.result.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not _locked_on_screen(window), timeout=3000)
    assert "no longer marked as locked" in window.result.outcome.text()
    assert not window.result.unlock_button.isVisible()
    assert FileFailureCounter(home.login_state_file).failures(_identity(window)) == 0

    # The next attempt is sent, and a failure counts from one again.
    get_token(qtbot, window)
    assert token_calls(sandbox) == 4
    assert "failed 1 of 3 times" in window.result.outcome.text()
    # The other window still showed the lock; the shared record lets it log in now.
    retype(qtbot, editor(other).password_edit, DEMO.password)
    get_token(qtbot, other)
    assert token_calls(sandbox) == 5
    assert "bearer token was received" in other.result.outcome.text()
    assert not _locked_on_screen(other)


def _identity(window: MainWindow) -> Any:
    from enkash_desktop.core.lockout import LoginIdentity

    return LoginIdentity.of(window.partner.profile())


@pytest.mark.parametrize("reply", ["423 Account locked", "400 User account is LOCKED"])
def test_a_locked_reply_locks_at_once(qtbot: Any, window: MainWindow, sandbox: Sandbox,
                                      asker: Asker, reply: str) -> None:
    sandbox.set_fault("http_status", endpoint="token", value=reply, times=1)
    get_token(qtbot, window)  # the demo's right password: EnKash's word is what locks it
    assert token_calls(sandbox) == 1 and asker.calls == []
    outcome = window.result.outcome.text()
    assert outcome.startswith("EnKash has locked this login.") and reply[4:] in outcome
    assert window.result.unlock_button.isVisible() and _locked_on_screen(window)
    get_token(qtbot, window)
    send(qtbot, window)
    assert token_calls(sandbox) == 1 and sso_calls(sandbox) == 0
    assert window.result.outcome.text() == REFUSED and asker.calls == []


def test_a_blocked_reply_is_not_a_locked_login(qtbot: Any, window: MainWindow,
                                               sandbox: Sandbox) -> None:
    sandbox.set_fault("http_status", endpoint="token", value="400 Client is blocked", times=1)
    get_token(qtbot, window)
    assert "refused the login details" in window.result.outcome.text()
    assert "failed 1 of 3 times" in window.result.outcome.text()
    assert not window.result.unlock_button.isVisible() and not _locked_on_screen(window)
