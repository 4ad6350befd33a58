"""Small helpers for driving the window like a user."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from enkash_desktop.gui.forms import PartnerPanel
from enkash_desktop.gui.main_window import MainWindow


def retype(qtbot: Any, edit: QLineEdit, text: str) -> None:
    """Select all, delete, and type ``text`` key by key (as a user would)."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    for char in text:
        if char.isascii():
            qtbot.keyClicks(edit, char)
        else:  # QTest only types ASCII; a key event with text is what a keyboard sends
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(edit, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                       char))


def start_as_the_program(qtbot: Any) -> tuple[MainWindow, dict[str, object]]:
    """The window shown, then started as `enkash-desktop --demo` starts it (`start_services`:
    settings, log, the demo sandbox, history); the state to hand to :func:`stop_started`."""
    from enkash_desktop.app import start_services

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    state: dict[str, object] = {}
    start_services(window, demo=True, state=state)
    return window, state


def stop_started(window: MainWindow, state: dict[str, object]) -> None:
    """Close a window of :func:`start_as_the_program` and stop what start-up started."""
    from enkash_desktop.app import stop_services

    window.close()
    state["history"] = window.history_store
    state["workers_idle"] = window.wait_for_background(5000)
    stop_services(state)


def send(qtbot: Any, window: MainWindow, timeout_ms: int = 8000) -> None:
    """Click Send and wait until the call is over and its result is shown."""
    assert window.send_button.isEnabled(), window.send_blocker
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.busy, timeout=timeout_ms)


def get_token(qtbot: Any, window: MainWindow, timeout_ms: int = 8000) -> None:
    button = editor(window).get_token_button
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.busy, timeout=timeout_ms)


def sso_calls(sandbox: Any) -> int:
    return sum(1 for call in sandbox.calls if "sso" in call.path)


def token_calls(sandbox: Any) -> int:
    return sum(1 for call in sandbox.calls if "oauth" in call.path)


def editor(window: MainWindow) -> PartnerPanel:
    """Open the profile editor (Edit profile…) and return its fields."""
    return window.partner.open_editor()
