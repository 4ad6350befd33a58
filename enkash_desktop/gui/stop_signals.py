"""Close the window cleanly on SIGINT (Ctrl+C in the terminal) and SIGTERM.

Python runs signal handlers only between bytecodes, and Qt's event loop runs no Python while
it waits, so the C-level handler also writes a byte to a socket (``signal.set_wakeup_fd``)
that a ``QSocketNotifier`` watches: the notifier wakes the loop, Python runs the handler, and
the handler closes the window (its closeEvent cancels, waits and saves) and quits. The handlers
are installed whatever the signals' disposition was, since a program started with ``&`` from
a script starts with SIGINT ignored.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import sys
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)


class _SignalWaker(QObject):
    """Owns the socket pair and the notifier for as long as the application lives."""

    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__(app)
        self._window = window
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        signal.set_wakeup_fd(self._writer.fileno())
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)
        app.aboutToQuit.connect(self._uninstall)
        log.info("Ctrl+C and SIGTERM close the window")

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            self._reader.recv(512)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        log.info("stopping on signal %s", signal.Signals(signum).name)
        self._window.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def _uninstall(self) -> None:
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()


def stop_on_signals(app: QApplication, window: QWidget) -> None:
    """Close ``window`` and quit ``app`` on SIGINT or SIGTERM (POSIX, main thread only)."""
    if sys.platform == "win32":  # no SIGTERM delivery there; closing the window is the way
        return
    _SignalWaker(app, window)
