"""The window under an administrator's policy, started the way the program starts it.

A real policy file (``ENKASH_DESKTOP_POLICY``), the real start-up (`start_services`), the
built-in sandbox over loopback and a real history file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication

from enkash_desktop.core.models import Environment
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.store.paths import AppPaths
from tests.gui.conftest import Asker
from tests.gui.gui_helpers import (
    editor,
    retype,
    send,
    sso_calls,
    start_as_the_program,
    stop_started,
)
from tests.history_data import build_history

SAMPLE = (Path(__file__).resolve().parents[1] / "data" / "docs_sso_curl_sample.txt").read_text(
    encoding="utf-8")

STRICT = {
    "allowed_hosts": ["pay-uat.enkash.in"],
    "allow_production": False,
    "allow_copy_with_secrets": False,
    "history_retention_rows": 2,
    "update_checks": False,
    "fancy_new_key": True,
}


@pytest.fixture
def start_with_policy(qtbot: Any, home: AppPaths, tmp_path: Path, asker: Asker,
                      monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., MainWindow]]:
    """Write the policy, then start the window as `enkash-desktop --demo` does."""
    started: list[tuple[MainWindow, dict[str, object]]] = []

    def start(policy: object) -> MainWindow:
        path = tmp_path / "policy.json"
        path.write_text(policy if isinstance(policy, str) else json.dumps(policy))
        monkeypatch.setenv("ENKASH_DESKTOP_POLICY", str(path))
        window, state = start_as_the_program(qtbot)
        started.append((window, state))
        start.sandbox = state["sandbox"]  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: window.history is not None, timeout=5000)
        assert window.wait_for_background(5000)
        qtbot.wait(10)
        return window

    yield start
    for window, state in started:
        stop_started(window, state)


def test_policy_locks_the_window_and_refuses_foreign_hosts(
        qtbot: Any, home: AppPaths, start_with_policy: Callable[..., MainWindow],
        asker: Asker) -> None:
    build_history(home.history_file, 5, start=time.time() - 3600)
    window = start_with_policy(STRICT)
    sandbox = start_with_policy.sandbox  # type: ignore[attr-defined]

    # The unknown key is reported on screen, never fatal.
    assert "fancy_new_key" in window.notice_label.text()

    # Copy with secrets is off and says who decided; the menu entry cannot be used.
    action = window.copy_curl_secrets_action
    assert not action.isEnabled() and "administrator" in action.toolTip()
    button = window.reply.curl_secrets_button
    assert not button.isEnabled() and "administrator" in button.toolTip()
    window.curl.copy_curl_with_secrets()  # the reply view's button reaches the same slot
    assert not [c for c in asker.calls if c["title"] == "Copy secrets"]

    # Production cannot be chosen.
    combo = editor(window).environment_combo
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    item = model.item(combo.findData(Environment.PRODUCTION.value))
    assert item is not None and not item.isEnabled()
    assert "administrator" in item.toolTip()

    # The built-in simulator is exempt: the demo sends.
    send(qtbot, window)
    assert window.result.outcome.text()
    assert sso_calls(sandbox) == 1

    # A base URL elsewhere stops Send with a sentence under the field; nothing is sent.
    retype(qtbot, editor(window).base_url_edit, "https://evil.example")
    assert not window.send_button.isEnabled()
    assert "does not allow the host evil.example" in window.send_blocker
    assert "evil.example" in window.partner.message("base_url")
    qtbot.keyClick(window.cardholder.card_account_edit, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    assert not window.busy and sso_calls(sandbox) == 1

    # A pasted cURL for another host is refused with a sentence and fills nothing.
    retype(qtbot, editor(window).base_url_edit, sandbox.base_url)
    before = window.cardholder.cardholder()
    QApplication.clipboard().setText(SAMPLE)
    window.paste_curl_action.trigger()
    preview = window.curl.preview_dialog
    assert preview is not None and not preview.import_button.isEnabled()
    assert "cannot be imported" in preview.preview_label.text()
    assert "test.your-api-server.com" in preview.preview_label.text()
    preview.reject()
    assert editor(window).base_url_edit.text() == sandbox.base_url
    assert window.cardholder.cardholder() == before

    # The Send above was recorded after the policy's retention had cut 5 old calls to 2.
    store = window.history_store
    assert store is not None and store.count() == 3


def test_settings_in_effect_dialog_shows_each_source(
        qtbot: Any, home: AppPaths, start_with_policy: Callable[..., MainWindow]) -> None:
    from enkash_desktop.core.models import Profile
    from enkash_desktop.store import Settings, SettingsStore

    SettingsStore(home.settings_file).save(Settings(profiles=(
        Profile(name="Mine", base_url="https://pay-uat.enkash.in"),)))
    window = start_with_policy(STRICT)
    window.settings_view_action.trigger()
    dialog = window.policy.settings_dialog
    assert dialog is not None and dialog.isVisible()
    rows = {key: (name, value, source) for key, name, value, source in dialog.rows()}
    assert rows["allow_copy_with_secrets"] == ("Copying requests with secrets allowed", "No",
                                               "Set by your administrator")
    assert rows["allowed_hosts"] == ("Allowed EnKash hosts", "pay-uat.enkash.in",
                                     "Set by your administrator")
    assert rows["history_retention_days"] == ("Days the history is kept", "365",
                                              "Built-in default")
    name, value, source = rows["profiles.Mine"]
    assert (name, source) == ("Profile “Mine”", "Your settings")
    assert "https://pay-uat.enkash.in" in value
    assert "fancy_new_key" in dialog.notes.text()
    assert "policy.json" in dialog.notes.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_damaged_policy_is_reported_and_restrictive(
        qtbot: Any, start_with_policy: Callable[..., MainWindow]) -> None:
    window = start_with_policy("{this is not json")
    notice = window.notice_label.text()
    assert "could not be read" in notice and "most restrictive" in notice
    assert not window.copy_curl_secrets_action.isEnabled()
    retype(qtbot, editor(window).base_url_edit, "https://pay-uat.enkash.in")
    assert not window.send_button.isEnabled()
    assert "allows no EnKash host" in window.send_blocker


def test_the_diagnostics_zip_holds_the_settings_in_effect(
        qtbot: Any, tmp_path: Path, start_with_policy: Callable[..., MainWindow]) -> None:
    import zipfile

    window = start_with_policy(STRICT)
    target = tmp_path / "diagnostics.zip"
    window.support.choose_diagnostics_path = lambda: str(target)  # type: ignore[method-assign]
    window.diagnostics_action.trigger()
    qtbot.waitUntil(target.exists, timeout=5000)
    with zipfile.ZipFile(target) as archive:
        report = json.loads(archive.read("report.json"))
    text = report["settings_in_effect"]
    assert "allow_copy_with_secrets" in text and "(policy)" in text
    assert "history_retention_days" in text and "(built-in)" in text


# ------------------------------------------------------------------ the update notice


@pytest.fixture
def no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    from enkash_desktop.gui import update_notice

    monkeypatch.setattr(update_notice, "CHECK_DELAY_MS", 0)


def _feed(version: str) -> bytes:
    return json.dumps({"version": version, "url": "https://it.example.com/enkash?x=<b>",
                       "notes": "Faster sends.", "sha256": "0" * 64}).encode()


def _settle(qtbot: Any, window: MainWindow) -> None:
    qtbot.wait(50)  # the planned check starts
    assert window.wait_for_background(5000)
    qtbot.wait(20)  # its result reaches the window


def test_a_newer_version_shows_a_notice_with_a_link(
        qtbot: Any, home: AppPaths, no_delay: None,
        start_with_policy: Callable[..., MainWindow]) -> None:
    from tests.feed_server import feed_server

    with feed_server() as server:
        server.body = _feed("99.0.1")
        window = start_with_policy({"update_feed_url": server.url})
        notice = window.policy.update_notice
        assert notice is not None
        qtbot.waitUntil(notice.isVisible, timeout=5000)
        assert "Version 99.0.1 is available." in notice.text()
        # The link is the page IT named, escaped; nothing else was fetched from it.
        assert 'href="https://it.example.com/enkash?x=&lt;b&gt;"' in notice.text()
        assert notice.openExternalLinks()
        assert notice.toolTip() == "Faster sends."
        assert [(m, b) for m, _, _, b in server.requests] == [("GET", b"")]
        # At most once a day: a second start the same day does not read the feed again.
        again = start_with_policy({"update_feed_url": server.url})
        _settle(qtbot, again)
        assert len(server.requests) == 1
        assert again.policy.update_notice is not None and not again.policy.update_notice.isVisible()


@pytest.mark.parametrize("body", [_feed("0.1.0"), _feed("0.0.9"),
                                  b"<html>proxy login</html>", b"x" * 200_000,
                                  _feed("not.a.version")])
def test_no_notice_for_the_same_older_or_a_hostile_feed(
        qtbot: Any, no_delay: None, body: bytes, caplog: pytest.LogCaptureFixture,
        start_with_policy: Callable[..., MainWindow]) -> None:
    from enkash_desktop import __version__
    from tests.feed_server import feed_server

    assert __version__ == "0.1.0"  # the feeds above are written against it
    with feed_server() as server:
        server.body = body
        window = start_with_policy({"update_feed_url": server.url})
        _settle(qtbot, window)
        assert len(server.requests) == 1
    assert window.policy.update_notice is not None and not window.policy.update_notice.isVisible()
    assert "Traceback" not in caplog.text and "update check failed" not in caplog.text


@pytest.mark.parametrize("policy", [{"update_checks": False}, {}])
def test_nothing_is_fetched_when_checks_are_off_or_no_feed_is_set(
        qtbot: Any, home: AppPaths, no_delay: None, policy: dict[str, object],
        start_with_policy: Callable[..., MainWindow]) -> None:
    from enkash_desktop.store import Settings, SettingsStore
    from tests.feed_server import feed_server

    with feed_server() as server:
        server.body = _feed("99.0")
        # The user's own feed setting is overruled by a policy that turns checks off.
        url = server.url if policy else ""
        SettingsStore(home.settings_file).save(Settings(preferences={"update_feed_url": url}))
        window = start_with_policy(policy)
        _settle(qtbot, window)
        assert server.requests == []
    assert window.policy.update_notice is not None and not window.policy.update_notice.isVisible()


def test_a_policy_profile_is_locked_and_says_so(
        qtbot: Any, start_with_policy: Callable[..., MainWindow]) -> None:
    window = start_with_policy({"profiles": [{
        "name": "Team UAT", "environment": "uat", "base_url": "https://pay-uat.enkash.in",
        "partner_id": "CRMXWB3ZM"}]})
    combo = editor(window).profile_combo
    assert combo.findText("Team UAT") >= 0
    combo.setCurrentIndex(combo.findText("Team UAT"))
    combo.activated.emit(combo.currentIndex())  # what choosing it in the list sends
    qtbot.waitUntil(lambda: editor(window).base_url_edit.text() == "https://pay-uat.enkash.in",
                    timeout=5000)
    base_url = editor(window).base_url_edit
    assert base_url.isReadOnly()
    assert "Set by your administrator" in base_url.toolTip()
    assert not editor(window).environment_combo.isEnabled()
    assert editor(window).partner_id_edit.isReadOnly() is False  # only the locked fields
    # Back on the demo, the fields are the user's again, with their own tooltips.
    combo.setCurrentIndex(combo.findText("Demo (sandbox)"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: not editor(window).base_url_edit.isReadOnly(), timeout=5000)
    assert "administrator" not in editor(window).base_url_edit.toolTip()


@pytest.mark.parametrize(("policy", "seconds"), [({"clipboard_clear_seconds": 5}, 5.0),
                                                 ({"clipboard_clear_seconds": 0}, 0.0),
                                                 ({}, 60.0)])
def test_the_policy_sets_when_a_copied_link_leaves_the_clipboard(
        qtbot: Any, start_with_policy: Callable[..., MainWindow], policy: dict[str, int],
        seconds: float) -> None:
    window = start_with_policy(policy)
    assert window.result.clipboard_guard.seconds == seconds


def test_a_managed_profile_says_what_the_administrator_set(
        qtbot: Any, start_with_policy: Callable[..., MainWindow]) -> None:
    window = start_with_policy({"profiles": [{
        "name": "Team UAT", "environment": "uat", "base_url": "https://pay-uat.enkash.in",
        "partner_id": "CRMXWB3ZM"}]})
    bar = window.profile_bar.combo
    bar.setCurrentIndex(bar.findText("Team UAT"))
    bar.activated.emit(bar.currentIndex())  # chosen on the main view
    qtbot.waitUntil(lambda: window.profile_bar.badge.text() == "UAT", timeout=5000)
    panel = editor(window)
    dialog = window.partner.editor
    assert dialog is not None
    assert not dialog.managed_note.isHidden()
    assert "Set by your administrator" in dialog.managed_note.text()
    assert panel.base_url_edit.isReadOnly()
    bar.setCurrentIndex(bar.findText("Demo (sandbox)"))
    bar.activated.emit(bar.currentIndex())
    qtbot.waitUntil(lambda: window.profile_bar.badge.text() == "DEMO", timeout=5000)
    assert dialog.managed_note.isHidden()
