"""The main window: a shell that lays out the panels and wires them to the controllers.

Behaviour lives in controllers (``QObject``\\s: calls, profiles, form state, cURL, support,
history, policy) on the Qt-free service floor made in :meth:`attach` (the profile book, the
client pool, the call recorder). The window builds widgets and menus, keeps the tab order
and the geometry, and closes cleanly.

Storage (settings, keyring) and the demo are injected, keyword-only, so tests build the
window against a temporary folder; ``attach`` may also be called after the window is shown,
which is how :mod:`enkash_desktop.app` keeps start-up fast.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from . import forget_module_sources
from .call_controller import CallController
from .cardholder_form import CardholderForm
from .curl_actions import CurlActions
from .form_state import FormState, FormVerdict
from .history_controller import HistoryController
from .policy_controller import PolicyController
from .profile_bar import ProfileBar
from .profile_controller import ProfileController
from .profile_editor import ProfileDraft
from .qtprops import set_enum
from .result_view import ReplyView, ResultView
from .send_bar import SendBar
from .support_actions import SupportActions
from .widgets import (
    PRODUCTION_COLOR,
    Banner,
    FocusAndSize,
    NoticeBar,
    PaletteWatcher,
    PasteFilter,
    SecretLineEdit,
)
from .window_geometry import b64, first_size, from_b64

if TYPE_CHECKING:  # the core's models load with the first profile, after the first paint
    from typing import Protocol

    from PySide6.QtGui import QCloseEvent

    from enkash_desktop.core.lockout import FailureCounter
    from enkash_desktop.core.models import Cardholder, Profile, Secrets
    from enkash_desktop.store.effective import EffectiveSettings
    from enkash_desktop.store.history import HistoryStore
    from enkash_desktop.store.paths import AppPaths
    from enkash_desktop.store.secrets import SecretStore
    from enkash_desktop.store.settings import LoadedSettings, SettingsStore

    from .history_panel import HistoryPanel
    from .worker import Job, Worker

    class DemoSource(Protocol):
        """What the window needs of the built-in simulator (handed in by start-up)."""

        def demo_partner(self) -> tuple[Profile, Secrets, Cardholder]: ...

log = logging.getLogger(__name__)

# Keys of Settings.preferences (QSettings is not used: everything lives in one JSON file).
PREF_GEOMETRY = "window_geometry"
PREF_WINDOW_STATE = "window_state"
PREF_MAIN_SPLITTER = "task_splitter"  # the task beside the reply (not the old layout)
PREF_OPEN_PRIVATE = "open_in_private_window"  # False: Open in browser uses an ordinary window

CLOSE_WAIT_MS = 1500
TASK_WIDTH = 560


class MainWindow(QMainWindow):
    """The one window of Enkash Desktop."""

    def __init__(
        self,
        *,
        settings_store: SettingsStore | None = None,
        secret_store: SecretStore | None = None,
        failures: FailureCounter | None = None,
        sandbox: DemoSource | None = None,
        demo: bool = False,
        loaded: LoadedSettings | None = None,
        history_store: HistoryStore | None = None,
        paths: AppPaths | None = None,
    ) -> None:
        super().__init__()
        self.ready = False  # True once storage is attached
        self.closing = False
        self._worker_instance: Worker | None = None  # made on first use, after first paint
        self._curl_filter: PasteFilter | None = None  # with the storage, after first paint
        self._build()
        busy = self._is_busy
        self.form = FormState(self, partner=self.partner, cardholder=self.cardholder,
                              busy=busy)
        self.calls = CallController(self, partner=self.partner, cardholder=self.cardholder,
                                    result=self.result, reply=self.reply, bar=self.send_bar,
                                    verdict=self.form.revalidate)
        self.profiles = ProfileController(self, partner=self.partner,
                                          cardholder=self.cardholder, busy=busy)
        self.curl = CurlActions(self, partner=self.partner, cardholder=self.cardholder,
                                client=self.calls.client, busy=busy,
                                revalidate=self.form.revalidate)
        self.support = SupportActions(self)
        self.history_ctl = HistoryController(self, tabs=self.lower_tabs, partner=self.partner,
                                             client=self.calls.client,
                                             verdict=self.form.revalidate, busy=busy)
        self.policy = PolicyController(self, form=self.form, curl=self.curl,
                                       history=self.history_ctl, support=self.support)
        self._build_actions()
        self._set_tab_order()
        self._connect()
        self.form.revalidate()
        self.resize(*first_size())
        if settings_store is not None:
            self.attach(settings_store=settings_store, secret_store=secret_store,
                        failures=failures, sandbox=sandbox, demo=demo, loaded=loaded,
                        history_store=history_store, paths=paths)

    # =============================================================== building

    def _build(self) -> None:
        self.setWindowTitle(self.tr("Enkash Desktop[*]"))
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 8, 10, 6)
        outer.setSpacing(8)
        self.production_banner = Banner(PRODUCTION_COLOR)
        self.production_banner.setText(self.tr(
            "PRODUCTION: every Send mints a real token for a real cardholder."))
        self.production_banner.setAccessibleName(self.tr("Production warning"))
        self.production_banner.hide()  # until a production profile is loaded
        outer.addWidget(self.production_banner)
        self.notice_bar = NoticeBar()
        self.notice_label = self.notice_bar.label
        outer.addWidget(self.notice_bar)

        self.profile_bar = ProfileBar()
        outer.addWidget(self.profile_bar)
        self.partner = ProfileDraft(self.profile_bar, self)

        task = QWidget()  # the clerk's task: the cardholder, Send and the result
        task_layout = QVBoxLayout(task)
        task_layout.setContentsMargins(0, 0, 4, 0)
        task_layout.setSpacing(10)
        self.cardholder = CardholderForm()
        task_layout.addWidget(self.cardholder)
        self.send_bar = SendBar()
        self.send_button = self.send_bar.send_button
        self.cancel_button = self.send_bar.cancel_button
        self.busy_bar = self.send_bar.busy_bar
        self.elapsed_label = self.send_bar.elapsed_label
        task_layout.addWidget(self.send_bar)
        self.result = ResultView()
        task_layout.addWidget(self.result)
        task_layout.addStretch(1)
        self.reply = ReplyView()
        # Scrolls up and down only, so a short screen or a banner never grows the window
        # and nothing is ever cut off sideways.
        self.task_scroll = QScrollArea()
        self.task_scroll.setWidget(task)
        self.task_scroll.setWidgetResizable(True)
        self.task_scroll.setFrameShape(QFrame.Shape.NoFrame)
        set_enum(self.task_scroll, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        bar_width = self.task_scroll.verticalScrollBar().sizeHint().width()
        self.task_scroll.setMinimumWidth(task.minimumSizeHint().width() + bar_width)

        self.lower_tabs = QTabWidget()
        self.lower_tabs.setDocumentMode(True)
        self.lower_tabs.setAccessibleName(self.tr("Reply and history"))
        self.lower_tabs.addTab(self.reply, self.tr("&Reply"))
        self.main_splitter = QSplitter()  # horizontal: the task, then the reply and history
        self.main_splitter.setChildrenCollapsible(False)
        self.main_splitter.addWidget(self.task_scroll)
        self.main_splitter.addWidget(self.lower_tabs)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([TASK_WIDTH, 600])
        outer.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)

        self.storage_label = QLabel()
        self.storage_label.setAccessibleName(self.tr("Where secrets are kept"))
        self.statusBar().addPermanentWidget(self.storage_label)
        self.statusBar().showMessage(self.tr("Starting…"))

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object], *keys: str,
                tip: str = "", status: str = "") -> QAction:
        """A menu entry: its text, what it does, its shortcuts and its explanations."""
        action = QAction(text, self)
        if keys:  # a list: QAction.setShortcut's overloads would build the Qt namespace
            action.setShortcuts([QKeySequence(key) for key in keys])
        if tip:
            action.setToolTip(tip)
        if status:
            action.setStatusTip(status)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.send_action = self._action(file_menu, self.tr("&Send"), self.calls.send,
                                        "Ctrl+Return", "Ctrl+Enter")
        self.cancel_action = self._action(file_menu, self.tr("&Cancel call"),
                                          self.calls.cancel, "Esc")
        self.cancel_action.setEnabled(False)
        self.calls.cancel_action = self.cancel_action
        self.token_action = self._action(file_menu, self.tr("Get &token"), self.calls.get_token,
                                         "Ctrl+T")
        self.edit_profile_action = self._action(
            file_menu, self.tr("&Edit profile…"), self.partner.open_editor, "Ctrl+E",
            status=self.tr("The partner's settings: URLs, partner id, login, token and "
                           "encryption."))
        file_menu.addSeparator()
        self.batch_action = self._action(
            file_menu, self.tr("&Batch from CSV…"), self.history_ctl.open_batch, "Ctrl+B",
            status=self.tr("Mint SSO tokens for every cardholder in a CSV file."))
        file_menu.addSeparator()
        self.save_action = self._action(file_menu, self.tr("Save &profile"),
                                        self.profiles.save_profile)
        self.save_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Save))
        self.duplicate_action = self._action(
            file_menu, self.tr("&Duplicate profile"), self.profiles.duplicate_profile,
            tip=self.tr("Start a new profile with the same settings and secrets; rename it, "
                        "then Save."))
        file_menu.addSeparator()
        quit_action = self._action(file_menu, self.tr("&Quit"), self.close, "Ctrl+Q")
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.copy_link_action = self._action(edit_menu, self.tr("Copy portal &link"),
                                             self.result.copy_link, "Ctrl+Shift+C")
        self.copy_curl_action = self._action(edit_menu, self.tr("Copy as c&URL"),
                                             self.curl.copy_curl)
        self.copy_curl_secrets_action = self._action(
            edit_menu, self.tr("Copy as cURL with &secrets…"), self.curl.copy_curl_with_secrets)
        edit_menu.addSeparator()
        self.find_card_action = self._action(
            edit_menu, self.tr("&Find card…"), self.calls.find_card, "Ctrl+Shift+F",
            status=self.tr("List the cards of the card account and choose one."))
        self.paste_curl_action = self._action(
            edit_menu, self.tr("&Paste cURL…"), self.curl.paste_curl, "Ctrl+Shift+V",
            status=self.tr("Fill the form from an SSO request copied as a curl command."))

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.open_logs_action = self._action(help_menu, self.tr("Open &log folder"),
                                             self.support.open_log_folder)
        self.diagnostics_action = self._action(help_menu, self.tr("Export &diagnostics…"),
                                               self.support.export_diagnostics)
        self.settings_view_action = self._action(
            help_menu, self.tr("Settings in &effect…"), self.policy.show_settings_in_effect,
            status=self.tr("Show every setting in use and where it comes from."))
        help_menu.addSeparator()
        about = self._action(help_menu, self.tr("&About Enkash Desktop"),
                             self.support.show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        for action in (self.send_action, self.cancel_action, self.copy_link_action,
                       self.paste_curl_action, self.find_card_action):
            self.addAction(action)

    def _set_tab_order(self) -> None:
        """The task first: the cardholder, Send, the result's actions; then the reply and
        the profile row."""
        order: list[QWidget] = [
            *self.cardholder.focus_order(),
            self.send_button,
            self.cancel_button,
            *self.result.focus_order(),
            self.lower_tabs.tabBar(),
            *self.reply.focus_order(),
            *self.partner.focus_order(),
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        """Intents of the panels to the controllers, and the controllers' news back."""
        self.send_button.clicked.connect(self.calls.send)
        self.cancel_button.clicked.connect(self.calls.cancel)
        self.partner.when_built(lambda panel: panel.getTokenRequested.connect(
            self.calls.get_token))
        self.result.status.connect(self.status)
        self.result.statusOver.connect(self.withdraw_status)
        self.reply.copyCurlRequested.connect(self.curl.copy_curl)
        self.reply.copyCurlWithSecretsRequested.connect(self.curl.copy_curl_with_secrets)
        self.partner.changed.connect(self.form.revalidate)
        self.cardholder.changed.connect(self.form.revalidate)
        self.cardholder.findCardRequested.connect(self.calls.find_card)
        self.form.changed.connect(self._apply_verdict)
        self.calls.busy_changed.connect(lambda _busy: self.form.revalidate())
        self.calls.recorded.connect(self.history_ctl.recorded)
        self.calls.export = self.support.export_diagnostics
        self.profiles.changed.connect(self.form.revalidate)
        self.profiles.storage_text.connect(self.storage_label.setText)
        self.history_ctl.send_again.connect(self._send_again)

    # =============================================================== services

    def attach(
        self,
        *,
        settings_store: SettingsStore,
        secret_store: SecretStore | None,
        failures: FailureCounter | None = None,
        sandbox: DemoSource | None = None,
        demo: bool = False,
        loaded: LoadedSettings | None = None,
        history_store: HistoryStore | None = None,
        paths: AppPaths | None = None,
        effective: EffectiveSettings | None = None,
    ) -> None:
        """Connect storage (and the demo) and show the current profile.

        ``loaded`` is the settings already read by the caller, to avoid reading twice.
        Reading the small settings file happens here, on the GUI thread; secrets are read
        on a worker, because a keyring call can block for seconds.
        """
        from enkash_desktop.service import CallRecorder, ClientPool, ProfileBook

        self._install_event_filters()
        if loaded is None:
            loaded = settings_store.load()
        book = ProfileBook.from_settings(loaded.settings, read_only=loaded.read_only)
        if sandbox is not None and (demo or not book.profiles):
            book.start_demo(*sandbox.demo_partner())
        recorder = CallRecorder()
        self.form.book = book
        self.calls.attach(book, ClientPool(failures), recorder)
        self.history_ctl.attach(book, recorder)
        self.support.paths = paths
        from .credential_guard import PREF_CREDENTIAL_CLEAR_S, credential_seconds

        clear_after = ({PREF_CREDENTIAL_CLEAR_S: effective.value(PREF_CREDENTIAL_CLEAR_S)}
                       if effective is not None else book.preferences)
        self.result.clipboard_guard.seconds = credential_seconds(clear_after)
        self.result.open_private = book.preferences.get(PREF_OPEN_PRIVATE, True) is not False

        if effective is not None:
            self.policy.apply(effective, book, copy_with_secrets=(
                self.copy_curl_secrets_action, self.reply.curl_secrets_button),
                draft=self.partner, status_bar=self.statusBar(),
                cache_dir=paths.cache_dir if paths is not None else None)
        if history_store is not None:
            self.history_ctl.show(history_store)
        self._restore_layout(book.preferences)
        if loaded.notice:
            self.show_notice(loaded.notice)
        self.ready = True
        self.profiles.attach(book, settings_store=settings_store, secret_store=secret_store,
                             preferred=loaded.settings.current_profile)
        if book.current is not None:  # the task first: the cardholder, or Send when it is filled
            (self.cardholder.first_empty() or self.send_button).setFocus()
        # The keyring is probed (and imported) only when a profile of the user's needs it,
        # on a worker: the demo never touches it, and start-up stays fast.
        self.statusBar().showMessage(self.tr("Ready."), 4000)
        from PySide6.QtCore import QTimer

        QTimer.singleShot(800, self._warm_up)

    def open_history(self, opener: Callable[[], HistoryStore | None]) -> None:
        """Open the history on a worker, then show its tab (the GUI thread never waits)."""
        self.history_ctl.open(opener)

    def _install_event_filters(self) -> None:
        """Python event filters, installed with the storage (after the first paint)."""
        if self._curl_filter is not None:
            return
        # A curl command pasted into the cardholder form opens the Paste cURL preview.
        self._curl_filter = PasteFilter(self.curl.paste_into_form, self)
        self.cardholder.filter_inputs(self._curl_filter)
        # A light/dark switch redraws the eyes of the masked fields in the new palette.
        self.installEventFilter(PaletteWatcher(self._refresh_secret_icons, self))
        # Alt+letter never leaves a field's text selected; the link fits its width.
        focus = FocusAndSize(self)
        focus.watch([*self.cardholder.focus_order(), self.result.link_view])
        self.partner.when_built(lambda panel: focus.watch(panel.focus_order()))

    def _refresh_secret_icons(self) -> None:
        for edit in self.findChildren(SecretLineEdit):
            if edit.eye_drawn:  # an undrawn eye is drawn in the palette of its day
                edit.refresh_icon()

    def _warm_up(self) -> None:
        """Import the HTTP stack in the background, so the first Send is as quick as the rest;
        then load the replies' font."""
        if not self.closing:
            self.run_background(_import_http_stack, self._warmed_up, name="warm-up")

    def _warmed_up(self, _: object) -> None:
        forget_module_sources()
        self.reply.prepare_font()

    # =============================================================== policy

    # =============================================================== the shell

    def status(self, text: str) -> None:
        if not self.closing:
            self.statusBar().showMessage(text, 8000)

    def withdraw_status(self, text: str) -> None:
        """``text`` is no longer true: it goes if it is still the one shown."""
        if self.statusBar().currentMessage() == text:
            self.statusBar().clearMessage()

    def show_notice(self, text: str) -> None:
        self.notice_bar.add(text)

    def widget(self) -> QWidget:
        return self

    def run_background(self, fn: Callable[[], object],
                       on_success: Callable[[object], None] | None,
                       on_failure: Callable[[object], None] | None = None,
                       *, name: str = "background",
                       on_finished: Callable[[Job], None] | None = None) -> Job | None:
        """Run ``fn`` on the private pool; results are dropped once the window closes."""
        if self._worker_instance is None:
            from .worker import Worker  # with its thread pool, after the first paint

            self._worker_instance = Worker(self, max_threads=4, expiry_timeout_ms=5000,
                                           name="window")
        return self._worker_instance.run(fn, on_success=on_success, on_failure=on_failure,
                                         on_finished=on_finished, name=name)

    def wait_for_background(self, timeout_ms: int = 5000) -> bool:
        """Wait for every pool task (tests and close)."""
        worker = self._worker_instance
        return worker is None or worker.wait_for_idle(timeout_ms)

    def _is_busy(self) -> bool:
        return self.calls.busy

    @property
    def busy(self) -> bool:
        return self.calls.busy

    @property
    def send_blocker(self) -> str:
        """Why Send is disabled, or an empty string when it is enabled."""
        return self.form.verdict.send_blocker

    @property
    def history(self) -> HistoryPanel | None:
        """The history tab, once the history is open."""
        return self.history_ctl.panel

    @property
    def history_store(self) -> HistoryStore | None:
        """The history database the window records into, once it is open."""
        return self.history_ctl.store

    def _apply_verdict(self, verdict: FormVerdict) -> None:
        """Buttons, menus, banner and title as the form allows (see :class:`FormState`)."""
        self.send_bar.set_send_blocker(verdict.send_blocker)
        self.send_action.setEnabled(not verdict.send_blocker)
        self.token_action.setEnabled(not verdict.token_blocker)
        self.save_action.setEnabled(verdict.can_save)
        self.partner.set_permissions(token_blocker=verdict.token_blocker,
                                     can_save=verdict.can_save,
                                     can_delete=verdict.can_delete, demo=verdict.demo)
        if self.ready:  # before, the form is empty and the title is the program's name
            self.production_banner.setVisible(verdict.production)
            self.setWindowModified(verdict.modified)
            self.setWindowTitle(self.tr("%s — Enkash Desktop[*]") % verdict.title)
        self.calls.update_countdown()

    def _send_again(self, cardholder: Cardholder) -> None:
        """Refill the form from a past call; the user presses Send (nothing is sent here)."""
        self.cardholder.load(cardholder)
        self.lower_tabs.setCurrentWidget(self.reply)
        self.cardholder.focus_first()
        self.status(self.tr("The form was filled from the history. Press Send to send."))

    # =============================================================== geometry and close

    def _restore_layout(self, prefs: dict[str, Any]) -> None:
        geometry = from_b64(prefs.get(PREF_GEOMETRY))
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = from_b64(prefs.get(PREF_WINDOW_STATE))
        if state is not None:
            self.restoreState(state)
        splitter = from_b64(prefs.get(PREF_MAIN_SPLITTER))
        if splitter is not None:
            self.main_splitter.restoreState(splitter)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop accepting results, cancel what runs, wait briefly, save the layout."""
        if self.closing:
            event.accept()
            return
        self.closing = True
        self.history_ctl.shutdown_batch(CLOSE_WAIT_MS)
        running = self.calls.stop()
        worker = self._worker_instance
        if worker is not None:  # stops results, cancels every job, drops the queued ones
            worker.shutdown(0)
        self.history_ctl.shutdown(CLOSE_WAIT_MS)
        if worker is not None and not worker.wait_for_idle(CLOSE_WAIT_MS):
            log.warning("a background task was still running when the window closed")
        book = self.profiles.book
        if book is not None and self.ready:
            book.preferences.update({
                PREF_GEOMETRY: b64(self.saveGeometry()),
                PREF_WINDOW_STATE: b64(self.saveState()),
                PREF_MAIN_SPLITTER: b64(self.main_splitter.saveState())})
            self.profiles.save_settings_now()
        for problem in self.calls.close_clients(running):
            log.warning("closing the HTTP client failed: %r", problem)
        event.accept()


def _import_http_stack() -> None:
    """Import what a Send runs, before the first Send: the HTTP stack, the client, the
    service's calls, the log's secret filter and the result's messages, and what the first
    call would otherwise import on its worker while the window paints (the socket layer's
    IDNA codec, shlex for the call's cURL in the history)."""
    import encodings.idna  # noqa: F401
    import shlex  # noqa: F401

    import httpcore  # noqa: F401
    import httpx  # noqa: F401

    import enkash_desktop.core.client
    import enkash_desktop.service.calls
    import enkash_desktop.store.logs  # noqa: F401

    from . import messages  # noqa: F401
