"""The one worker of the GUI: threads, delivery, failures, lifetime and shutdown."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QObject, QThread

from enkash_desktop.gui import worker as worker_module
from enkash_desktop.gui.worker import Job, Worker


@pytest.fixture
def worker(qapp: Any) -> Iterator[Worker]:
    w = Worker(max_threads=4, name="test")
    yield w
    assert w.shutdown(2000)


def settle(qtbot: Any, worker: Worker, timeout: int = 5000) -> None:
    """Wait until every job ran and its result was delivered."""
    assert worker.wait_for_idle(timeout)
    qtbot.waitUntil(lambda: not worker.busy, timeout=timeout)


def test_results_arrive_on_the_gui_thread(qtbot: Any, worker: Worker) -> None:
    gui = QThread.currentThread()
    ran_on: list[bool] = []
    seen: list[tuple[object, bool]] = []
    signalled: list[tuple[Job, object]] = []
    worker.succeeded.connect(lambda job, value: signalled.append((job, value)))

    def fn() -> int:
        ran_on.append(QThread.currentThread() is gui)
        return 42

    job = worker.run(fn, on_success=lambda v: seen.append((v, QThread.currentThread() is gui)))
    assert job is not None and worker.busy
    settle(qtbot, worker)
    assert ran_on == [False]  # the function ran on a pool thread
    assert seen == [(42, True)]  # the value came back on the GUI thread
    assert signalled == [(job, 42)]


def test_an_exception_comes_back_as_failed_and_finished_always_follows(
    qtbot: Any, worker: Worker
) -> None:
    events: list[str] = []
    errors: list[BaseException] = []
    finished: list[Job] = []
    worker.finished.connect(finished.append)

    def broken() -> None:
        raise ValueError("no")

    ok = worker.run(lambda: 1, on_success=lambda v: events.append("ok"),
                    on_finished=lambda job: events.append("ok-finished"))
    bad = worker.run(broken, on_success=lambda v: events.append("wrong"),
                     on_failure=errors.append,
                     on_finished=lambda job: events.append("bad-finished"))
    settle(qtbot, worker)
    assert events.count("ok") == 1 and "wrong" not in events
    assert events.index("ok") < events.index("ok-finished")
    assert "bad-finished" in events
    assert len(errors) == 1 and isinstance(errors[0], ValueError)
    assert errors[0].__traceback__ is not None  # the traceback travels with it, for the log
    assert set(finished) == {ok, bad}


def test_a_failure_without_a_handler_is_logged(
    qtbot: Any, worker: Worker, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("disk on fire")

    worker.run(broken, name="lonely")
    settle(qtbot, worker)
    assert "job lonely failed" in caplog.text and "disk on fire" in caplog.text


def test_cleanup_runs_in_the_jobs_thread_after_success_and_failure(
    qtbot: Any, worker: Worker
) -> None:
    threads: dict[str, list[int]] = {"fn": [], "cleanup": []}

    def fn(fail: bool) -> None:
        threads["fn"].append(threading.get_ident())
        if fail:
            raise OSError("locked")

    def cleanup() -> None:
        threads["cleanup"].append(threading.get_ident())

    for fail in (False, True, False, True):
        worker.run(lambda fail=fail: fn(fail), cleanup=cleanup, on_failure=lambda e: None)
    settle(qtbot, worker)
    assert sorted(threads["fn"]) == sorted(threads["cleanup"])
    assert threading.get_ident() not in threads["cleanup"]


class Payload:
    """Something a job's function holds; records on which thread it is freed."""

    freed_on: ClassVar[list[bool]] = []

    def __del__(self) -> None:
        Payload.freed_on.append(threading.current_thread() is threading.main_thread())


def test_a_thousand_jobs_leave_nothing_behind(
    qtbot: Any, worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    runnables: weakref.WeakSet[Any] = weakref.WeakSet()
    original = worker_module._Runnable.__init__

    def counting_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        runnables.add(self)

    monkeypatch.setattr(worker_module._Runnable, "__init__", counting_init)
    Payload.freed_on = []
    jobs: weakref.WeakSet[Job] = weakref.WeakSet()
    payloads: weakref.WeakSet[Payload] = weakref.WeakSet()
    values: list[int] = []
    gc.collect()
    before = len(gc.get_objects())
    for i in range(1000):
        payload = Payload()
        payloads.add(payload)
        job = worker.run(lambda i=i, p=payload: i, on_success=values.append)
        assert job is not None
        jobs.add(job)
    del payload, job
    settle(qtbot, worker, 20_000)
    assert sorted(values) == list(range(1000))
    gc.collect()
    assert len(jobs) == 0
    assert len(payloads) == 0
    assert len(runnables) == 0
    assert len(gc.get_objects()) - before < 200  # bounded: nothing grows with the job count
    # Whatever a job held was freed on the GUI thread, never on a pool thread.
    assert len(Payload.freed_on) == 1000 and all(Payload.freed_on)


def test_shutdown_during_a_long_job_returns_in_time_and_drops_the_result(
    qtbot: Any, qtlog: Any
) -> None:
    worker = Worker(max_threads=1)
    release = threading.Event()
    started = threading.Event()
    results: list[object] = []
    finished: list[Job] = []

    def long_job() -> str:
        started.set()
        release.wait(10)
        return "late"

    job = worker.run(long_job, on_success=results.append, on_failure=results.append,
                     on_finished=finished.append)
    queued = worker.run(lambda: "never", on_success=results.append,
                        on_finished=finished.append)
    assert started.wait(5)
    began = time.monotonic()
    assert worker.shutdown(200) is False  # the long job is still running
    assert time.monotonic() - began < 1.5
    assert worker.closed
    assert worker.run(lambda: "refused") is None
    assert finished == [queued]  # the queued job will never run: finished now
    release.set()
    assert worker.wait_for_idle(5000)
    qtbot.waitUntil(lambda: not worker.busy, timeout=5000)
    assert results == []  # the late result was dropped
    assert finished == [queued, job]
    assert not [r for r in qtlog.records if "QObject" in r.message or "QThread" in r.message]


def test_a_cancelled_job_does_not_run_and_discard_keeps_the_current_generation(
    qtbot: Any,
) -> None:
    single = Worker(max_threads=1)
    try:
        gate = threading.Event()
        ran: list[str] = []
        single.run(lambda: gate.wait(5), name="blocker")
        for generation in (1, 1, 2):
            single.run(lambda g=generation: ran.append(f"gen{g}"), generation=generation,
                       droppable=True, on_success=lambda v: None)
        single.run(lambda: ran.append("write"), on_success=lambda v: None)
        cancelled = single.run(lambda: ran.append("cancelled"))
        assert cancelled is not None
        cancelled.cancel()
        assert single.discard_queued(lambda job: job.generation == 2) == 2
        gate.set()
        settle(qtbot, single)
        assert ran == ["gen2", "write"]
    finally:
        assert single.shutdown(2000)


def test_a_destroyed_worker_delivers_nothing(qtbot: Any) -> None:
    owner = QObject()
    worker = Worker(owner, max_threads=1)
    started = threading.Event()
    results: list[object] = []
    worker.run(lambda: (started.set(), time.sleep(0.2)), on_success=results.append)
    assert started.wait(5)
    with qtbot.waitSignal(owner.destroyed, timeout=5000):
        owner.deleteLater()  # the pool waits for the job while the worker is destroyed
    qtbot.wait(50)
    assert results == []
