"""The link is a credential: copied, it leaves the clipboard after the interval; shown as a
QR code, the code hides after it; the status bar says so. A short interval, set as the
preference a user or administrator would set."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from enkash_desktop.gui.credential_guard import (
    PREF_CREDENTIAL_CLEAR_S,
    credential_seconds,
)
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.gui.qr_dialog import QrDialog
from enkash_desktop.store.paths import AppPaths
from enkash_desktop.store.settings import Settings, SettingsStore
from tests.gui.gui_helpers import send


def _window_with_interval(make_window: Any, home: AppPaths, seconds: float) -> MainWindow:
    SettingsStore(home.settings_file).save(
        Settings(preferences={PREF_CREDENTIAL_CLEAR_S: seconds}))
    window: MainWindow = make_window()
    assert window.result.clipboard_guard.seconds == seconds
    return window


def test_copied_link_and_token_leave_the_clipboard(qtbot: Any, make_window: Any,
                                                   home: AppPaths) -> None:
    window = _window_with_interval(make_window, home, 0.3)
    send(qtbot, window)
    link = window.result.link_view.text()
    assert link
    clipboard = QApplication.clipboard()
    window.result.copy_link_button.click()
    assert clipboard.text() == link
    assert "cleared in 0.3 seconds" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=3000)
    assert "clipboard was cleared" in window.statusBar().currentMessage()

    window.result.copy_token_button.click()
    token = window.result.token_edit.text()
    assert clipboard.text() == token
    clipboard.setText("the clerk copied something else")  # never cleared by us
    qtbot.wait(600)
    assert clipboard.text() == "the clerk copied something else"


def test_zero_means_never(qtbot: Any, make_window: Any, home: AppPaths) -> None:
    window = _window_with_interval(make_window, home, 0)
    send(qtbot, window)
    window.result.copy_link_button.click()
    assert window.statusBar().currentMessage() == ("The portal link was copied to the "
                                                   "clipboard.")
    qtbot.wait(300)
    assert QApplication.clipboard().text() == window.result.link_view.text()


def test_the_qr_code_hides_after_the_interval(qtbot: Any, make_window: Any,
                                              home: AppPaths) -> None:
    window = _window_with_interval(make_window, home, 0.3)
    send(qtbot, window)
    window.result.qr_button.click()
    dialog = window.result.qr_dialog
    assert isinstance(dialog, QrDialog)
    assert not dialog.image.pixmap().isNull()
    assert "hidden in 0.3 seconds" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: dialog.image.pixmap().isNull(), timeout=3000)
    assert "was hidden" in dialog.image.text() and "was hidden" in dialog.status.text()
    assert not dialog.save_png_button.isEnabled()
    dialog.reject()


def test_closing_the_qr_code_takes_back_its_status_line(qtbot: Any, make_window: Any,
                                                       home: AppPaths) -> None:
    """"The QR code is shown" goes with the code: at Esc, and when a new call closes it;
    another message shown meanwhile stays."""
    window = _window_with_interval(make_window, home, 60)
    send(qtbot, window)
    window.result.qr_button.click()
    dialog = window.result.qr_dialog
    assert isinstance(dialog, QrDialog)
    assert window.statusBar().currentMessage().startswith("The QR code is shown")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.result.qr_dialog is None, timeout=3000)
    assert window.statusBar().currentMessage() == ""

    window.result.qr_button.click()
    dialog = window.result.qr_dialog
    assert isinstance(dialog, QrDialog)
    window.result.copy_link_button.click()  # a newer message: it is not taken back
    copied = window.statusBar().currentMessage()
    assert copied.startswith("The portal link was copied")
    dialog.reject()
    qtbot.waitUntil(lambda: window.result.qr_dialog is None, timeout=3000)
    assert window.statusBar().currentMessage() == copied

    window.result.qr_button.click()
    assert window.statusBar().currentMessage().startswith("The QR code is shown")
    send(qtbot, window)  # the new call closes the old code, and its line goes
    assert window.result.qr_dialog is None
    assert not window.statusBar().currentMessage().startswith("The QR code is shown")


@pytest.mark.parametrize(("value", "seconds"), [
    (None, 60.0), ("ten", 60.0), (True, 60.0), (float("nan"), 60.0), (-5, 0.0), (0, 0.0),
    (30, 30.0), (1e12, 3600.0)])
def test_the_preference_is_read_safely(value: Any, seconds: float) -> None:
    prefs = {} if value is None else {PREF_CREDENTIAL_CLEAR_S: value}
    assert credential_seconds(prefs) == seconds
