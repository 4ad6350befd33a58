"""The call history as a lazy Qt table model, and how store calls run on the worker.

:class:`HistoryModel` shows the rows of a :class:`HistoryStore` a page at a time (keyset
paging: ``WHERE id < ? ORDER BY id DESC LIMIT ?``), so a million calls open as fast as ten.
``rowCount`` is the number of rows fetched so far; ``fetchMore`` asks the worker for the
next page and the rows are inserted when it arrives. Every store call runs on the private
pool of a :class:`~enkash_desktop.gui.worker.Worker`; the GUI thread never waits for the
disk.

Rows are always newest first: the store pages by id downwards only, so "oldest first" would
need a second index walk the store does not offer. The Time column shows that order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from enkash_desktop.store import CallRecord, HistoryFilter, HistoryStore

from .worker import Job, Worker

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
    from enkash_desktop.core.errors import ErrorKind

    tr = QCoreApplication.translate
    return {"success": tr("HistoryModel", "Success"),
            **{kind.value: tr("HistoryModel", kind.label) for kind in ErrorKind},
            "error": tr("HistoryModel", "Other error")}


def local_time_text(epoch: float) -> str:
    """A call's time in the local time zone, to the second (sorts as text, too)."""
    try:
        return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return ""


# -- the worker --------------------------------------------------------------------------


def history_worker(parent: QObject | None = None) -> Worker:
    """The worker for history calls (several threads: a slow count must not hold up a page)."""
    return Worker(parent, max_threads=3, name="history")


def run_store_call(
    worker: Worker, store: HistoryStore, operation: Callable[[], Any], **kwargs: Any
) -> Job | None:
    """Run ``operation()`` (a call on ``store``) on ``worker``; None once it is shut down.

    The store opens one connection per thread and a pool thread's Python state does not
    outlive one job, so every job closes its thread's connection when it is done.
    """
    return worker.run(operation, cleanup=store.close_thread_connection, **kwargs)


# -- the model ---------------------------------------------------------------------------


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
        worker: Worker | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._worker = worker if worker is not None else history_worker(self)
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
    def worker(self) -> Worker:
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
        self._run(
            partial(self._store.page, None, self._page_size, self._filter),
            on_success=lambda rows: self._merge_newest(generation, rows),
            on_failure=lambda exc: self._failed(generation, exc),
            generation=generation,
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

    def _run(self, operation: Callable[[], Any], **kwargs: Any) -> Job | None:
        return run_store_call(self._worker, self._store, operation, droppable=True, **kwargs)

    def _start_page(self, before_id: int | None) -> None:
        generation = self._generation
        job = self._run(
            partial(self._store.page, before_id, self._page_size, self._filter),
            on_success=lambda rows: self._append_page(generation, before_id, rows),
            on_failure=lambda exc: self._failed(generation, exc),
            generation=generation,
            name="page",
        )
        self._loading = job is not None

    def _start_count(self) -> None:
        generation = self._generation
        self._run(
            partial(self._store.count, self._filter),
            on_success=lambda total: self._counted(generation, total),
            on_failure=lambda exc: self._failed(generation, exc),
            generation=generation,
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
