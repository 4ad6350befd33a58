"""The call history as a lazy Qt table model, and the worker that talks to the store.

:class:`HistoryModel` shows the rows of a :class:`HistoryStore` a page at a time (keyset
paging: ``WHERE id < ? ORDER BY id DESC LIMIT ?``), so a million calls open as fast as ten.
``rowCount`` is the number of rows fetched so far; ``fetchMore`` asks the worker for the
next page and the rows are inserted when it arrives. Every store call runs on the private
pool of a :class:`StoreWorker`; the GUI thread never waits for the disk.

Rows are always newest first: the store pages by id downwards only, so "oldest first" would
need a second index walk the store does not offer. The Time column shows that order.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)

from enkash_desktop.store import CallRecord, HistoryFilter, HistoryStore

log = logging.getLogger(__name__)

PAGE_SIZE = 200
# The count of a new filter starts this long after its first page arrived: on a two-core
# machine a count over a million rows would otherwise compete with painting that page.
COUNT_DELAY_MS = 50

COLUMN_COUNT = 11
(
    COL_TIME,
    COL_PROFILE,
    COL_ENVIRONMENT,
    COL_CARD_ACCOUNT,
    COL_COMPANY,
    COL_ENKASH_CARD,
    COL_OUTCOME,
    COL_HTTP,
    COL_CODE,
    COL_MESSAGE,
    COL_MS,
) = range(COLUMN_COUNT)

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

ModelIndex = QModelIndex | QPersistentModelIndex


def store_error_text(exc: object) -> str:
    """The user's sentence for a failed store call, through Qt's translator."""
    message = getattr(exc, "message", "") or ""
    if not message:
        log.error("history operation failed unexpectedly: %r", exc)
        message = "The call history could not be read or saved because of an unexpected error."
    return QCoreApplication.translate("StoreError", message)


def outcome_labels() -> dict[str, str]:
    """Human names of the outcomes stored in the history ("success" or an error kind)."""
    tr = QCoreApplication.translate
    return {
        "success": tr("HistoryModel", "Success"),
        "bad_input": tr("HistoryModel", "Invalid input"),
        "network": tr("HistoryModel", "Network error"),
        "timeout": tr("HistoryModel", "Timed out"),
        "tls": tr("HistoryModel", "Secure connection failed"),
        "token_expired": tr("HistoryModel", "Token expired"),
        "login_failed": tr("HistoryModel", "Login failed"),
        "lockout_risk": tr("HistoryModel", "Lockout risk"),
        "account_locked": tr("HistoryModel", "Account locked"),
        "rejected": tr("HistoryModel", "Rejected"),
        "server": tr("HistoryModel", "Server error"),
        "unreadable": tr("HistoryModel", "Unreadable reply"),
        "no_token": tr("HistoryModel", "No token in reply"),
        "cancelled": tr("HistoryModel", "Cancelled"),
        "error": tr("HistoryModel", "Other error"),
    }


def local_time_text(epoch: float) -> str:
    """A call's time in the local time zone, to the second (sorts as text, too)."""
    try:
        return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return ""


# -- the worker --------------------------------------------------------------------------


class StoreJobSignals(QObject):
    """What a store job reports, delivered on the thread that created the holder."""

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()


class StoreJob(QRunnable):
    """Calls ``operation(store, *args)`` on a pool thread and reports through signals.

    The job gets values only (the store object, which opens a connection per thread, and
    plain arguments such as a :class:`HistoryFilter`). A pool thread's Python state does
    not outlive one job, so the job closes its thread's connection when it is done.
    """

    def __init__(
        self,
        store: HistoryStore,
        operation: Callable[..., Any],
        *args: Any,
        generation: int = 0,
        name: str = "history",
    ) -> None:
        super().__init__()
        # Qt deletes the C++ runnable when run() returns; the worker keeps the Python
        # object (and its signals holder) until it is released on the GUI thread.
        self.setAutoDelete(True)
        self.store = store
        self.operation = operation
        self.args = args
        self.generation = generation
        self.droppable = False
        self.name = name
        self.cancelled = threading.Event()
        self.signals = StoreJobSignals()  # created here, on the GUI thread

    def run(self) -> None:
        try:
            if self.cancelled.is_set():
                return
            value = self.operation(self.store, *self.args)
        except BaseException as exc:  # the worker boundary: everything goes back as a value
            self._emit(self.signals.failed, exc)
        else:
            self._emit(self.signals.succeeded, value)
        finally:
            with contextlib.suppress(Exception):
                self.store.close_thread_connection()
            self._emit(self.signals.finished)

    @staticmethod
    def _emit(signal: Any, *args: Any) -> None:
        # The holder may already be gone when the panel closed during the job.
        with contextlib.suppress(RuntimeError):
            signal.emit(*args)


class StoreWorker(QObject):
    """Runs :class:`HistoryStore` calls on a private thread pool, one job per call.

    Results come back on the GUI thread. The worker keeps every job until its ``finished``
    arrives; after :meth:`shutdown` no result is delivered any more.
    """

    def __init__(
        self, store: HistoryStore, parent: QObject | None = None, *, max_threads: int = 3
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._pool = QThreadPool(self)
        # Several threads: a slow count or export must not hold up the next page.
        self._pool.setMaxThreadCount(max_threads)
        self._jobs: dict[int, StoreJob] = {}
        self._next_key = 0
        # Finished jobs are released only once no pool thread runs Python code any more:
        # the last reference to a job (and its signals holder) must go on this thread.
        self._retired: list[StoreJob] = []
        self._release_timer = QTimer(self)
        self._release_timer.setSingleShot(True)
        self._release_timer.setInterval(50)
        self._release_timer.timeout.connect(self._release_retired)
        self._closed = False
        # If the owner is deleted without shutdown(), results still queued must go nowhere.
        gone = threading.Event()
        self._gone = gone
        self.destroyed.connect(lambda *_: gone.set())

    @property
    def busy(self) -> bool:
        """True while any job is queued or running."""
        return bool(self._jobs)

    @property
    def closed(self) -> bool:
        return self._closed or self._gone.is_set()

    def run(
        self,
        operation: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        generation: int = 0,
        droppable: bool = False,
        name: str = "history",
    ) -> StoreJob | None:
        """Start ``operation(store, *args)`` on the pool; None once the worker is shut down.

        A ``droppable`` job (a read) may be taken off the queue by :meth:`discard_queued`.
        """
        if self.closed:
            return None
        job = StoreJob(self.store, operation, *args, generation=generation, name=name)
        job.droppable = droppable
        key = self._next_key
        self._next_key += 1
        self._jobs[key] = job

        gone = self._gone

        def succeeded(value: object) -> None:
            if not gone.is_set() and not self._closed and on_success is not None:
                on_success(value)

        def failed(exc: BaseException) -> None:
            if gone.is_set() or self._closed:
                return
            if on_failure is not None:
                on_failure(exc)
            else:
                log.warning("history job %s failed: %r", name, exc)

        def finished() -> None:
            if not gone.is_set():
                self._retire(key)

        # No slot refers to the job itself, so a finished job is freed, not kept by a cycle.
        job.signals.succeeded.connect(succeeded)
        job.signals.failed.connect(failed)
        job.signals.finished.connect(finished)
        self._pool.start(job)
        return job

    def _retire(self, key: int) -> None:
        job = self._jobs.pop(key, None)
        if job is not None:
            self._retired.append(job)
            self._release_timer.start()

    def _release_retired(self) -> None:
        if self._pool.activeThreadCount() == 0:
            self._retired.clear()
        else:
            self._release_timer.start()

    def discard_queued(self, keep: Callable[[StoreJob], bool]) -> None:
        """Take droppable jobs that have not started yet off the queue unless ``keep(job)``."""
        for key, job in list(self._jobs.items()):
            if not job.droppable or keep(job):
                continue
            try:
                taken = self._pool.tryTake(job)
            except RuntimeError:  # it already ran, and Qt deleted its runnable
                continue
            if taken:
                job.cancelled.set()
                del self._jobs[key]  # never started: no pool thread has touched it

    def wait_for_idle(self, timeout_ms: int = 5000) -> bool:
        """Block until every job is done (tests and shutdown only)."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop delivering results, drop queued jobs and wait for the running ones."""
        self._closed = True
        self._release_timer.stop()
        for job in self._jobs.values():
            job.cancelled.set()
        self._pool.clear()
        done = self._pool.waitForDone(timeout_ms)
        if done:
            self._jobs.clear()
            self._retired.clear()
        return done


# -- the model ---------------------------------------------------------------------------


def _page(store: HistoryStore, before_id: int | None, limit: int, flt: HistoryFilter) -> Any:
    return store.page(before_id, limit, flt)


def _count(store: HistoryStore, flt: HistoryFilter) -> int:
    return store.count(flt)


class HistoryModel(QAbstractTableModel):
    """The history, newest first, fetched a page at a time as the view scrolls.

    ``total_count`` reports how many calls match the filter (counted on the worker);
    ``page_loaded`` says a page arrived (with how many rows it added); ``load_failed``
    carries a sentence for the user when the store could not answer.
    """

    total_count = Signal(int)
    page_loaded = Signal(int)
    load_failed = Signal(str)

    def __init__(
        self,
        *,
        store: HistoryStore,
        worker: StoreWorker | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._worker = worker if worker is not None else StoreWorker(store, self)
        self._page_size = max(1, page_size)
        self._filter = HistoryFilter()
        self._rows: list[CallRecord] = []
        self._generation = 0
        self._loading = False
        self._exhausted = True  # nothing to fetch until set_filter() starts the first page
        self._total: int | None = None
        self._count_pending = False
        self._count_scheduled = False
        self._outcomes = outcome_labels()
        self._environments = {
            "sandbox": self.tr("Sandbox"),
            "uat": self.tr("UAT"),
            "production": self.tr("Production"),
            "custom": self.tr("Custom"),
        }
        self._headers = (
            self.tr("Time"),
            self.tr("Profile"),
            self.tr("Environment"),
            self.tr("Card account id"),
            self.tr("Company id"),
            self.tr("EnKash card id"),
            self.tr("Outcome"),
            self.tr("HTTP"),
            self.tr("Code"),
            self.tr("Message"),
            self.tr("ms"),
        )
        self._header_tips = (
            self.tr("When the call was made, in your time zone"),
            self.tr("The partner profile the call used"),
            self.tr("The environment of that profile"),
            self.tr("The cardholder's card account id"),
            self.tr("The cardholder's company id"),
            self.tr("The cardholder's EnKash card id"),
            self.tr("Whether the call succeeded, or how it failed"),
            self.tr("The HTTP status of the reply"),
            self.tr("The response code in the reply"),
            self.tr("The message in the reply"),
            self.tr("How long the call took, in milliseconds"),
        )

    # -- state ---------------------------------------------------------------------------

    @property
    def filter(self) -> HistoryFilter:
        """The filter the rows were fetched with."""
        return self._filter

    @property
    def page_size(self) -> int:
        return self._page_size

    @property
    def total(self) -> int | None:
        """How many calls match the filter, or None until the count arrives."""
        return self._total

    @property
    def loading(self) -> bool:
        """True while a page is on its way."""
        return self._loading

    @property
    def busy(self) -> bool:
        """True while a page or a count is on its way (or about to be asked for)."""
        return self._worker.busy or self._count_scheduled

    @property
    def worker(self) -> StoreWorker:
        return self._worker

    def record_at(self, row: int) -> CallRecord:
        """The call shown in ``row`` (raises IndexError outside the fetched rows)."""
        if row < 0:
            raise IndexError(row)
        return self._rows[row]

    # -- loading -------------------------------------------------------------------------

    def set_filter(self, flt: HistoryFilter) -> None:
        """Show the calls matching ``flt``: forget the rows and fetch the first page."""
        self._generation += 1
        generation = self._generation
        # Queued work for the old filter is useless now; running work is dropped on arrival.
        self._worker.discard_queued(lambda job: job.generation == generation)
        self.beginResetModel()
        self._filter = flt
        self._rows = []
        self._loading = False
        self._exhausted = False
        self._total = None
        self.endResetModel()
        # The count starts once the first page is in (see COUNT_DELAY_MS): the page is
        # what the user waits for.
        self._count_pending = True
        self._start_page(None)

    def reload(self) -> None:
        """Fetch the current filter again from the start (after the history was cleared)."""
        self.set_filter(self._filter)

    def refresh(self) -> None:
        """Show calls recorded since the rows were fetched, cheaply: one newest page."""
        if self._worker.closed:
            return
        generation = self._generation
        self._worker.run(
            _page,
            None,
            self._page_size,
            self._filter,
            on_success=lambda rows: self._merge_newest(generation, rows),
            on_failure=lambda exc: self._failed(generation, exc),
            generation=generation,
            droppable=True,
            name="refresh",
        )
        self._start_count()

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return not self._exhausted and not self._worker.closed

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        """Ask for the next page; the rows are inserted when it arrives."""
        if parent.isValid() or self._exhausted or self._loading or self._worker.closed:
            return
        self._start_page(self._rows[-1].id if self._rows else None)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop loading and wait for the worker (when the model owns it)."""
        self._exhausted = True
        if self._worker.parent() is self:
            return self._worker.shutdown(timeout_ms)
        return True

    def _start_page(self, before_id: int | None) -> None:
        generation = self._generation
        job = self._worker.run(
            _page,
            before_id,
            self._page_size,
            self._filter,
            on_success=lambda rows: self._append_page(generation, before_id, rows),
            on_failure=lambda exc: self._failed(generation, exc),
            generation=generation,
            droppable=True,
            name="page",
        )
        self._loading = job is not None

    def _start_count(self) -> None:
        generation = self._generation
        self._worker.run(
            _count,
            self._filter,
            on_success=lambda total: self._counted(generation, total),
            on_failure=lambda exc: self._failed(generation, exc),
            generation=generation,
            droppable=True,
            name="count",
        )

    def _count_later(self, generation: int) -> None:
        self._count_scheduled = False
        if generation == self._generation and not self._worker.closed:
            self._start_count()

    def _append_page(self, generation: int, before_id: int | None, rows: list[CallRecord]) -> None:
        if generation != self._generation:
            return  # an answer for an older filter
        if self._count_pending:
            self._count_pending = False
            self._count_scheduled = True
            QTimer.singleShot(COUNT_DELAY_MS, self, lambda: self._count_later(generation))
        last_id = self._rows[-1].id if self._rows else None
        if last_id != before_id:
            self._loading = False
            return  # the rows changed under this request (a refresh filled an empty model)
        if len(rows) < self._page_size:
            self._exhausted = True
        if rows:
            # Still "loading" while inserting: a view or tester asking for more from inside
            # the insert signals must not request the page we are inserting.
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self._loading = False
        self.page_loaded.emit(len(rows))

    def _merge_newest(self, generation: int, rows: list[CallRecord]) -> None:
        if generation != self._generation:
            return
        if not self._rows:
            self._exhausted = len(rows) < self._page_size
            if rows:
                loading, self._loading = self._loading, True  # no re-entrant fetchMore
                self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
                self._rows = list(rows)
                self.endInsertRows()
                self._loading = loading
            self.page_loaded.emit(len(rows))
            return
        top = self._rows[0].id
        new = [r for r in rows if r.id > top]
        if not new:
            return
        if len(new) == len(rows) == self._page_size:
            # More new calls than one page: there may be a gap, so start over from these.
            self.beginResetModel()
            self._rows = list(rows)
            self._loading = False
            self._exhausted = False
            self.endResetModel()
        else:
            self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
            self._rows[0:0] = new
            self.endInsertRows()
        self.page_loaded.emit(len(new))

    def _counted(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self._total = total
        self.total_count.emit(total)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._count_pending = False
        self.load_failed.emit(store_error_text(exc))

    # -- Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if section in (COL_HTTP, COL_CODE, COL_MS) else _LEFT)
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._rows) or not 0 <= column < COLUMN_COUNT:
            return None
        record = self._rows[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_TIME:
                stamp = datetime.fromtimestamp(record.time, UTC)
                return self.tr("%1 (UTC)").replace("%1", stamp.strftime("%Y-%m-%d %H:%M:%S"))
            if column in (COL_MESSAGE, COL_OUTCOME):
                return self._text(record, column) or None
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if column in (COL_HTTP, COL_CODE, COL_MS) else _LEFT)
        if role == Qt.ItemDataRole.UserRole:
            return record
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Rows are newest first by time; the store pages in no other order (see module)."""

    def _text(self, record: CallRecord, column: int) -> str:
        if column == COL_TIME:
            return local_time_text(record.time)
        if column == COL_PROFILE:
            return record.profile
        if column == COL_ENVIRONMENT:
            return self._environment(record.environment)
        if column == COL_CARD_ACCOUNT:
            return record.card_account_id
        if column == COL_COMPANY:
            return record.company_id
        if column == COL_ENKASH_CARD:
            return record.enkash_card_id
        if column == COL_OUTCOME:
            return self._outcomes.get(record.outcome, record.outcome)
        if column == COL_HTTP:
            return "" if record.http_status is None else str(record.http_status)
        if column == COL_CODE:
            return record.response_code or ""
        if column == COL_MESSAGE:
            return record.message
        return f"{record.elapsed_ms:.0f}"

    def _environment(self, value: str) -> str:
        return self._environments.get(value, value)
