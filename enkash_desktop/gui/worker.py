"""The worker idiom: plain functions on a private QThreadPool, results back as Qt signals.

One :class:`Worker` (a QObject created on the GUI thread) owns one private pool. Its
:meth:`Worker.run` starts ``fn()`` on a pool thread and returns a :class:`Job` handle; the
value or the exception comes back on the GUI thread as ``succeeded`` / ``failed`` (and the
job's own callbacks), and ``finished`` always follows, also for a job that failed or was
cancelled.

Why it is built this way:

- The worker itself is the only signals holder. A pool thread reports one queued event to
  it (``key, ok, payload``) and keeps no reference to anything the GUI owns, so no QObject
  is ever released on a pool thread and a job cannot keep itself alive through its slots.
- The pool thread drops its references to the job before it reports; the GUI thread drops
  the last one after delivery, so a finished job (its function, its callbacks and whatever
  they hold) is freed on the GUI thread at once, not when the pool goes away. Runnables
  auto-delete: PySide makes the pool a runnable's parent on ``start()`` and forgets it when
  Qt deletes the runnable (never, with ``setAutoDelete(False)``: every job would stay).
- A pool thread's Python state does not outlive one job (PySide gives each job a fresh
  thread state), so ``cleanup`` lets a job close what it opened in its thread, for
  example the SQLite connection of a :class:`~enkash_desktop.store.HistoryStore`.
- After :meth:`Worker.shutdown` (or once the worker is destroyed) results are dropped.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class Job:
    """One call handed to a :class:`Worker`: what to run, whom to tell, and a cancel flag.

    ``cancel()`` means "stop caring": a job that has not started yet does not run, and the
    result of one that has is dropped (``finished`` still comes). The function may look at
    ``cancelled`` to stop early. ``generation`` and ``droppable`` are the owner's labels for
    :meth:`Worker.discard_queued`.
    """

    __slots__ = (
        "__weakref__",
        "cancelled",
        "cleanup",
        "droppable",
        "fn",
        "generation",
        "name",
        "on_failure",
        "on_finished",
        "on_success",
        "started",
    )

    def __init__(
        self,
        fn: Callable[[], Any],
        *,
        name: str,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
        on_finished: Callable[[Job], None] | None,
        cleanup: Callable[[], None] | None,
        generation: int,
        droppable: bool,
    ) -> None:
        self.fn: Callable[[], Any] | None = fn
        self.name = name
        self.on_success = on_success
        self.on_failure = on_failure
        self.on_finished = on_finished
        self.cleanup = cleanup
        self.generation = generation
        self.droppable = droppable
        self.cancelled = threading.Event()
        self.started = False  # set by the pool thread when it picks the job up

    def cancel(self) -> None:
        """Stop caring about this job: do not start it, drop its result."""
        self.cancelled.set()

    def _release(self) -> None:
        # Break whatever the callbacks hold (they may refer to this job) on the GUI thread.
        self.fn = self.on_success = self.on_failure = self.on_finished = self.cleanup = None

    def __repr__(self) -> str:
        return f"<Job {self.name} generation={self.generation}>"


class _Runnable(QRunnable):
    """The pool's side of a job: run it, clean up the thread, report once, keep nothing."""

    def __init__(
        self,
        key: int,
        job: Job,
        worker: Worker,
        lock: threading.Lock,
        gone: threading.Event,
        accepted: threading.Event,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)  # Qt deletes the C++ runnable when run() returns
        self._accepted = accepted
        self._key = key
        self._job: Job | None = job
        self._worker = weakref.ref(worker)
        self._lock = lock
        self._gone = gone

    def run(self) -> None:
        # PySide records the pool as this runnable's parent after start() returns; a job
        # that ended before that would leave its wrapper with the pool until the pool dies.
        self._accepted.wait()
        job, self._job = self._job, None
        if job is None:  # pragma: no cover - a runnable runs once
            return
        job.started = True
        fn, cleanup, cancelled, name = job.fn, job.cleanup, job.cancelled, job.name
        del job  # the GUI thread holds the job; this thread must not hold the last reference
        ok, payload = False, None
        try:
            if not cancelled.is_set() and fn is not None:
                payload = fn()
                ok = True
        except BaseException as exc:  # the worker boundary: everything goes back as a value
            if not isinstance(exc, Exception):
                log.error("job %s stopped by %r", name, exc, exc_info=exc)
            payload = exc
        finally:
            fn = None
            if cleanup is not None:
                try:
                    cleanup()
                except Exception as exc:  # a failed cleanup must not hide the result
                    log.warning("cleanup after job %s failed: %r", name, exc)
                cleanup = None
            self._report(ok, payload)
            payload = None

    def _report(self, ok: bool, payload: object) -> None:
        # The lock makes "destroyed" wait for a report in progress, and no report start
        # once the worker is being destroyed.
        with self._lock:
            if self._gone.is_set():
                return
            worker = self._worker()
            if worker is None:
                return
            with contextlib.suppress(RuntimeError):  # the C++ side is already gone
                worker._report.emit(self._key, ok, payload)
            del worker


class Worker(QObject):
    """Runs plain functions on a private thread pool and delivers results on the GUI thread.

    Signals (GUI thread): ``succeeded(job, value)``, ``failed(job, exception)``, and always
    ``finished(job)``; each job's ``on_success`` / ``on_failure`` / ``on_finished``
    callbacks run just before the matching signal. Create the worker on the GUI thread with
    a parent (or keep a reference) and call :meth:`shutdown` before its owner goes away.
    """

    succeeded = Signal(object, object)
    failed = Signal(object, object)
    finished = Signal(object)
    _report = Signal(object, bool, object)  # key, ok, value or exception (from a pool thread)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_threads: int = 1,
        expiry_timeout_ms: int | None = None,
        name: str = "worker",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, max_threads))
        if expiry_timeout_ms is not None:
            self._pool.setExpiryTimeout(expiry_timeout_ms)
        self._jobs: dict[int, Job] = {}
        self._keys = itertools.count()
        self._closed = False
        from PySide6.QtCore import Qt  # here: a window builds its workers after first paint

        self._report.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        # Once the C++ object is going, no pool thread may report to it any more.
        lock, gone = threading.Lock(), threading.Event()
        self._lock, self._gone = lock, gone

        def destroyed(*_: object) -> None:
            with lock:
                gone.set()

        self.destroyed.connect(destroyed)

    # -- state ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a job is queued, running, or its result is still on its way."""
        return bool(self._jobs)

    @property
    def closed(self) -> bool:
        """True after :meth:`shutdown`: no new jobs, no more results."""
        return self._closed or self._gone.is_set()

    # -- running -------------------------------------------------------------------------

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_finished: Callable[[Job], None] | None = None,
        cleanup: Callable[[], None] | None = None,
        name: str = "job",
        generation: int = 0,
        droppable: bool = False,
    ) -> Job | None:
        """Start ``fn()`` on the pool; None once the worker is shut down.

        ``cleanup()`` runs afterwards in the same pool thread, whatever happened (close
        per-thread resources there). Without ``on_failure`` a failure is logged.
        """
        if self.closed:
            return None
        job = Job(
            fn,
            name=name,
            on_success=on_success,
            on_failure=on_failure,
            on_finished=on_finished,
            cleanup=cleanup,
            generation=generation,
            droppable=droppable,
        )
        key = next(self._keys)
        self._jobs[key] = job
        accepted = threading.Event()
        try:
            self._pool.start(_Runnable(key, job, self, self._lock, self._gone, accepted))
        finally:
            accepted.set()
        return job

    def discard_queued(self, keep: Callable[[Job], bool] = lambda job: False) -> int:
        """Cancel droppable jobs that have not started, unless ``keep(job)``; how many."""
        count = 0
        for job in self._jobs.values():
            if job.droppable and not job.started and not keep(job):
                job.cancel()
                count += 1
        return count

    def wait_for_idle(self, timeout_ms: int = 5000) -> bool:
        """Block until no job runs (tests and closing); results arrive at the next loop turn."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop delivering results, cancel every job, drop the queued ones, wait for the rest.

        True when every job is done within ``timeout_ms``. ``finished`` still comes for the
        jobs that ran; the queued ones that never will get theirs now.
        """
        self._closed = True
        for job in self._jobs.values():
            job.cancel()
        self._pool.clear()
        for key, job in list(self._jobs.items()):
            if not job.started:
                del self._jobs[key]
                self._finish(job)
        return self._pool.waitForDone(timeout_ms)

    # -- delivery (GUI thread) -----------------------------------------------------------

    def _deliver(self, key: int, ok: bool, payload: object) -> None:
        job = self._jobs.pop(key, None)
        if job is None:
            return  # already finished by shutdown()
        try:
            if self._closed or job.cancelled.is_set():
                return
            if ok:
                if job.on_success is not None:
                    job.on_success(payload)
                self.succeeded.emit(job, payload)
            else:
                assert isinstance(payload, BaseException)
                if job.on_failure is not None:
                    job.on_failure(payload)
                else:
                    log.warning("job %s failed: %r", job.name, payload, exc_info=payload)
                self.failed.emit(job, payload)
        finally:
            self._finish(job)

    def _finish(self, job: Job) -> None:
        try:
            if job.on_finished is not None:
                job.on_finished(job)
            self.finished.emit(job)
        finally:
            job._release()
