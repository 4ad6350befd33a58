"""The batch on the worker thread: results file, calls, history, and the questions it asks.

:func:`run_batch_job` runs on the dialog's private pool. It loads (or resumes) the results
file, sends the rows with the core's :func:`~enkash_desktop.core.batch.run_batch`, records
each result through the service's recorder, and reports progress as queued signals. An
authentication failure pauses it: it waits on :class:`AuthQuestion` while the dialog asks.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal

from enkash_desktop.core.batch import BatchEnd, BatchResults, BatchSummary, row_key, run_batch
from enkash_desktop.core.csvsafe import RowProblem
from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.core.lockout import locked_now
from enkash_desktop.core.models import Cardholder, SsoResult
from enkash_desktop.service.calls import BatchRecording

from . import dialogs
from .texts import plural, tr_core
from .widgets import ERROR_COLOR, SUCCESS_COLOR, WARNING_COLOR

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from enkash_desktop.core.batch import BatchProgress
    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.service import CallRecorder

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05  # at most 20 progress signals a second, whatever the row rate


def _tr(text: str) -> str:
    """Translate outside a widget (thread-safe, unlike creating a QObject on a worker)."""
    return QCoreApplication.translate("BatchDialog", text)

@dataclass
class AuthQuestion:
    """A question from the worker to the GUI thread; ``answered`` is set with the answer."""

    error: EnkashError
    answer: bool = False
    answered: threading.Event = field(default_factory=threading.Event)

    def reply(self, answer: bool) -> None:
        self.answer = answer
        self.answered.set()


@dataclass(frozen=True)
class BatchRun:
    """What a finished run reports back to the dialog."""

    summary: BatchSummary
    links: int  # rows with a portal link in the results file
    save_error: str = ""
    history_error: str = ""
    login_error: EnkashError | None = None  # a confirmed login that failed (it stopped)


class BatchSignals(QObject):
    """Created on the GUI thread, so every signal arrives there (queued)."""

    progress = Signal(object)  # BatchProgress
    row_done = Signal(int, bool, str)  # valid row index, ok, sentence
    skipped = Signal(object)  # list of valid row indexes already done
    auth_paused = Signal(object)  # AuthQuestion
    rate_limited = Signal(float)  # seconds the batch waits after an HTTP 429


@dataclass(frozen=True)
class BatchJob:
    client: EnkashClient
    rows: list[Cardholder]
    problems: list[RowProblem]
    output: Path
    concurrency: int
    recorder: CallRecorder | None
    cancel: threading.Event
    signals: BatchSignals


def _sentence(result: SsoResult) -> str:
    if result.ok:
        return (_tr("Success: the portal link is in the output file.") if result.sso_url
                else tr_core(result.message or "Success."))
    error = result.error
    return tr_core(error.message) if error is not None else tr_core(result.message)


def run_batch_job(job: BatchJob) -> BatchRun:
    """The batch, on the worker thread: results file first, then the calls, saved at the end."""
    from enkash_desktop.store.atomic import write_atomic  # owner-only (0600) by default

    results = BatchResults.load(job.output, write=write_atomic)
    results.add_problems(job.problems)
    results.save()  # fails now, before anything is sent, when the file cannot be written
    done_keys = results.done_keys()
    skipped = [i for i, holder in enumerate(job.rows) if row_key(holder) in done_keys]
    if skipped:
        job.signals.skipped.emit(skipped)
    recording = BatchRecording(job.recorder)
    last_progress = 0.0

    def on_result(index: int, result: SsoResult) -> None:
        results.add(result)
        results.save_if_due()
        recording.add(result)
        job.signals.row_done.emit(index, result.ok, _sentence(result))

    def on_progress(progress: BatchProgress) -> None:
        nonlocal last_progress
        now = time.monotonic()
        if progress.remaining and now - last_progress < PROGRESS_INTERVAL_S:
            return
        last_progress = now
        job.signals.progress.emit(progress)

    def pause_on_auth(error: EnkashError) -> bool:
        if error.kind is ErrorKind.ACCOUNT_LOCKED:
            return False  # nothing the user can do from here
        question = AuthQuestion(error)
        job.signals.auth_paused.emit(question)
        while not question.answered.wait(0.1):
            if job.cancel.is_set():
                return False
        if not question.answer or job.cancel.is_set():
            return False
        if error.kind is ErrorKind.LOCKOUT_RISK:
            # The user confirmed one more login knowing it could lock the account.
            try:
                job.client.fetch_token(confirmed=True)
            except EnkashError as exc:
                log.info("batch: the confirmed login failed: %s", exc.kind.value)
                login_error.append(locked_now(exc, job.client.login_failures(), words=tr_core))
                return False
        return True

    login_error: list[EnkashError] = []
    summary: BatchSummary | None = None
    save_error = ""
    try:
        summary = run_batch(job.client, job.rows, on_result=on_result, cancel=job.cancel,
                            concurrency=job.concurrency, done_keys=done_keys,
                            pause_on_auth=pause_on_auth, on_progress=on_progress,
                            on_rate_limit=job.signals.rate_limited.emit)
    finally:
        try:
            results.save()
        except OSError as exc:
            save_error = str(exc.strerror or exc)
    assert summary is not None
    return BatchRun(summary, len(results.done_keys()), save_error, recording.error,
                    login_error[0] if login_error else None)


def describe_run(run: BatchRun, output: str) -> tuple[str, str]:
    """The sentence that ends a run, and its colour's name."""
    summary = run.summary
    p = summary.progress
    if summary.end is BatchEnd.COMPLETE:
        text = _tr("The batch is complete: %d succeeded, %d failed, %d skipped. The results "
                   "are in %s.") % (p.ok, p.failed, p.skipped, output)
        color = SUCCESS_COLOR.name() if p.failed == 0 else WARNING_COLOR.name()
        if p.failed:
            text += " " + _tr("Click Start to try the failed rows again.")
    elif summary.end is BatchEnd.CANCELLED:
        text = _tr("The batch was cancelled: %s. The finished rows are saved in %s; click "
                   "Start to resume.") % (_not_sent(summary.not_started), output)
        color = WARNING_COLOR.name()
    else:
        error = run.login_error or summary.auth_error
        text = _tr("The batch stopped: %s %s; the finished rows are saved in %s. Click Start "
                   "to resume.") % (tr_core(error.message) if error else "",
                                    _not_sent(summary.not_started), output)
        color = ERROR_COLOR.name()
    if run.save_error:
        text += " " + _tr("The results could not be saved: %s.") % run.save_error
        color = ERROR_COLOR.name()
    if run.history_error:
        text += " " + _tr("Some calls were not recorded in the history: %s") \
            % tr_core(run.history_error)
    return text, color


def duration_text(seconds: float) -> str:
    whole = max(0, round(seconds))
    if whole < 60:
        return _tr("%d s") % whole
    return _tr("%d min %02d s") % (whole // 60, whole % 60)


def ask_to_resume(parent: QWidget, error: EnkashError) -> bool:
    """The batch paused on a refused login: ask whether to go on (Cancel is the default)."""
    if error.kind is ErrorKind.LOCKOUT_RISK:
        return dialogs.ask(
            parent, _tr("The account could be locked"), tr_core(error.message),
            informative=_tr(
                "The batch is paused. One more failed login locks the partner's account. "
                "Check the login details before you try again; Stop keeps the finished rows, "
                "and Start resumes later."),
            accept_label=_tr("Try once more"), danger=True)
    return dialogs.ask(
        parent, _tr("The batch is paused"), tr_core(error.message),
        informative=_tr("%s\n\nContinue tries the refused rows again. Cancel stops the "
                        "batch; the finished rows are saved, and Start resumes later.")
        % tr_core(error.hint),
        accept_label=_tr("Continue"))


def default_output_path(input_path: Path) -> Path:
    """``<name>-links.csv`` beside the input file."""
    return input_path.with_name(f"{input_path.stem}-links.csv")


def failure_text(parent: QWidget, exc: object, context: str) -> str:
    """The sentence for a failed read or run; a fault that is not ours is a bug: it goes
    to the log and the crash dialog too."""
    if isinstance(exc, EnkashError):
        return tr_core(exc.message)
    if isinstance(exc, OSError):
        return _tr("The file could not be used: %s. Please choose another location.") % (
            exc.strerror or exc)
    from .crash_dialog import report_bug

    report_bug(parent, exc if isinstance(exc, BaseException) else RuntimeError(repr(exc)),
               context)
    return _tr("The batch stopped because of a fault in Enkash Desktop. The details are in "
               "the window that opened and in the log.")


def _not_sent(count: int) -> str:
    return plural(count, _tr("1 row was not sent"), _tr("%d rows were not sent"))
