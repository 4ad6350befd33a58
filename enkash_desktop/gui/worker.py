"""The worker idiom: a QRunnable on a private QThreadPool that reports through Qt signals.

The signals holder is a QObject created on the GUI thread, so its queued signals are
delivered on the GUI thread; the runnable only calls a plain function with plain values and
always emits ``finished`` in ``finally``. The owner keeps a reference to the task until
``finished`` arrives, so neither the holder nor the runnable is collected while running.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    """What a task reports: a value, an exception, and always ``finished`` at the end."""

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class Task(QRunnable):
    """Runs ``fn()`` on a pool thread; the result or exception travels back as a signal.

    ``cancelled`` is a :class:`threading.Event` the owner sets to say "stop caring"; the
    function may also look at it. Create the task on the GUI thread.
    """

    def __init__(self, fn: Callable[[], Any], *, name: str = "task") -> None:
        super().__init__()
        self.setAutoDelete(False)  # the owner's reference decides its lifetime
        self.fn = fn
        self.name = name
        self.cancelled = threading.Event()
        self.signals = TaskSignals()

    def run(self) -> None:
        try:
            value = self.fn()
        except BaseException as exc:  # the worker boundary: everything goes back as a value
            if not isinstance(exc, Exception):
                log.error("task %s stopped by %r", self.name, exc)
            self._emit(self.signals.failed, exc)
        else:
            self._emit(self.signals.succeeded, value)
        finally:
            self._emit(self.signals.finished)

    @staticmethod
    def _emit(signal: Any, *args: Any) -> None:
        # The holder may already be gone when the window closed during the call.
        with contextlib.suppress(RuntimeError):
            signal.emit(*args)
