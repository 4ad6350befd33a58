"""Batch from CSV: SSO tokens for many cardholders, with a preview, progress and resume.

The dialog only collects choices and shows progress. Reading the input, the calls and the
results file are the core's (:func:`~enkash_desktop.core.csvsafe.read_cardholders_csv`,
:func:`~enkash_desktop.core.batch.run_batch`, :class:`~enkash_desktop.core.batch.BatchResults`)
and run on a worker thread of the dialog's private pool; progress comes back as queued
signals. The client is the window's, for the current profile, so the lockout rules are the
same as for Send. An authentication failure pauses the batch: the worker waits on a
:class:`threading.Event` while the question is asked on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    Qt,
    Signal,
)
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from enkash_desktop.core.batch import (
    DEFAULT_CONCURRENCY,
    LINKS_WARNING,
    MAX_CONCURRENCY,
    BatchProgress,
    check_concurrency,
)
from enkash_desktop.core.csvsafe import RowProblem, read_cardholders_csv
from enkash_desktop.core.errors import EnkashError

from . import dialogs
from .batch_model import (
    COL_CARD_ACCOUNT,
    COL_COMPANY,
    COL_ENKASH_CARD,
    COL_LINE,
    COL_TYPE,
    BatchRowsModel,
)
from .batch_run import (
    AuthQuestion,
    BatchJob,
    BatchRun,
    BatchSignals,
    ask_to_resume,
    default_output_path,
    describe_run,
    duration_text,
    failure_text,
    run_batch_job,
)
from .texts import plural, tr_core
from .widgets import ERROR_COLOR, WARNING_COLOR
from .worker import Job, Worker

if TYPE_CHECKING:
    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.service import CallRecorder

log = logging.getLogger(__name__)

CLOSE_WAIT_MS = 3000
PROGRESS_INTERVAL_S = 0.05  # at most 20 progress signals a second, whatever the row rate



def _tr(text: str) -> str:
    """Translate outside a widget (thread-safe, unlike creating a QObject on a worker)."""
    return QCoreApplication.translate("BatchDialog", text)


# ====================================================================== the dialog


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _row(edit: QWidget, button: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(6)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


class BatchDialog(QDialog):
    """File → Batch from CSV…: choose the input, check the preview, Start, watch, resume.

    ``prepare_client(rows)`` returns the window's client for the current profile after any
    question (production), None when the user declined, or raises :class:`EnkashError`
    when the profile cannot send. ``recorder`` records every call (on the worker).
    ``history_changed`` is emitted after a run that recorded calls.
    """

    history_changed = Signal()
    finished_run = Signal(object)  # BatchRun

    def __init__(self, parent: QWidget | None = None, *,
                 prepare_client: Callable[[int], EnkashClient | None],
                 recorder: CallRecorder | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Batch from CSV"))
        self.setObjectName("batchDialog")
        self._prepare_client = prepare_client
        self._recorder = recorder
        self._worker = Worker(self, max_threads=1, name="batch")
        self._problems: list[RowProblem] = []
        self._cancel: threading.Event | None = None
        self._client: EnkashClient | None = None
        self._question: AuthQuestion | None = None
        self._closing = False
        self._loading: Job | None = None
        self._run_task: Job | None = None
        self.last_run: BatchRun | None = None
        self.signals = BatchSignals(self)
        self.model = BatchRowsModel(self)
        self._build()
        self.signals.progress.connect(self._show_progress)
        self.signals.row_done.connect(self._row_done)
        self.signals.skipped.connect(self._rows_skipped)
        self.signals.auth_paused.connect(self._auth_paused)
        self.signals.rate_limited.connect(self._rate_limited)
        self._update_buttons()
        self.resize(940, 640)

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        intro = QLabel(self.tr(
            "Mint an SSO token for every cardholder in a CSV file with the current profile. "
            "The file needs the columns Card Account ID, Company ID and EnKash Card ID "
            "(and optionally Admin). Rows with a problem are listed and not sent."))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        layout.addLayout(self._build_choices())
        self._build_table(layout)
        self._build_progress(layout)
        layout.addLayout(self._build_buttons())
        self._connect()

    def _build_choices(self) -> QFormLayout:
        """Input file, output file and concurrency."""
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.input_edit = QLineEdit()
        self.input_edit.setReadOnly(True)
        self.input_edit.setPlaceholderText(self.tr("Choose a CSV file of cardholders"))
        self.input_edit.setAccessibleName(self.tr("Input CSV file"))
        self.input_button = QPushButton(self.tr("C&hoose…"))
        self.input_button.setAccessibleName(self.tr("Choose the input CSV file"))
        form.addRow(_label(self.tr("&Input CSV:"), self.input_edit),
                    _row(self.input_edit, self.input_button))

        self.output_edit = QLineEdit()
        self.output_edit.setPlaceholderText(self.tr("Beside the input, named …-links.csv"))
        self.output_edit.setAccessibleName(self.tr("Output CSV file"))
        self.output_edit.setToolTip(self.tr(
            "Where the results go. Running again with the same output file skips the rows "
            "that already succeeded."))
        self.output_button = QPushButton(self.tr("Cho&ose…"))
        self.output_button.setAccessibleName(self.tr("Choose the output CSV file"))
        form.addRow(_label(self.tr("O&utput CSV:"), self.output_edit),
                    _row(self.output_edit, self.output_button))

        self.concurrency_spin = QSpinBox()
        self.concurrency_spin.setRange(1, MAX_CONCURRENCY)
        self.concurrency_spin.setValue(DEFAULT_CONCURRENCY)
        self.concurrency_spin.setAccessibleName(self.tr("Concurrency"))
        self.concurrency_spin.setToolTip(self.tr(
            "How many calls may be in flight at once (1 to %d). EnKash's API is shared: "
            "keep it low.") % MAX_CONCURRENCY)
        self.concurrency_spin.setAccessibleDescription(self.concurrency_spin.toolTip())
        spin_row = QHBoxLayout()
        spin_row.addWidget(self.concurrency_spin)
        spin_row.addWidget(QLabel(self.tr("calls at a time")))
        spin_row.addStretch(1)
        form.addRow(_label(self.tr("Con&currency:"), self.concurrency_spin), spin_row)
        return form

    def _build_table(self, layout: QVBoxLayout) -> None:
        """The preview of the input's rows, with their state."""
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Rows of the input file"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((COL_LINE, 56), (COL_CARD_ACCOUNT, 130), (COL_COMPANY, 120),
                              (COL_ENKASH_CARD, 130), (COL_TYPE, 90)):
            self.table.setColumnWidth(column, width)
        table_label = _label(self.tr("&Rows:"), self.table)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        self.preview_label = QLabel(self.tr("No file chosen yet."))
        self.preview_label.setWordWrap(True)
        self.preview_label.setAccessibleName(self.tr("Preview summary"))
        layout.addWidget(self.preview_label)

    def _build_progress(self, layout: QVBoxLayout) -> None:
        """Progress bar, counts, time left, the status line and the results warning."""
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setAccessibleName(self.tr("Batch progress"))
        self.progress_bar.setFormat(self.tr("%v of %m"))
        self.counts_label = QLabel()
        self.counts_label.setAccessibleName(self.tr("Counts"))
        self.eta_label = QLabel()
        self.eta_label.setAccessibleName(self.tr("Time left"))
        self.eta_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.eta_label)
        layout.addLayout(progress_row)
        layout.addWidget(self.counts_label)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setAccessibleName(self.tr("Batch status"))
        self.status_label.hide()
        layout.addWidget(self.status_label)
        self.links_warning = QLabel(tr_core(LINKS_WARNING))
        self.links_warning.setWordWrap(True)
        self.links_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.links_warning.setStyleSheet(f"color: {WARNING_COLOR.name()}; font-weight: bold;")
        self.links_warning.setAccessibleName(self.tr("Warning about the results file"))
        self.links_warning.hide()
        layout.addWidget(self.links_warning)

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.start_button = QPushButton(self.tr("&Start"))
        self.start_button.setAccessibleName(self.tr("Start the batch"))
        self.start_button.setDefault(True)
        font = self.start_button.font()
        font.setBold(True)
        self.start_button.setFont(font)
        self.start_button.setMinimumWidth(110)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the batch"))
        self.cancel_button.setToolTip(self.tr(
            "Stop sending new rows (Esc). Calls already sent finish and are saved."))
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close the batch window"))
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        return buttons

    def _connect(self) -> None:
        self.input_button.clicked.connect(self.choose_input)
        self.output_button.clicked.connect(self.choose_output)
        self.output_edit.textChanged.connect(self._update_buttons)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        for first, second in ((self.input_button, self.output_edit),
                              (self.output_edit, self.output_button),
                              (self.output_button, self.concurrency_spin),
                              (self.concurrency_spin, self.table),
                              (self.table, self.start_button),
                              (self.start_button, self.cancel_button),
                              (self.cancel_button, self.close_button)):
            QWidget.setTabOrder(first, second)

    # -- state -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._run_task is not None

    @property
    def busy(self) -> bool:
        """True while a file is read or a batch runs (tests wait on this)."""
        return self._run_task is not None or self._loading is not None

    def _update_buttons(self) -> None:
        running = self.running
        rows, _ = self.model.counts()
        ready = (not self.busy and rows > 0 and bool(self.output_edit.text().strip()))
        self.start_button.setEnabled(ready)
        self.cancel_button.setEnabled(running and self._cancel is not None
                                      and not self._cancel.is_set())
        self.close_button.setEnabled(not running)
        for widget in (self.input_button, self.output_button, self.output_edit,
                       self.concurrency_spin):
            widget.setEnabled(not self.busy)

    def _rate_limited(self, seconds: float) -> None:
        whole = max(1, round(seconds))
        wait = self.tr("1 second") if whole == 1 else self.tr("%d seconds") % whole
        self._set_status(self.tr("EnKash's gateway asked for fewer calls. The batch waits %s "
                                 "and then goes on by itself.") % wait)

    def _set_status(self, text: str, color: str | None = None) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(f"color: {color};" if color else "")
        self.status_label.setVisible(bool(text))

    def _start_task(self, fn: Callable[[], object], done: Callable[[object], None],
                    failed: Callable[[object], None], name: str,
                    cleanup: Callable[[], None] | None = None) -> Job | None:
        return self._worker.run(fn, on_success=done, on_failure=failed,
                                on_finished=self._task_finished, cleanup=cleanup, name=name)

    def _task_finished(self, job: Job) -> None:
        if job is self._loading:
            self._loading = None
        ran = job is self._run_task
        if ran:
            self._run_task = None
            self._cancel = None
            self._client = None
        if not self._closing:
            self._update_buttons()
            if ran:
                self.close_button.setFocus()

    # -- choosing files ----------------------------------------------------------------

    def _choose_input_path(self) -> str:
        """Ask for the input file (a method of its own, so tests can answer it)."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the cardholders' CSV file"), self.input_edit.text(),
            self.tr("CSV files (*.csv *.txt);;All files (*)"))
        return path

    def _choose_output_path(self) -> str:
        """Ask where the results go (a method of its own, so tests can answer it)."""
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the results as"), self.output_edit.text(),
            self.tr("CSV files (*.csv)"), options=QFileDialog.Option.DontConfirmOverwrite)
        return path

    def choose_input(self) -> None:
        """Choose the input file, then read and validate it on the worker."""
        if self.busy:
            return
        path = self._choose_input_path()
        if path:
            self.load_input(Path(path))

    def choose_output(self) -> None:
        if self.busy:
            return
        path = self._choose_output_path()
        if path:
            self.output_edit.setText(path)

    def load_input(self, path: Path) -> None:
        """Read ``path`` with the core on the worker and show every row in the preview."""
        self.input_edit.setText(str(path))
        self.output_edit.setText(str(default_output_path(path)))
        self.model.clear()
        self._problems = []
        self.links_warning.hide()
        self._set_status("")
        self._reset_progress()
        self.preview_label.setText(self.tr("Reading the file…"))
        self._loading = self._start_task(lambda: read_cardholders_csv(path), self._loaded,
                                         self._load_failed, "read-csv")
        self._update_buttons()

    def _loaded(self, value: object) -> None:
        assert isinstance(value, tuple)
        rows, problems = value
        self.model.load(rows, problems)
        self._problems = list(problems)
        ready, bad = self.model.counts()
        text = plural(ready, self.tr("1 row is ready to send."),
                      self.tr("%d rows are ready to send."))
        if bad:
            text += " " + plural(bad, self.tr("1 row has a problem and will not be sent (see "
                                              "the Status column)."),
                                 self.tr("%d rows have a problem and will not be sent (see "
                                         "the Status column)."))
        if not ready:
            text += " " + self.tr("There is nothing to send in this file.")
        self.preview_label.setText(text)
        self.progress_bar.setRange(0, max(1, ready))
        self.progress_bar.setValue(0)
        self.table.resizeColumnToContents(COL_LINE)
        self._update_buttons()
        if ready:
            self.start_button.setFocus()

    def _load_failed(self, exc: object) -> None:
        self.model.clear()
        self.preview_label.setText("")
        self._set_status(failure_text(self, exc, "reading the batch's input"),
                         ERROR_COLOR.name())

    # -- running -----------------------------------------------------------------------

    def _reset_progress(self) -> None:
        self.progress_bar.setValue(0)
        self.counts_label.setText("")
        self.eta_label.setText("")

    def start(self) -> None:
        """Start (or resume) the batch on the worker with the window's client."""
        if self.busy:
            return
        rows = self.model.valid_cardholders()
        if not rows:
            return
        output = Path(self.output_edit.text().strip()).expanduser()
        if self.input_edit.text() and output.resolve() == Path(self.input_edit.text()).resolve():
            self._set_status(self.tr("The output file cannot be the input file. Please "
                                     "choose another output file."), ERROR_COLOR.name())
            return
        try:
            concurrency = check_concurrency(self.concurrency_spin.value())
            client = self._prepare_client(len(rows))
        except EnkashError as exc:
            self._set_status(tr_core(exc.message), ERROR_COLOR.name())
            return
        if client is None:
            self._set_status(self.tr("Nothing was sent."))
            return
        self.model.reset_results()
        self.links_warning.hide()
        self._reset_progress()
        self.progress_bar.setRange(0, len(rows))
        self._set_status(self.tr("Sending…"))
        self.counts_label.setText(self.tr("Starting…"))
        cancel = threading.Event()
        self._cancel = cancel
        self._client = client
        job = BatchJob(client, rows, list(self._problems), output, concurrency,
                   self._recorder, cancel, self.signals)
        recorder = self._recorder

        def cleanup() -> None:  # the history's connection in this pool thread
            store = recorder.store if recorder is not None else None
            if store is not None:
                store.close_thread_connection()

        self._run_task = self._start_task(lambda: run_batch_job(job), self._run_done,
                                          self._run_failed, "batch", cleanup)
        self._update_buttons()
        self.cancel_button.setFocus()

    def cancel(self) -> None:
        """Stop starting rows; calls in flight finish and everything finished is saved."""
        if self._cancel is None or self._cancel.is_set():
            return
        self._cancel.set()
        if self._question is not None:
            self._question.reply(False)
        self._set_status(self.tr("Cancelling: the calls already sent are finishing…"))
        self._update_buttons()

    def _show_progress(self, progress: BatchProgress) -> None:
        if self._closing:
            return
        to_send = max(1, progress.total - progress.skipped)
        self.progress_bar.setRange(0, to_send)
        self.progress_bar.setValue(min(progress.done, to_send))
        self.counts_label.setText(
            self.tr("Done %d of %d: %d succeeded, %d failed, %d skipped (already done).")
            % (progress.done, progress.total - progress.skipped, progress.ok,
               progress.failed, progress.skipped))
        if progress.remaining == 0:
            self.eta_label.setText(self.tr("Took %s") % duration_text(progress.elapsed_s))
        elif progress.eta_s is None:
            self.eta_label.setText(self.tr("Estimating the time left…"))
        else:
            self.eta_label.setText(self.tr("About %s left") % duration_text(progress.eta_s))

    def _row_done(self, index: int, ok: bool, text: str) -> None:
        if not self._closing:
            self.model.set_result(index, "ok" if ok else "failed", text)

    def _rows_skipped(self, indexes: object) -> None:
        if self._closing or not isinstance(indexes, list):
            return
        text = self.tr("Skipped: it already succeeded (see the output file).")
        for index in indexes:
            self.model.set_result(index, "skipped", text)

    def _auth_paused(self, question: AuthQuestion) -> None:
        """The worker waits: ask on the GUI thread, then let it go on or stop."""
        if self._closing or self._cancel is None or self._cancel.is_set():
            question.reply(False)
            return
        self._question = question
        error = question.error
        self._set_status(self.tr("Paused: %s") % tr_core(error.message), WARNING_COLOR.name())
        try:
            answer = ask_to_resume(self, error)
        finally:
            self._question = None
        if answer and not self._closing:
            self._set_status(self.tr("Sending…"))
        question.reply(answer)

    def _run_done(self, value: object) -> None:
        assert isinstance(value, BatchRun)
        self.last_run = value
        summary = value.summary
        self._show_progress(summary.progress)
        text, color = describe_run(value, self.output_edit.text())
        self._set_status(text, color)
        self.links_warning.setVisible(value.links > 0)
        if self._recorder is not None:
            self.history_changed.emit()
        self.finished_run.emit(value)

    def _run_failed(self, exc: object) -> None:
        self._set_status(failure_text(self, exc, "running a batch"), ERROR_COLOR.name())
        if self._recorder is not None:
            self.history_changed.emit()

    # -- closing -----------------------------------------------------------------------

    def wait_for_idle(self, timeout_ms: int = 10000) -> bool:
        """Wait for the worker (tests); queued signals arrive at the next event loop turn."""
        return self._worker.wait_for_idle(timeout_ms)

    def shutdown(self, timeout_ms: int = CLOSE_WAIT_MS) -> bool:
        """Stop everything: no new rows, abort the calls in flight, wait for the worker."""
        self._closing = True
        if self._cancel is not None:
            self._cancel.set()
        if self._question is not None:
            self._question.reply(False)
        if self._client is not None:
            self._client.cancel()
        return self._worker.shutdown(timeout_ms)

    def reject(self) -> None:
        """Esc and Close: while a batch runs, Esc cancels it instead of closing."""
        if self.running:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            if not dialogs.ask(self, self.tr("Stop the batch"),
                               self.tr("The batch is still running. Stop it and close?"),
                               informative=self.tr("The calls in flight are aborted; the "
                                                   "finished rows are saved, and the same "
                                                   "output file resumes later."),
                               accept_label=self.tr("Stop and close"), danger=True):
                event.ignore()
                return
            self.shutdown()
        event.accept()
