"""The history in the window: opened on a worker, shown in its tab, refreshed after each
recorded call, and the batch dialog that records through the same recorder."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from enkash_desktop import core

from . import dialogs
from .texts import tr_core

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTabWidget

    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.service import CallRecorder, ProfileBook
    from enkash_desktop.store.history import HistoryStore

    from .batch_dialog import BatchDialog
    from .form_state import FormVerdict
    from .history_panel import HistoryPanel
    from .profile_editor import ProfileDraft
    from .shell import Shell

# Preferences (settings.json) for the history's retention, applied at start; null keeps all.
PREF_RETENTION_DAYS = "history_retention_days"
PREF_RETENTION_ROWS = "history_retention_rows"
DEFAULT_RETENTION_DAYS = 365
DEFAULT_RETENTION_ROWS = 1_000_000
# Calls recorded close together (a batch) refresh the table once.
REFRESH_DELAY_MS = 150


class HistoryController(QObject):
    """Opens the history, keeps its tab current, and runs the batch dialog."""

    send_again = Signal(object)  # Cardholder: refill the form (nothing is sent)

    def __init__(self, shell: Shell, *, tabs: QTabWidget, partner: ProfileDraft,
                 client: Callable[[], EnkashClient], verdict: Callable[[], FormVerdict],
                 busy: Callable[[], bool]) -> None:
        super().__init__(shell.widget())
        self._shell = shell
        self._tabs = tabs
        self._partner = partner
        self._client = client
        self._verdict = verdict
        self._busy = busy
        self.book: ProfileBook | None = None
        self.recorder: CallRecorder | None = None
        self.panel: HistoryPanel | None = None
        self.batch_dialog: BatchDialog | None = None
        # The preferred retention (the administrator's policy may replace it).
        self.retention: Callable[[], tuple[object, object]] = self._retention_preferences
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_DELAY_MS)
        self._refresh.timeout.connect(self._show_new_calls)

    @property
    def store(self) -> HistoryStore | None:
        return self.recorder.store if self.recorder is not None else None

    def attach(self, book: ProfileBook, recorder: CallRecorder) -> None:
        self.book = book
        self.recorder = recorder

    def recorded(self, _rows: int) -> None:
        """A call was recorded: refresh the table (once for calls close together)."""
        if self.panel is not None and not self._shell.closing:
            self._refresh.start()

    def _show_new_calls(self) -> None:
        if self.panel is not None and not self._shell.closing:
            self.panel.show_new_calls()

    def _reload(self) -> None:
        if self.panel is not None and not self._shell.closing:
            self.panel.reload()

    # -- opening ---------------------------------------------------------------------------

    def open(self, opener: Callable[[], HistoryStore | None]) -> None:
        """Open the history on a worker (results that came first are written there too),
        then show its tab. The GUI thread never waits."""
        recorder = self.recorder
        assert recorder is not None

        def job() -> tuple[HistoryStore | None, str]:
            store = opener()
            if store is None:
                return None, recorder.unavailable(
                    "The history file could not be opened; the log says why.")
            return store, recorder.open(store)

        self._shell.run_background(job, self._opened, name="open history")

    def _opened(self, value: object) -> None:
        assert isinstance(value, tuple)
        store, notice = value
        if notice:
            self._shell.show_notice(tr_core(str(notice)))
        if store is not None:
            self.show(store)

    def show(self, store: HistoryStore) -> None:
        """Show the tab of an open history (its retention is applied on the worker)."""
        from .history_panel import HistoryPanel

        if self.recorder is not None and self.recorder.store is not store:
            self.recorder.open(store)
        self.panel = HistoryPanel(store=store)
        self.panel.send_again_requested.connect(self.send_again.emit)
        self.panel.failed.connect(self._shell.status)
        if self.book is not None:
            self.panel.set_profiles(sorted(self.book.profiles))
        self._tabs.addTab(self.panel, self.tr("Histor&y"))
        if store.notice:
            self._shell.show_notice(store.notice)
        days, rows = self.retention()

        def retention() -> object:
            return store.apply_retention(days if isinstance(days, int) else None,
                                         rows if isinstance(rows, int) else None)

        self._shell.run_background(retention, None, name="history retention")

    def _retention_preferences(self) -> tuple[object, object]:
        prefs = self.book.preferences if self.book is not None else {}
        return (prefs.get(PREF_RETENTION_DAYS, DEFAULT_RETENTION_DAYS),
                prefs.get(PREF_RETENTION_ROWS, DEFAULT_RETENTION_ROWS))

    # -- the batch -------------------------------------------------------------------------

    def open_batch(self) -> None:
        """File → Batch from CSV…: the batch dialog for the current profile."""
        if not self._shell.ready or self._shell.closing:
            return
        from .batch_dialog import BatchDialog

        dialog = self.batch_dialog
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return
        if dialog is not None:
            dialog.deleteLater()
        dialog = BatchDialog(self._shell.widget(), prepare_client=self._batch_client,
                             recorder=self.recorder)
        dialog.history_changed.connect(self._reload)
        self.batch_dialog = dialog
        dialog.open()

    def _batch_client(self, rows: int) -> EnkashClient | None:
        """The window's client for the profile as typed, after the production question.

        Raises BAD_INPUT when the profile cannot send; None when the user declined.
        """
        verdict = self._verdict()
        if self._busy():
            raise core.EnkashError(core.ErrorKind.BAD_INPUT,
                                   self.tr("A call is in progress; please wait for it to finish."))
        if verdict.token_blocker:
            raise core.EnkashError(core.ErrorKind.BAD_INPUT,
                                   self.tr("The profile cannot send yet: %s")
                                   % verdict.token_blocker)
        profile = self._partner.profile()
        if profile.is_production and not dialogs.ask(
                self.batch_dialog or self._shell.widget(), self.tr("Batch in production"),
                self.tr("This profile points at EnKash production. The batch mints real SSO "
                        "tokens for %d real cardholders.") % rows,
                informative=self.tr("Do you want to start the batch?"),
                accept_label=self.tr("Start in production"), danger=True):
            return None
        return self._client()

    def shutdown_batch(self, timeout_ms: int) -> None:
        """The window closes: first the batch stops (its calls are cancelled)."""
        self._refresh.stop()
        if self.batch_dialog is not None:
            self.batch_dialog.shutdown(timeout_ms)

    def shutdown(self, timeout_ms: int) -> None:
        """The window closes: interrupt long queries, wait briefly for the tab's work."""
        if self.store is not None:
            self.store.interrupt()  # a long retention or count stops at once
        if self.panel is not None:
            self.panel.shutdown(timeout_ms)
