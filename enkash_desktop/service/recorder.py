"""The one place where a finished call reaches the history (the desk's audit trail).

The window, its batch dialog and the command line hand every result to a
:class:`CallRecorder`; nothing else calls :meth:`HistoryStore.record`. A result that comes
before the history is open waits in memory and is written when it opens. When the history
cannot be opened or written, each caller gets a sentence to show; no result is dropped
without the user being told.

Writes happen on the caller's thread: the window calls it from its worker, never from the
GUI thread. The recorder is safe to share between threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from enkash_desktop.store.history import HistoryStore
    from enkash_desktop.store.history_rows import Recordable  # an SSO call, a lookup, a login

log = logging.getLogger(__name__)

NOT_RECORDED = ("This call could not be recorded in the history: {reason} It was still "
                "sent, and its result is shown.")


class CallRecorder:
    """Records results in the history; holds them while the history is not open yet."""

    def __init__(self, store: HistoryStore | None = None) -> None:
        self._lock = threading.Lock()
        self._store: HistoryStore | None = None
        self._pending: list[Recordable] = []
        self._reason = ""  # why the history is unavailable ("" while it may still open)
        self._listeners: list[Callable[[int], None]] = []
        if store is not None:
            self.open(store)

    @property
    def store(self) -> HistoryStore | None:
        return self._store

    @property
    def pending(self) -> int:
        """How many results wait for the history to open."""
        with self._lock:
            return len(self._pending)

    @property
    def unavailable_reason(self) -> str:
        """Why results cannot be recorded ("" when they can, or may soon)."""
        return self._reason

    def on_recorded(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(number of rows)`` after each write (on the writing thread)."""
        self._listeners.append(listener)

    def open(self, store: HistoryStore) -> str:
        """Start writing to ``store``; the results that waited are written first.

        Returns a sentence to show when they could not be written, else "".
        """
        with self._lock:
            self._store = store
            self._reason = ""
            waiting, self._pending = self._pending, []
        return self._write(waiting) if waiting else ""

    def unavailable(self, reason: str) -> str:
        """The history cannot be opened (``reason`` is a sentence). Returns the notice to
        show now, which also counts the results that were waiting."""
        with self._lock:
            self._reason = reason
            waiting = len(self._pending)
        if waiting:
            return (f"The history could not be opened: {reason} The last {waiting} call(s) "
                    "were not recorded; their results were shown when they came.")
        return f"The history could not be opened, so calls are not recorded: {reason}"

    def record(self, result: Recordable) -> str:
        """Record one result; returns a sentence when it could not be, else "".

        Before the history opens, the result waits (and "" is returned).
        """
        return self.record_many([result])

    def record_many(self, results: Iterable[Recordable]) -> str:
        batch = list(results)
        if not batch:
            return ""
        with self._lock:
            if self._store is None and not self._reason:
                self._pending.extend(batch)
                return ""
        return self._write(batch)

    def _write(self, batch: list[Recordable]) -> str:
        from enkash_desktop.store.errors import StoreError

        store = self._store
        if store is None:
            return NOT_RECORDED.format(reason=self._reason or "it is not open.")
        try:
            if len(batch) == 1:
                store.record(batch[0])
            else:
                store.record_many(batch)
        except StoreError as exc:
            log.warning("the history did not record %d call(s): %s", len(batch), exc)
            return NOT_RECORDED.format(reason=str(exc))
        for listener in list(self._listeners):
            listener(len(batch))
        return ""
