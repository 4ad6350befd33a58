"""Waiting in the foreground until the person (or a service manager) asks the sandbox to stop.

A program started with ``&`` from a script starts with SIGINT ignored, and Python then installs
no KeyboardInterrupt for it; relying on KeyboardInterrupt would leave such a sandbox running
for ever. So SIGINT and SIGTERM get handlers of their own, whatever their disposition was.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None
)


def wait_for_stop_signal(poll_s: float = 0.25) -> int:
    """Block until SIGINT or SIGTERM arrives; returns its number. Main thread only.

    The previous handlers are put back before returning.
    """
    stop = threading.Event()
    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()

    previous = {s: signal.signal(s, handler) for s in STOP_SIGNALS}
    try:
        # A short timeout: the handler runs between bytecodes, so the wait must return now
        # and then for it to run (a plain wait would be resumed after the signal).
        while not stop.wait(poll_s):
            pass
    finally:
        for s, old in previous.items():
            signal.signal(s, old)
    return received[0]
