"""A bug is called a bug: a fault forced into a worker job shows the crash dialog, writes
its traceback to the log, and neither the dialog, the clipboard nor the log names a secret."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication

from enkash_desktop.core.client import EnkashClient
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import DEMO
from enkash_desktop.store.paths import AppPaths
from tests.gui.gui_helpers import send, sso_calls


def _fault_in_send(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """The test seam: while ``switch["on"]``, the SSO call raises an error of no kind of
    ours whose message carries the session's secrets."""
    switch = {"on": True}
    original = EnkashClient.send_sso

    def broken(self: EnkashClient, *args: Any, **kwargs: Any) -> Any:
        if not switch["on"]:
            return original(self, *args, **kwargs)
        parts = {"password": DEMO.password, "client_secret": DEMO.oauth_client_secret}
        raise RuntimeError(f"forced fault with {parts}")

    monkeypatch.setattr(EnkashClient, "send_sso", broken)
    return switch


def test_a_bug_in_a_call_shows_the_crash_dialog_and_never_a_server_error(
        qtbot: Any, window: MainWindow, home: AppPaths, logged: None,
        monkeypatch: pytest.MonkeyPatch, sandbox: Any) -> None:
    switch = _fault_in_send(monkeypatch)
    before = sso_calls(sandbox)
    send(qtbot, window)
    calls = window.calls
    qtbot.waitUntil(lambda: calls.crash_dialog is not None and calls.crash_dialog.isVisible())
    dialog = calls.crash_dialog
    assert dialog is not None

    # The screen says the program failed, not the server, and offers nothing to open.
    outcome = window.result.outcome.text()
    assert "fault in Enkash Desktop" in outcome
    assert "server" not in outcome.lower()
    assert not window.result.open_button.isEnabled()
    assert sso_calls(sandbox) == before  # the fault came before anything was sent

    # The dialog's summary names the error and where it happened, without the secrets.
    summary = dialog.details.toPlainText()
    assert "RuntimeError" in summary and "sending a call" in summary
    assert DEMO.password not in summary and DEMO.oauth_client_secret not in summary
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "RuntimeError" in copied and DEMO.password not in copied
    assert dialog.export_button.isEnabled()

    # The log has the whole traceback, redacted.
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = home.log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError" in text
    assert "broken" in text  # the frame of the fault is there
    assert DEMO.password not in text and DEMO.oauth_client_secret not in text
    dialog.reject()

    # The window still works: the next send, with the fault gone, succeeds.
    switch["on"] = False
    send(qtbot, window)
    assert window.result.open_button.isEnabled()
    assert "Success" in window.result.outcome.text()


def test_an_uncaught_exception_on_the_gui_thread_opens_the_crash_dialog(
        qtbot: Any, window: MainWindow, home: AppPaths, logged: None,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from PySide6.QtWidgets import QApplication

    from enkash_desktop.gui.crash_dialog import CrashDialog, install_crash_hook
    from enkash_desktop.store.logs import remember_secrets

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    secret = "Pa55+w/rd=crash"
    remember_secrets([secret])
    install_crash_hook(window)
    try:
        raise ValueError(f"a slot failed near {secret}")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, CrashDialog) and w.isVisible()]
    assert len(dialogs) == 1
    assert "ValueError" in dialogs[0].summary and secret not in dialogs[0].summary
    assert not dialogs[0].export_button.isEnabled()  # no export was offered to this hook
    err = capsys.readouterr().err
    assert "ValueError" in err and secret not in err
    dialogs[0].reject()
