"""The keyboard goes where the clerk's task is: the cardholder at start (Send when it is
filled), Open in browser after a success, the field at fault or Send after a failure."""

from __future__ import annotations

from typing import Any

from enkash_desktop.core.models import Environment, Profile
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.store.paths import AppPaths
from enkash_desktop.store.settings import Settings, SettingsStore
from tests.gui.gui_helpers import send


def test_focus_starts_on_send_when_the_demo_cardholder_is_filled(window: MainWindow) -> None:
    assert window.focusWidget() is window.send_button


def test_focus_starts_on_the_first_empty_cardholder_field(
        make_window: Any, home: AppPaths, sandbox: Any) -> None:
    own = Profile(name="Own", environment=Environment.UAT, base_url=sandbox.base_url,
                  partner_id="CRMXWB3ZM")
    SettingsStore(home.settings_file).save(Settings(profiles=(own,), current_profile="Own"))
    window = make_window(with_sandbox=False)
    assert window.partner.profile().name == "Own"
    assert window.focusWidget() is window.cardholder.card_account_edit


def test_focus_after_a_success_and_after_a_refusal(qtbot: Any, window: MainWindow,
                                                   sandbox: Any) -> None:
    send(qtbot, window)
    qtbot.waitUntil(lambda: window.focusWidget() is window.result.open_button, timeout=2000)
    sandbox.set_fault("code_1", endpoint="sso", times=1)
    send(qtbot, window)
    qtbot.waitUntil(lambda: window.focusWidget() is window.send_button, timeout=2000)
