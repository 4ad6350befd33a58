"""The history panel: search and filter past SSO calls, read their details, send one again.

Every store call (a page, a count, a new record, an export, clearing) runs on the panel's
private worker pool; the panel only shows what comes back. Results that arrive for an old
filter are dropped by the model's generation counter. The panel never sends anything: "Send
again" hands the cardholder to the window through :attr:`HistoryPanel.send_again_requested`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelection, QLocale, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from enkash_desktop.core.models import Cardholder
from enkash_desktop.store import CallRecord, HistoryFilter, HistoryStore

from .history_model import (
    COL_CARD_ACCOUNT,
    COL_CODE,
    COL_COMPANY,
    COL_ENKASH_CARD,
    COL_ENVIRONMENT,
    COL_HTTP,
    COL_MESSAGE,
    COL_MS,
    COL_TIME,
    HistoryModel,
    history_worker,
    local_time_text,
    outcome_labels,
    run_store_call,
    store_error_text,
)

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 250
HIDDEN_AT_FIRST = (COL_ENVIRONMENT, COL_COMPANY, COL_ENKASH_CARD, COL_HTTP, COL_CODE, COL_MS)
# The "any date" value of the date filters: earlier than any call in a history.
ANY_DATE = QDate(2000, 1, 1)


class HistoryPanel(QWidget):
    """Past calls, newest first, with search, filters, details, export and clearing.

    Signals: ``send_again_requested(Cardholder)`` when the user asks to repeat a call;
    ``exported(int)`` with the number of calls written to a CSV file; ``cleared()`` after the
    history was emptied; ``failed(str)`` with a sentence for the user when the store could
    not help.
    """

    send_again_requested = Signal(object)  # Cardholder
    exported = Signal(int)
    cleared = Signal()
    failed = Signal(str)

    def __init__(self, *, store: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self._store = store
        self._worker = history_worker(self)
        self.model = HistoryModel(store=store, worker=self._worker, parent=self)
        self._locale = QLocale()
        self._locale.setNumberOptions(QLocale.NumberOption.DefaultNumberOptions)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)

        self._build()
        self._connect()
        self._update_buttons()
        self.status_label.setText(self.tr("Loading the history…"))
        self.model.set_filter(self.current_filter())

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_filters())
        layout.addWidget(self._build_table_and_details(), 1)
        buttons = self._build_buttons()  # makes the notice line too, shown above them
        layout.addWidget(self.notice_label)
        layout.addLayout(buttons)
        for first, second in (
            (self.search_edit, self.outcome_combo),
            (self.outcome_combo, self.profile_combo),
            (self.profile_combo, self.since_edit),
            (self.since_edit, self.until_edit),
            (self.until_edit, self.table),
            (self.table, self.details),
            (self.details, self.send_again_button),
            (self.send_again_button, self.export_button),
            (self.export_button, self.clear_button),
        ):
            QWidget.setTabOrder(first, second)

    def _build_filters(self) -> QGridLayout:
        """Search text, outcome, profile and the days."""
        self.search_edit = QLineEdit(self)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(
            self.tr("A card account, company or EnKash card id, or words of the message")
        )
        self.search_edit.setAccessibleName(self.tr("Search the history"))
        self.search_edit.setToolTip(
            self.tr("Ids match exactly or by their beginning; words match the message.")
        )
        search_label = QLabel(self.tr("Search:"), self)
        search_label.setBuddy(self.search_edit)
        # The window's letters (Alt+…) are taken by the task; Ctrl+F finds in the history.
        find = QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        find.setContext(Qt.ShortcutContext.WindowShortcut)
        self.search_edit.setToolTip(self.search_edit.toolTip() + " (Ctrl+F)")

        self.outcome_combo = QComboBox(self)
        self.outcome_combo.setAccessibleName(self.tr("Outcome filter"))
        self.outcome_combo.addItem(self.tr("All outcomes"), None)
        for value, label in outcome_labels().items():
            self.outcome_combo.addItem(label, value)
        self.outcome_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.outcome_combo.setMinimumContentsLength(10)
        outcome_label = QLabel(self.tr("Outcome:"), self)
        outcome_label.setBuddy(self.outcome_combo)

        self.profile_combo = QComboBox(self)
        self.profile_combo.setAccessibleName(self.tr("Profile filter"))
        self.profile_combo.addItem(self.tr("All profiles"), None)
        self.profile_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.profile_combo.setMinimumContentsLength(12)
        profile_label = QLabel(self.tr("Profile:"), self)
        profile_label.setBuddy(self.profile_combo)

        self.since_edit = self._date_edit(self.tr("Calls from this day on"))
        since_label = QLabel(self.tr("From:"), self)
        since_label.setBuddy(self.since_edit)
        self.until_edit = self._date_edit(self.tr("Calls up to and including this day"))
        until_label = QLabel(self.tr("To:"), self)
        until_label.setBuddy(self.until_edit)

        # Two filters a row: the tab sits beside the task, so it stays narrow enough for the
        # window to fit a 1280-pixel-wide screen.
        filters = QGridLayout()
        filters.addWidget(search_label, 0, 0)
        filters.addWidget(self.search_edit, 0, 1, 1, 3)
        filters.addWidget(outcome_label, 1, 0)
        filters.addWidget(self.outcome_combo, 1, 1)
        filters.addWidget(profile_label, 1, 2)
        filters.addWidget(self.profile_combo, 1, 3)
        filters.addWidget(since_label, 2, 0)
        filters.addWidget(self.since_edit, 2, 1)
        filters.addWidget(until_label, 2, 2)
        filters.addWidget(self.until_edit, 2, 3)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)
        return filters

    def _build_table_and_details(self) -> QSplitter:
        """The calls (newest first) above the selected call's details."""
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Past calls"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        # Newest first is the only order the store pages in: show it, don't offer others.
        header.setSectionsClickable(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(COL_TIME, Qt.SortOrder.DescendingOrder)
        metrics = self.table.fontMetrics()
        header.resizeSection(COL_TIME, metrics.horizontalAdvance("0000-00-00 00:00:00") + 24)
        for column in (COL_CARD_ACCOUNT, COL_ENKASH_CARD):
            header.resizeSection(column, metrics.horizontalAdvance("M" * 12) + 16)
        # What fits beside the task without scrolling sideways; the header's menu shows the
        # others, and the details below hold every field of the selected call.
        for column in HIDDEN_AT_FIRST:
            self.table.setColumnHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for column in range(self.model.columnCount()):
            action = QAction(str(self.model.headerData(column, Qt.Orientation.Horizontal)),
                             header)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(partial(self._show_column, column))
            header.addAction(action)
        header.setToolTip(self.tr("Right-click to choose the columns."))
        table_label = QLabel(self.tr("Calls:"), self)
        table_label.setBuddy(self.table)

        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setAccessibleName(self.tr("Details of the selected call"))
        self.details.setPlaceholderText(self.tr("Select a call to see its request and reply."))
        details_label = QLabel(self.tr("Details:"), self)
        details_label.setBuddy(self.details)

        table_box = QWidget(self)
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(table_label)
        table_layout.addWidget(self.table)
        details_box = QWidget(self)
        details_layout = QVBoxLayout(details_box)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(details_label)
        details_layout.addWidget(self.details)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(table_box)
        self.splitter.addWidget(details_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        return self.splitter

    def _build_buttons(self) -> QHBoxLayout:
        """Send again, Export, Clear, the count, and the line for the history's messages."""
        self.send_again_button = QPushButton(self.tr("Send a&gain"), self)
        self.send_again_button.setToolTip(
            self.tr("Put this call's cardholder into the form, ready to send again.")
        )
        self.export_button = QPushButton(self.tr("E&xport CSV…"), self)
        self.export_button.setToolTip(self.tr("Save the calls that match the filters as CSV."))
        self.clear_button = QPushButton(self.tr("Clear history…"), self)
        self.clear_button.setToolTip(self.tr("Delete every call from the history."))

        self.status_label = QLabel(self)
        self.status_label.setAccessibleName(self.tr("Number of matching calls"))
        self.notice_label = QLabel(self)
        self.notice_label.setWordWrap(True)
        self.notice_label.setAccessibleName(self.tr("History messages"))
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label)
        buttons.addStretch(1)
        buttons.addWidget(self.send_again_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.clear_button)
        return buttons

    def _date_edit(self, accessible_name: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(ANY_DATE)
        edit.setSpecialValueText(self.tr("Any date"))  # shown while the date is ANY_DATE
        edit.setDate(ANY_DATE)
        edit.setAccessibleName(accessible_name)
        edit.setToolTip(self.tr("Choose the earliest date to mean any date."))
        return edit

    def _connect(self) -> None:
        self.search_edit.textChanged.connect(self._debounce.start)
        self.search_edit.returnPressed.connect(self.apply_filter)
        self.outcome_combo.currentIndexChanged.connect(self.apply_filter)
        self.profile_combo.currentIndexChanged.connect(self.apply_filter)
        self.since_edit.dateChanged.connect(self.apply_filter)
        self.until_edit.dateChanged.connect(self.apply_filter)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.model.total_count.connect(self._show_total)
        self.model.load_failed.connect(self._show_failure)
        self.send_again_button.clicked.connect(self.send_again)
        self.export_button.clicked.connect(self.export_csv)
        self.clear_button.clicked.connect(self.clear_history)

    # -- public API ----------------------------------------------------------------------

    def _show_column(self, column: int, shown: bool) -> None:
        self.table.setColumnHidden(column, not shown)

    def _focus_search(self) -> None:
        self.search_edit.setFocus()

    @property
    def busy(self) -> bool:
        """True while the panel waits for the store (a page, a count, an export...)."""
        return self.model.busy or self._debounce.isActive()

    def set_profiles(self, names: Iterable[str]) -> None:
        """Offer these profile names in the profile filter, keeping the current choice."""
        current = self.profile_combo.currentData()
        self.profile_combo.blockSignals(True)
        try:
            while self.profile_combo.count() > 1:
                self.profile_combo.removeItem(1)
            for name in sorted(set(names), key=str.casefold):
                self.profile_combo.addItem(name, name)
            index = self.profile_combo.findData(current) if current is not None else 0
            self.profile_combo.setCurrentIndex(max(index, 0))
        finally:
            self.profile_combo.blockSignals(False)
        if self.profile_combo.currentData() != current:
            self.apply_filter()

    def current_filter(self) -> HistoryFilter:
        """The filter the search box, the combos and the dates describe."""
        since = self.since_edit.date()
        until = self.until_edit.date()
        return HistoryFilter(
            text=self.search_edit.text().strip(),
            outcome=self.outcome_combo.currentData(),
            profile=self.profile_combo.currentData(),
            since=None if since <= ANY_DATE else float(since.startOfDay().toSecsSinceEpoch()),
            until=(
                None
                if until <= ANY_DATE
                else float(until.addDays(1).startOfDay().toSecsSinceEpoch())
            ),
        )

    def apply_filter(self) -> None:
        """Show the calls matching the current filter (at once; typing waits 250 ms)."""
        self._debounce.stop()
        flt = self.current_filter()
        if flt == self.model.filter and self.model.rowCount() > 0:
            return
        self.status_label.setText(self.tr("Searching…"))
        self.model.set_filter(flt)

    def reload(self) -> None:
        """Fetch the rows again (after something else changed the history, e.g. retention)."""
        self.model.reload()

    def selected_record(self) -> CallRecord | None:
        """The call selected in the table, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        try:
            return self.model.record_at(rows[0].row())
        except IndexError:
            return None

    def select_row(self, row: int) -> None:
        """Select ``row`` of the table (keyboard users and tests)."""
        self.table.selectRow(row)

    def show_new_calls(self) -> None:
        """Show calls recorded since the rows were fetched, at the top (the selection stays)."""
        self.model.refresh()

    def send_again(self) -> None:
        """Hand the selected call's cardholder to the window; nothing is sent from here."""
        record = self.selected_record()
        if record is None:
            return
        self.send_again_requested.emit(
            Cardholder(
                card_account_id=record.card_account_id,
                company_id=record.company_id,
                enkash_card_id=record.enkash_card_id,
                admin=record.admin,
            )
        )

    def export_csv(self) -> None:
        """Ask where to save, then write the calls matching the filters there as CSV."""
        chosen = self._choose_csv_path()
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".csv")
        self.export_button.setEnabled(False)
        self.notice_label.setText(self.tr("Exporting the history…"))

        def done(count: int) -> None:
            self.export_button.setEnabled(True)
            if count == 1:
                text = self.tr("1 call was written to %1.").replace("%1", str(path))
            else:
                text = (
                    self.tr("%1 calls were written to %2.")
                    .replace("%1", self._locale.toString(count))
                    .replace("%2", str(path))
                )
            self.notice_label.setText(text)
            self.exported.emit(count)

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            self._show_failure(exc)

        run_store_call(
            self._worker,
            self._store,
            partial(self._store.export_csv, path, self.current_filter()),
            on_success=done,
            on_failure=failed,
            name="export",
        )

    def clear_history(self) -> None:
        """Delete every call, after the user confirms."""
        if not self._ask(
            self.tr("Clear the history?"),
            self.tr("Every call in the history will be deleted. This cannot be undone."),
        ):
            return
        self.clear_button.setEnabled(False)
        self.notice_label.setText(self.tr("Clearing the history…"))

        def done(_: object) -> None:
            self.clear_button.setEnabled(True)
            self.notice_label.setText(self.tr("The history was cleared."))
            self.model.reload()
            self.cleared.emit()

        def failed(exc: BaseException) -> None:
            self.clear_button.setEnabled(True)
            self._show_failure(exc)

        run_store_call(
            self._worker,
            self._store,
            self._store.clear,
            on_success=done,
            on_failure=failed,
            name="clear",
        )

    def wait_for_idle(self, timeout_ms: int = 5000) -> bool:
        """Block until the worker has nothing left to do (tests and benchmarks)."""
        return self._worker.wait_for_idle(timeout_ms)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop taking results and wait for running store calls; call before closing the store."""
        self._debounce.stop()
        return self._worker.shutdown(timeout_ms)

    def closeEvent(self, event: QCloseEvent) -> None:
        """A panel closed on its own (not inside a window) stops its store calls first."""
        self.shutdown()
        super().closeEvent(event)

    # -- dialogs (small methods, so tests can replace them) -------------------------------

    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, self
        )
        accept = box.addButton(self.tr("Clear history"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is accept

    def _choose_csv_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the history"),
            str(Path.home() / "enkash-history.csv"),
            self.tr("CSV files (*.csv)"),
        )
        return path

    # -- reactions -----------------------------------------------------------------------

    def _show_total(self, total: int) -> None:
        if total == 0:
            self.status_label.setText(self.tr("No calls match."))
        elif total == 1:
            self.status_label.setText(self.tr("1 call"))
        else:
            self.status_label.setText(
                self.tr("%1 calls").replace("%1", self._locale.toString(total))
            )

    def _show_failure(self, exc: object) -> None:
        text = exc if isinstance(exc, str) else store_error_text(exc)
        self.notice_label.setText(text)
        self.failed.emit(text)

    def _selection_changed(self, *_: QItemSelection | QModelIndex) -> None:
        record = self.selected_record()
        self.details.setPlainText(self._details_text(record) if record else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.send_again_button.setEnabled(self.selected_record() is not None)

    def _details_text(self, record: CallRecord) -> str:
        outcome = outcome_labels().get(record.outcome, record.outcome)
        yes, no = self.tr("yes"), self.tr("no")
        lines = [
            self.tr("Time:            %1").replace("%1", local_time_text(record.time)),
            self.tr("Profile:         %1 (%2)")
            .replace("%1", record.profile)
            .replace("%2", record.environment),
            self.tr("Card account id: %1").replace("%1", record.card_account_id),
            self.tr("Company id:      %1").replace("%1", record.company_id),
            self.tr("EnKash card id:  %1").replace("%1", record.enkash_card_id),
            self.tr("Admin card:      %1").replace("%1", yes if record.admin else no),
            self.tr("Outcome:         %1").replace("%1", outcome),
            self.tr("HTTP status:     %1").replace(
                "%1", "" if record.http_status is None else str(record.http_status)
            ),
            self.tr("Response code:   %1").replace("%1", record.response_code or ""),
            self.tr("Message:         %1").replace("%1", record.message),
            self.tr("Took:            %1 ms").replace("%1", f"{record.elapsed_ms:.0f}"),
            "",
            self.tr("Request (redacted):"),
            record.request_redacted or self.tr("(none)"),
            "",
            self.tr("Reply (redacted):"),
            record.reply_redacted or self.tr("(none)"),
        ]
        if record.error_detail:
            lines += ["", self.tr("Error detail:"), record.error_detail]
        return "\n".join(lines)
