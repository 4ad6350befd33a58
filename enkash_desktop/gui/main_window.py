"""The main window: partner panel, cardholder form, Send, and the result.

Data flows one way: the panels collect a :class:`Profile`, :class:`Secrets` and a
:class:`Cardholder`; the core validates them as the user types; Send hands them to an
:class:`EnkashClient` on a worker thread; the :class:`SsoResult` comes back as a signal and
the result view shows it. The window builds no HTTP request and holds no validation rule.

Storage (settings, keyring) and the sandbox are injected, keyword-only, so tests build the
window against a temporary folder; ``attach`` may also be called after the window is shown,
which is how :mod:`enkash_desktop.app` keeps start-up fast.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from enkash_desktop import __version__, core

from . import dialogs, forget_module_sources
from .forms import CardholderForm, PartnerPanel
from .qtprops import set_enum
from .result_view import ReplyView, ResultView
from .texts import tr_core
from .widgets import PRODUCTION_COLOR, Banner, PaletteWatcher, PasteFilter, SecretLineEdit

if TYPE_CHECKING:  # the core's models load with the first profile, after the first paint
    from typing import Protocol

    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QCloseEvent

    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.core.errors import EnkashError
    from enkash_desktop.core.lockout import FailureCounter
    from enkash_desktop.core.models import Cardholder, Profile, Secrets
    from enkash_desktop.store.history import HistoryStore
    from enkash_desktop.store.paths import AppPaths
    from enkash_desktop.store.secrets import SecretStore
    from enkash_desktop.store.settings import LoadedSettings, SettingsStore

    from .crash_dialog import CrashDialog

    class DemoSource(Protocol):
        """What the window needs of the built-in simulator (handed in by start-up)."""

        def demo_partner(self) -> tuple[Profile, Secrets, Cardholder]: ...

    from .batch_dialog import BatchDialog
    from .history_panel import HistoryPanel
    from .worker import Job, Worker

log = logging.getLogger(__name__)

# Keys of Settings.preferences (QSettings is not used: everything lives in one JSON file).
PREF_GEOMETRY = "window_geometry"
PREF_WINDOW_STATE = "window_state"
PREF_MAIN_SPLITTER = "main_splitter"
PREF_RESULT_SPLITTER = "result_splitter"
# History retention, applied at start (preferences in settings.json; null keeps everything).
PREF_RETENTION_DAYS = "history_retention_days"
PREF_RETENTION_ROWS = "history_retention_rows"
DEFAULT_RETENTION_DAYS = 365
DEFAULT_RETENTION_ROWS = 1_000_000

CLOSE_WAIT_MS = 1500
COUNTDOWN_INTERVAL_MS = 500
WARNING_SECONDS = 30


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def _from_b64(text: Any) -> QByteArray | None:
    if not isinstance(text, str) or not text:
        return None
    from PySide6.QtCore import QByteArray

    return QByteArray.fromBase64(text.encode("ascii"))


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
        self._paths: AppPaths | None = None
        self.history: HistoryPanel | None = None
        self._history_store: HistoryStore | None = None
        self.batch_dialog: BatchDialog | None = None
        self.crash_dialog: CrashDialog | None = None  # the last one shown, for tests
        self._settings_store: SettingsStore | None = None
        self._secret_store: SecretStore | None = None
        # Failed logins in a row (made with the first client when none is given); the demo's
        # are counted apart, in memory only.
        self._failures: FailureCounter | None = failures
        self._demo_failures: FailureCounter | None = None
        self._sandbox: DemoSource | None = None
        self._ready = False
        self._closing = False
        self._read_only_settings = False
        self._preferences: dict[str, Any] = {}
        self._profiles: dict[str, Profile] = {}
        self._saved_secrets: dict[str, Secrets] = {}
        self._session_secrets: dict[str, Secrets] = {}  # the demo's, never stored
        self._demo_profile: Profile | None = None
        self._demo_cardholder: Cardholder | None = None
        self._current: str | None = None
        self._production_confirmed: set[str] = set()
        self._client: EnkashClient | None = None
        self._client_key: tuple[Profile, Secrets] | None = None
        self._call: Job | None = None
        self._call_client: EnkashClient | None = None
        self._save_lock = threading.Lock()
        self._send_blocker = ""
        self._keyring_notice = ""
        self._keyring_state: tuple[bool, str] | None = None

        self._worker_instance: Worker | None = None  # made on first use, after first paint
        self._curl_filter: PasteFilter | None = None  # with the storage, after first paint

        self._build()
        self._build_actions()
        self._set_tab_order()
        self._elapsed = QElapsedTimer()
        self._elapsed_timer = QTimer(self)
        self._elapsed_timer.setInterval(100)
        self._elapsed_timer.timeout.connect(self._show_elapsed)
        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_INTERVAL_MS)
        self._countdown.timeout.connect(self._update_countdown)
        self._countdown.start()
        self.partner.changed.connect(self._revalidate)
        self.cardholder.changed.connect(self._revalidate)
        self._revalidate()
        self.resize(1180, 780)
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

        self.notice_bar = QFrame()
        self.notice_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice_bar.setAutoFillBackground(True)
        self.notice_bar.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        notice_row = QHBoxLayout(self.notice_bar)
        notice_row.setContentsMargins(8, 4, 4, 4)
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        set_enum(self.notice_label, "textFormat", "PlainText")
        self.notice_label.setAccessibleName(self.tr("Notice"))
        dismiss = QToolButton()
        dismiss.setText(self.tr("Dismiss"))
        dismiss.setAccessibleName(self.tr("Dismiss the notice"))
        dismiss.clicked.connect(self.notice_bar.hide)
        notice_row.addWidget(self.notice_label, 1)
        notice_row.addWidget(dismiss)
        self.notice_bar.hide()
        outer.addWidget(self.notice_bar)

        self.partner = PartnerPanel()
        scroll = QScrollArea()
        scroll.setWidget(self.partner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Small screens (1280×720 at 150 %) get a narrower pane that scrolls sideways.
        scroll.setMinimumWidth(260)
        self._partner_width = (self.partner.minimumSizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width() + 4)
        self.partner_scroll = scroll

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(10)
        self.cardholder = CardholderForm()
        right_layout.addWidget(self.cardholder)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.send_button = QPushButton(self.tr("&Send"))
        self.send_button.setAccessibleName(self.tr("Send"))
        self.send_button.setDefault(False)
        self.send_button.setMinimumWidth(120)
        font = self.send_button.font()
        font.setBold(True)
        self.send_button.setFont(font)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the call"))
        self.cancel_button.setToolTip(self.tr("Cancel the call in progress (Esc)"))
        self.cancel_button.setEnabled(False)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setMaximumHeight(10)
        self.busy_bar.setAccessibleName(self.tr("Busy"))
        self.busy_bar.hide()
        self.elapsed_label = QLabel()
        self.elapsed_label.setAccessibleName(self.tr("Elapsed time"))
        actions.addWidget(self.send_button)
        actions.addWidget(self.cancel_button)
        actions.addSpacing(8)
        actions.addWidget(self.busy_bar)
        actions.addWidget(self.elapsed_label)
        actions.addStretch(1)
        right_layout.addLayout(actions)

        self.result = ResultView()
        right_layout.addWidget(self.result)
        self.reply = ReplyView()

        self.result_splitter = QSplitter()
        set_enum(self.result_splitter, "orientation", "Vertical")
        self.result_splitter.setChildrenCollapsible(False)
        self.result_splitter.addWidget(right)
        self.lower_tabs = QTabWidget()
        self.lower_tabs.setDocumentMode(True)
        self.lower_tabs.setAccessibleName(self.tr("Reply and history"))
        self.lower_tabs.addTab(self.reply, self.tr("&Reply"))
        self.result_splitter.addWidget(self.lower_tabs)
        self.result_splitter.setStretchFactor(0, 0)
        self.result_splitter.setStretchFactor(1, 1)

        self.main_splitter = QSplitter()  # horizontal
        self.main_splitter.setChildrenCollapsible(False)
        self.main_splitter.addWidget(scroll)
        self.main_splitter.addWidget(self.result_splitter)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([self._partner_width + 16, 760])
        outer.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)

        self.storage_label = QLabel()
        self.storage_label.setAccessibleName(self.tr("Where secrets are kept"))
        self.statusBar().addPermanentWidget(self.storage_label)
        self.statusBar().showMessage(self.tr("Starting…"))

        self.send_button.clicked.connect(self.send)
        self.cancel_button.clicked.connect(self.cancel_call)
        self.result.status.connect(self._status)
        self.reply.copyCurlRequested.connect(self.copy_curl)
        self.reply.copyCurlWithSecretsRequested.connect(self.copy_curl_with_secrets)
        self.partner.getTokenRequested.connect(self.get_token)
        self.partner.profileChosen.connect(self._choose_profile)
        self.partner.newRequested.connect(self.new_profile)
        self.partner.saveRequested.connect(self.save_profile)
        self.partner.deleteRequested.connect(self.delete_profile)

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
        self.send_action = self._action(file_menu, self.tr("&Send"), self.send,
                                        "Ctrl+Return", "Ctrl+Enter")
        self.cancel_action = self._action(file_menu, self.tr("&Cancel call"),
                                          self.cancel_call, "Esc")
        self.cancel_action.setEnabled(False)
        self.token_action = self._action(file_menu, self.tr("Get &token"), self.get_token,
                                         "Ctrl+T")
        file_menu.addSeparator()
        self.batch_action = self._action(
            file_menu, self.tr("&Batch from CSV…"), self.open_batch, "Ctrl+B",
            status=self.tr("Mint SSO tokens for every cardholder in a CSV file."))
        file_menu.addSeparator()
        self.save_action = self._action(file_menu, self.tr("Save &profile"), self.save_profile)
        self.save_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Save))
        self.duplicate_action = self._action(
            file_menu, self.tr("&Duplicate profile"), self.duplicate_profile,
            tip=self.tr("Start a new profile with the same settings and secrets; rename it, "
                        "then Save."))
        file_menu.addSeparator()
        quit_action = self._action(file_menu, self.tr("&Quit"), self.close, "Ctrl+Q")
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.copy_link_action = self._action(edit_menu, self.tr("Copy portal &link"),
                                             self.result.copy_link, "Ctrl+Shift+C")
        self.copy_curl_action = self._action(edit_menu, self.tr("Copy as c&URL"),
                                             self.copy_curl)
        self.copy_curl_secrets_action = self._action(
            edit_menu, self.tr("Copy as cURL with &secrets…"), self.copy_curl_with_secrets)
        edit_menu.addSeparator()
        self.paste_curl_action = self._action(
            edit_menu, self.tr("&Paste cURL…"), self.paste_curl, "Ctrl+Shift+V",
            status=self.tr("Fill the form from an SSO request copied as a curl command."))

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.open_logs_action = self._action(help_menu, self.tr("Open &log folder"),
                                             self.open_log_folder)
        self.diagnostics_action = self._action(help_menu, self.tr("Export &diagnostics…"),
                                               self.export_diagnostics)
        help_menu.addSeparator()
        about = self._action(help_menu, self.tr("&About Enkash Desktop"), self.show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        for action in (self.send_action, self.cancel_action, self.copy_link_action,
                       self.paste_curl_action):
            self.addAction(action)

    def _set_tab_order(self) -> None:
        order: list[QWidget] = [
            *self.partner.focus_order(),
            *self.cardholder.focus_order(),
            self.send_button,
            self.cancel_button,
            *self.result.focus_order(),
            *self.reply.focus_order(),
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

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
    ) -> None:
        """Connect storage (and the demo sandbox) and show the current profile.

        ``loaded`` is the settings already read by the caller, to avoid reading twice.
        Reading the small settings file happens here, on the GUI thread; secrets are read
        on a worker, because a keyring call can block for seconds.
        """
        self._settings_store = settings_store
        self._secret_store = secret_store
        self._paths = paths
        self._install_event_filters()
        if failures is not None:
            self._failures = failures
        self._sandbox = sandbox
        if loaded is None:
            loaded = settings_store.load()
        settings = loaded.settings
        self._read_only_settings = loaded.read_only
        self._preferences = dict(settings.preferences)
        self._profiles = {p.name: p for p in settings.profiles}
        if history_store is not None:
            self._attach_history(history_store)
        self._restore_layout()
        if loaded.notice:
            self.show_notice(loaded.notice)
        if sandbox is not None and (demo or not self._profiles):
            self._start_demo(sandbox)
            current: str | None = self._demo_profile.name if self._demo_profile else None
        else:
            current = settings.current_profile or next(iter(self._profiles), None)
        self._ready = True
        self._refresh_profile_list(current)
        if current is not None and (current in self._profiles or self._is_demo(current)):
            self._select_profile(current)
        else:
            self.new_profile()
        # The keyring is probed (and imported) only when a profile of the user's needs it,
        # on a worker: the demo never touches it, and start-up stays fast.
        self.statusBar().showMessage(self.tr("Ready."), 4000)
        QTimer.singleShot(800, self._warm_up)

    def _install_event_filters(self) -> None:
        """Python event filters, installed with the storage (after the first paint)."""
        if self._curl_filter is not None:
            return
        # Ctrl+V in an empty cardholder form with a curl command on the clipboard imports it.
        self._curl_filter = PasteFilter(self._paste_curl_into_empty_form, self)
        for edit in self.cardholder.rows.inputs.values():
            edit.installEventFilter(self._curl_filter)
        # A light/dark switch redraws the eyes of the masked fields in the new palette.
        self.installEventFilter(PaletteWatcher(self._refresh_secret_icons, self))

    def _refresh_secret_icons(self) -> None:
        for edit in self.findChildren(SecretLineEdit):
            edit.refresh_icon()

    def _start_demo(self, sandbox: DemoSource) -> None:
        profile, secrets, cardholder = sandbox.demo_partner()
        self._demo_profile = profile
        self._profiles.pop(profile.name, None)  # a stale saved copy must not shadow it
        self._session_secrets[profile.name] = secrets
        self._demo_cardholder = cardholder

    def _is_demo(self, name: str | None) -> bool:
        return self._demo_profile is not None and name == self._demo_profile.name

    def _warm_up(self) -> None:
        """Import the HTTP stack in the background, so the first Send is as quick as the rest."""
        if not self._closing:
            self._run_background(_import_http_stack, lambda _: forget_module_sources(),
                                 name="warm-up")

    def _show_secret_storage(self, value: tuple[bool, str] | None) -> None:
        """Say where secrets go; ``None`` means "as last found" (or not yet known)."""
        persistent, notice = value if value is not None else (self._keyring_state or
                                                               (True, ""))
        if self._is_demo(self._current):
            text = self.tr("Demo secrets: in memory only")
        elif self._secret_store is None:
            text = self.tr("Secrets: this session only")
        elif self._keyring_state is None:
            text = ""
        elif persistent:
            text = self.tr("Secrets: system keyring")
        else:
            text = self.tr("Secrets: this session only")
        self.storage_label.setText(text)
        if notice:
            self._keyring_notice = tr_core(str(notice))
        if self._keyring_notice and not self._is_demo(self._current):
            # Only relevant once the user works with a profile of their own.
            self.show_notice(self._keyring_notice)
            self._keyring_notice = ""

    def show_notice(self, text: str) -> None:
        current = self.notice_label.text()
        self.notice_label.setText(f"{current}\n{text}" if current and
                                  not self.notice_bar.isHidden() else text)
        self.notice_bar.show()

    # =============================================================== profiles

    def _refresh_profile_list(self, current: str | None) -> None:
        names = list(self._profiles)
        if self._demo_profile is not None:
            names.insert(0, self._demo_profile.name)
        self.partner.set_profiles(names, current or "")
        if current is None:
            self.partner.profile_combo.setCurrentIndex(-1)

    def _choose_profile(self, name: str) -> None:
        if name and name != self._current:
            self._select_profile(name)

    def _select_profile(self, name: str) -> None:
        """Show profile ``name``; its secrets come from memory (demo) or the keyring."""
        profile = self._demo_profile if self._is_demo(name) else self._profiles.get(name)
        if profile is None:
            return
        self._current = name
        known = self._session_secrets.get(name) or self._saved_secrets.get(name)
        self.partner.load(profile, known or core.Secrets())
        if self._is_demo(name) and self._demo_cardholder is not None:
            self.cardholder.load(self._demo_cardholder)
        elif known is None and self._secret_store is not None:
            store = self._secret_store
            self._run_background(lambda: (store.load(name), store.persistent, store.notice),
                                 lambda value: self._secrets_loaded(name, value),
                                 name="load-secrets")
        self._refresh_profile_list(name)
        self._show_secret_storage(None)
        self._revalidate()

    def _secrets_loaded(self, name: str, value: object) -> None:
        assert isinstance(value, tuple)
        secrets, persistent, notice = value
        self._keyring_state = (bool(persistent), str(notice))
        self._show_secret_storage(self._keyring_state)
        if not isinstance(secrets, core.Secrets):
            return
        self._saved_secrets[name] = secrets
        typed = self.partner.secrets()
        if name == self._current and typed == core.Secrets():
            self.partner.load_secrets(secrets)
        self._revalidate()

    def new_profile(self) -> None:
        """Start an empty profile (saved only when the user clicks Save)."""
        self._current = None
        self.partner.load(core.Profile(name=self.tr("New profile"),
                                       environment=core.Environment.UAT), core.Secrets())
        self._refresh_profile_list(None)
        self._revalidate()
        self.partner.name_edit.setFocus()
        self.partner.name_edit.selectAll()

    def duplicate_profile(self) -> None:
        """A copy of the profile on screen, as a new unsaved profile (never managed)."""
        if not self._ready or self._call is not None:
            return
        original = self.partner.profile()
        taken = set(self._profiles) | ({self._demo_profile.name} if self._demo_profile else set())
        name = self.tr("%s (copy)") % original.name.strip()
        number = 2
        while name in taken:
            name = self.tr("%s (copy %d)") % (original.name.strip(), number)
            number += 1
        secrets = self.partner.secrets()
        self._current = None
        self.partner.load(original.with_changes(name=name, managed=False), secrets)
        self._refresh_profile_list(None)
        self._revalidate()
        self.partner.name_edit.setFocus()
        self.partner.name_edit.selectAll()
        self._status(self.tr("A copy was made. Rename it if you like, then click Save."))

    def save_profile(self) -> None:
        """Save the profile as typed: settings on a worker, secrets to the keyring on one."""
        if not self._ready or self._is_demo(self._current) or self._call is not None:
            return
        try:
            from enkash_desktop.core.validation import validate_profile

            profile = validate_profile(self.partner.profile())
        except core.EnkashError as exc:
            dialogs.inform(self, self.tr("Save profile"), tr_core(exc.message), warning=True)
            return
        secrets = self.partner.secrets()
        old = self._current
        name = profile.name
        clash = name != old and (name in self._profiles or self._is_demo(name))
        if clash and (self._is_demo(name) or not dialogs.ask(
                self, self.tr("Replace profile"),
                self.tr("A profile called “%s” already exists. Replace it?") % name,
                accept_label=self.tr("Replace"))):
            return
        profiles = {}
        for key, value in self._profiles.items():
            if key == old:
                profiles[name] = profile
            elif key != name:
                profiles[key] = value
        profiles.setdefault(name, profile)
        self._profiles = profiles
        self._current = name
        self._saved_secrets[name] = secrets
        self.partner.load(profile)  # the trimmed values become the saved baseline
        self._refresh_profile_list(name)
        store = self._secret_store
        if store is not None:
            renamed = old if old and old != name else None

            def save_secrets() -> tuple[bool, str]:
                store.save(name, secrets)
                if renamed:
                    store.delete_profile(renamed)
                return store.persistent, store.notice

            def saved(value: object) -> None:
                if isinstance(value, tuple):
                    self._keyring_state = (bool(value[0]), str(value[1]))
                    self._show_secret_storage(self._keyring_state)

            self._run_background(save_secrets, saved, name="save-secrets")
        self._save_settings_async()
        self._revalidate()
        self._status(self.tr("The profile “%s” was saved.") % name)

    def delete_profile(self) -> None:
        name = self._current
        if not self._ready or name is None or self._is_demo(name) or self._call is not None:
            return
        if not dialogs.ask(self, self.tr("Delete profile"),
                           self.tr("Delete the profile “%s” and its stored secrets?") % name,
                           accept_label=self.tr("Delete"), danger=True):
            return
        self._profiles.pop(name, None)
        self._saved_secrets.pop(name, None)
        store = self._secret_store
        if store is not None:
            self._run_background(lambda: store.delete_profile(name), None,
                                 name="delete-secrets")
        self._save_settings_async()
        following = next(iter(self._profiles), None) or (
            self._demo_profile.name if self._demo_profile else None)
        if following is None:
            self.new_profile()
        else:
            self._select_profile(following)
        self._status(self.tr("The profile “%s” was deleted.") % name)

    def _settings_snapshot(self) -> Any:
        from enkash_desktop.store.settings import Settings

        current = self._current if self._current in self._profiles else ""
        if not current and self._settings_store is not None:
            current = next(iter(self._profiles), "")
        return Settings(profiles=tuple(self._profiles.values()), current_profile=current,
                        preferences=dict(self._preferences))

    def _save_settings_async(self) -> None:
        store = self._settings_store
        if store is None or self._read_only_settings:
            return
        snapshot = self._settings_snapshot()
        lock = self._save_lock

        def save() -> None:
            with lock:
                store.save(snapshot)

        self._run_background(save, None, self._settings_failed, name="save-settings")

    def _settings_failed(self, exc: object) -> None:
        self.show_notice(str(getattr(exc, "message", exc)))

    # =============================================================== validation

    def _revalidate(self) -> None:
        """Ask the core what is wrong with the form and show it; decide whether Send works."""
        p_problems: dict[str, str] = {}
        s_problems: dict[str, str] = {}
        c_problems: dict[str, str] = {}
        if self._ready:  # before attach() nothing is loaded and nothing can be sent
            from enkash_desktop.core.validation import (
                cardholder_problems,
                id_warning,
                profile_problems,
                secret_problems,
            )

            profile = self.partner.profile()
            secrets = self.partner.secrets()
            cardholder = self.cardholder.cardholder()
            p_problems = profile_problems(profile)
            s_problems = secret_problems({k: getattr(secrets, k) for k in core.Secrets.KINDS})
            c_problems = cardholder_problems(cardholder)
            p_warnings = {"partner_id": id_warning(profile.partner_id) or ""}
            c_warnings = {key: id_warning(getattr(cardholder, key)) or ""
                          for key in ("card_account_id", "company_id", "enkash_card_id")}
            self.partner.show_problems({**p_problems, **s_problems},
                                       {k: tr_core(v) for k, v in p_warnings.items()})
            self.cardholder.show_problems({k: tr_core(v) for k, v in c_problems.items()},
                                          {k: tr_core(v) for k, v in c_warnings.items()})
        problems = [*p_problems.values(), *s_problems.values(), *c_problems.values()]
        busy = self._call is not None
        if not self._ready:
            blocker = self.tr("Enkash Desktop is still starting.")
        elif busy:
            blocker = self.tr("A call is in progress.")
        elif problems:
            blocker = tr_core(problems[0])
        else:
            blocker = ""
        self._send_blocker = blocker
        self.send_button.setEnabled(not blocker)
        self.send_action.setEnabled(not blocker)
        self.send_button.setToolTip(
            self.tr("Send is not available: %s") % blocker if blocker else
            self.tr("Mint an SSO token for the cardholder (Ctrl+Enter)."))
        self.send_button.setAccessibleDescription(self.send_button.toolTip())
        p_blocker = ("" if self._ready and not busy and not p_problems and not s_problems
                     else (self.tr("A call is in progress.") if busy else
                           tr_core(next(iter({**p_problems, **s_problems}.values()), ""))
                           or self.tr("Enkash Desktop is still starting.")))
        self.partner.get_token_button.setEnabled(not p_blocker)
        self.token_action.setEnabled(not p_blocker)
        self.partner.get_token_button.setToolTip(
            self.tr("Get token is not available: %s") % p_blocker if p_blocker else
            self.tr("Log in with the profile's credentials and keep the bearer token "
                    "(Ctrl+T)."))
        demo = self._is_demo(self._current)
        can_save = self._ready and not demo and not busy
        self.partner.save_button.setEnabled(can_save)
        self.save_action.setEnabled(can_save)
        self.partner.save_button.setToolTip(
            self.tr("The demo profile lives for this session only; click New to make your "
                    "own.") if demo else self.tr("Save the profile (Ctrl+S). Secrets go to "
                                                 "the system keyring."))
        self.partner.delete_button.setEnabled(self._ready and not demo and not busy
                                              and self._current is not None)
        if self._ready:  # before, the form is empty and the title is the program's name
            self.production_banner.setVisible(profile.is_production)
            self.setWindowModified(self._is_modified(profile, secrets))
            self.setWindowTitle(self.tr("%s — Enkash Desktop[*]") % (profile.name.strip() or
                                                                    self.tr("New profile")))
        self._update_countdown()

    def _is_modified(self, profile: Profile, secrets: Secrets) -> bool:
        if self._is_demo(self._current):
            return False
        saved = self._profiles.get(self._current or "")
        if saved is None:
            return self._ready
        if profile != saved:
            return True
        known = self._saved_secrets.get(saved.name)
        return known is not None and known != secrets

    @property
    def send_blocker(self) -> str:
        """Why Send is disabled, or an empty string when it is enabled."""
        return self._send_blocker

    # =============================================================== client

    def _client_for(self, profile: Profile, secrets: Secrets) -> EnkashClient:
        """The client for these exact settings; a change of any field means a new client."""
        key = (profile, secrets)
        if self._client is not None and self._client_key == key:
            return self._client
        from enkash_desktop.core.client import EnkashClient
        from enkash_desktop.store.logs import remember_secrets

        remember_secrets(secrets.values())  # the log filter masks them wherever they appear
        old = self._client
        if old is not None and old is not self._call_client:
            old.close()
        if self._is_demo(profile.name):
            failures = self._demo_failures = self._demo_failures or core.MemoryFailureCounter()
        else:
            failures = self._failures = self._failures or core.MemoryFailureCounter()
        self._client = EnkashClient(profile, secrets, failures=failures)
        self._client_key = key
        return self._client

    def _current_client(self) -> EnkashClient | None:
        if self._client is None:
            return None
        key = (self.partner.profile(), self.partner.secrets())
        return self._client if self._client_key == key else None

    def _update_countdown(self) -> None:
        client = self._current_client()
        token = client.token if client is not None else None
        if token is None:
            self._show_token_status(self.tr("No token yet."), "")
            return
        left = token.seconds_left()
        if left <= 0:
            self._show_token_status(self.tr("The token has expired; click Get token."),
                                    "color: {};".format(_accent("error")))
            return
        whole = int(left)
        self._show_token_status(
            self.tr("Token valid for %d:%02d") % (whole // 60, whole % 60),
            "color: {};".format(_accent("warning" if left < WARNING_SECONDS else "success")))

    def _show_token_status(self, text: str, style: str) -> None:
        """Set the token line; unchanged values are not set again (a style sheet repolishes
        the label, and this runs twice a second and on every keystroke)."""
        label = self.partner.token_status
        if label.text() != text:
            label.setText(text)
        if label.styleSheet() != style:
            label.setStyleSheet(style)

    def token_seconds_left(self) -> float | None:
        """Seconds of life of the current bearer token, or None when there is none."""
        client = self._current_client()
        token = client.token if client is not None else None
        return token.seconds_left() if token is not None else None

    # =============================================================== calls

    def send(self) -> None:
        """Mint an SSO token for the cardholder on a worker (the window stays responsive)."""
        self._revalidate()
        if self._send_blocker or self._call is not None:
            return
        profile = self.partner.profile()
        if profile.is_production and profile.name not in self._production_confirmed:
            if not dialogs.ask(
                    self, self.tr("Send to production"),
                    self.tr("This profile points at EnKash production. Sending mints a real "
                            "SSO token for a real cardholder."),
                    informative=self.tr("You are asked once per session for each production "
                                        "profile. Do you want to send?"),
                    accept_label=self.tr("Send to production"), danger=True):
                self._status(self.tr("Nothing was sent."))
                return
            self._production_confirmed.add(profile.name)
        self._start_send(confirmed_login=False)

    def _start_send(self, *, confirmed_login: bool) -> None:
        client = self._client_for(self.partner.profile(), self.partner.secrets())
        cardholder = self.cardholder.cardholder()

        def job() -> object:
            if confirmed_login:
                try:
                    client.fetch_token(confirmed=True)
                except core.EnkashError as exc:
                    return exc
            result = client.send_sso(cardholder)
            # The redacted texts are made on first read: read them here, on the worker.
            _ = result.reply_redacted, result.request_redacted
            return result

        self._start_call(job, client, self.tr("Sending…"), self._send_done)

    def _send_done(self, value: object) -> None:
        if isinstance(value, core.EnkashError):
            self.result.show_error(value)
            self.reply.show_reply("")
            self._status(tr_core(value.message))
            return
        if not isinstance(value, core.SsoResult):
            return
        if self._retry_if_confirmed(value.error,
                                    lambda: self._start_send(confirmed_login=True)):
            return
        self.result.show_result(value)
        self.reply.show_reply(value.reply_redacted)
        if self.history is not None:
            self.history.record_result(value)
        self._status(self.tr("The SSO token is ready.") if value.ok else
                     tr_core(value.error.message if value.error else ""))

    def get_token(self) -> None:
        """Log in at /oauth/token on a worker, asking first when a failure could lock."""
        self._revalidate()
        if not self.partner.get_token_button.isEnabled() or self._call is not None:
            return
        self._start_login(self._client_for(self.partner.profile(), self.partner.secrets()),
                          confirmed=False)

    def _start_login(self, client: EnkashClient, *, confirmed: bool) -> None:
        """The login runs on the worker, lockout check included (the failure count is a
        file): a login that needs a confirmation comes back as LOCKOUT_RISK before anything
        is sent, the user is asked, and a yes starts it again, confirmed."""

        def failed(exc: object) -> None:
            if not self._retry_if_confirmed(
                    exc, lambda: self._start_login(client, confirmed=True)):
                self._token_failed(exc)

        self._start_call(lambda: client.fetch_token(confirmed=confirmed), client,
                         self.tr("Getting a token…"), self._token_done, failed)

    def _token_done(self, _value: object) -> None:
        self._update_countdown()
        left = self.token_seconds_left() or 0.0
        self.result.show_running(self.tr("A bearer token was received."))
        self.result.outcome.setStyleSheet("color: {};".format(_accent("success")))
        self.result.hint.setText(self.tr("It is valid for %d minutes; press Send to mint an "
                                         "SSO token.") % max(1, round(left / 60)))
        self.result.hint.show()
        self._status(self.tr("A bearer token was received."))

    def _token_failed(self, exc: object) -> None:
        if isinstance(exc, core.EnkashError):
            self.result.show_error(exc)
            self._status(tr_core(exc.message))
        else:
            self._report_bug(exc, "getting a bearer token")

    def _retry_if_confirmed(self, error: object, retry: Callable[[], None]) -> bool:
        """After a LOCKOUT_RISK, ask; on yes, ``retry`` (confirmed) on the next turn."""
        if not (isinstance(error, core.EnkashError) and error.kind is core.ErrorKind.LOCKOUT_RISK
                and self._confirm_lockout(error)):
            return False
        QTimer.singleShot(0, retry)
        return True

    def _confirm_lockout(self, error: EnkashError) -> bool:
        message = error.message if error.message != error.sentence else self.tr(
            "Two logins in a row have failed. If this login fails too, the partner's account "
            "will be locked.")
        return dialogs.ask(
            self, self.tr("The account could be locked"), tr_core(message),
            informative=self.tr("The account will be locked on one more failure. Check the "
                                "login user, password, client id and client secret carefully "
                                "before you try again."),
            accept_label=self.tr("Try once more"), danger=True)

    def _start_call(self, fn: Callable[[], object], client: EnkashClient, text: str,
                    on_success: Callable[[object], None],
                    on_failure: Callable[[object], None] | None = None) -> None:
        job = self._worker.run(fn, on_success=on_success,
                               on_failure=on_failure or self._call_crashed,
                               on_finished=self._call_finished, name="call")
        if job is None:  # the window is closing
            return
        self._call = job
        self._call_client = client
        self._set_busy(True, text)

    def _call_crashed(self, exc: object) -> None:
        self._report_bug(exc, "sending a call")

    def _report_bug(self, exc: object, context: str) -> None:
        """Not one of our errors: a fault in the program, logged and shown as one."""
        from .crash_dialog import report_bug

        self.result.show_fault()
        self._status(self.tr("The call was not finished because of a fault in Enkash Desktop."))
        if not isinstance(exc, BaseException):
            exc = RuntimeError(repr(exc))
        self.crash_dialog = report_bug(self, exc, context, self.export_diagnostics)

    def _call_finished(self, job: Job) -> None:
        # The result is on screen; the window leaves its busy state on the next event-loop
        # turn, so the result is painted in between (two short turns, not one long one).
        QTimer.singleShot(0, lambda: self._leave_busy(job))

    def _leave_busy(self, job: Job) -> None:
        if self._call is not job:  # a confirmed retry has already started the next call
            return
        finished = self._call_client
        self._call = None
        self._call_client = None
        if finished is not None and finished is not self._client:
            finished.close()  # replaced while it ran: the partner's fields were edited
        if not self._closing:
            self._set_busy(False, "")

    def cancel_call(self) -> None:
        """Abort the call in progress (Esc); its result comes back as 'cancelled'."""
        if self._call is None or self._call_client is None:
            return
        # Not job.cancel(): the call still reports, as "cancelled", and that is shown.
        self._call_client.cancel()
        self.result.show_running(self.tr("Cancelling…"))

    def _set_busy(self, busy: bool, text: str) -> None:
        self.partner.set_busy(busy)
        self.cardholder.set_busy(busy)
        self.cancel_button.setEnabled(busy)
        self.cancel_action.setEnabled(busy)
        self.busy_bar.setVisible(busy)
        if busy:
            self.result.show_running(text)
            self._busy_text = text
            self._elapsed.start()
            self._elapsed_timer.start()
            self._show_elapsed()
        else:
            self._elapsed_timer.stop()
            if self._elapsed.isValid():
                self.elapsed_label.setText(self.tr("Took %.1f s") %
                                           (self._elapsed.elapsed() / 1000))
        self._revalidate()
        if not busy and self.focusWidget() is None:
            self.send_button.setFocus()

    def _show_elapsed(self) -> None:
        self.elapsed_label.setText(self.tr("%.1f s — press Esc to cancel") %
                                   (self._elapsed.elapsed() / 1000))

    @property
    def busy(self) -> bool:
        return self._call is not None

    def _run_background(self, fn: Callable[[], object],
                        on_success: Callable[[object], None] | None,
                        on_failure: Callable[[object], None] | None = None,
                        *, name: str = "background") -> Job | None:
        """Run ``fn`` on the private pool; results are dropped once the window closes."""
        return self._worker.run(fn, on_success=on_success, on_failure=on_failure, name=name)

    @property
    def _worker(self) -> Worker:
        if self._worker_instance is None:
            from .worker import Worker  # with its thread pool, after the first paint

            self._worker_instance = Worker(self, max_threads=4, expiry_timeout_ms=5000,
                                           name="window")
        return self._worker_instance

    def wait_for_background(self, timeout_ms: int = 5000) -> bool:
        """Wait for every pool task (tests and close)."""
        return self._worker.wait_for_idle(timeout_ms)

    # =============================================================== copying

    def _curl(self, *, reveal: bool) -> str | None:
        from enkash_desktop.core.curl import to_curl

        client = self._client_for(self.partner.profile(), self.partner.secrets())
        try:
            return to_curl(client.preview_sso(self.cardholder.cardholder()),
                           reveal_secrets=reveal)
        except core.EnkashError as exc:
            self._status(tr_core(exc.message))
            return None

    def copy_curl(self) -> None:
        """Copy the SSO call as a curl command with every secret masked."""
        text = self._curl(reveal=False)
        if text is not None:
            QGuiApplication.clipboard().setText(text)
            self._status(self.tr("The request was copied as a cURL command, with secrets "
                                 "masked."))

    def copy_curl_with_secrets(self) -> None:
        """Copy the SSO call with its real secrets, after the user confirms."""
        if not dialogs.ask(
                self, self.tr("Copy secrets"),
                self.tr("The command will contain the bearer token and cookie in clear text."),
                informative=self.tr("Anyone who sees it can act as your partner account until "
                                    "the token expires. Paste it only somewhere private."),
                accept_label=self.tr("Copy with secrets"), danger=True):
            return
        text = self._curl(reveal=True)
        if text is not None:
            QGuiApplication.clipboard().setText(text)
            self._status(self.tr("The request was copied as a cURL command, with its "
                                 "secrets."))

    # =============================================================== pasting cURL

    def _ask_curl_text(self, initial: str) -> str | None:
        """The command to import, from a small dialog (tests replace this method)."""
        from .curl_paste import ask_curl_text

        return ask_curl_text(self, initial)

    def paste_curl(self) -> None:
        """Edit → Paste cURL…: a text box prefilled from the clipboard, then import it."""
        if not self._ready or self._call is not None:
            return
        from .curl_paste import looks_like_curl

        clipboard = QGuiApplication.clipboard().text()
        text = self._ask_curl_text(clipboard if looks_like_curl(clipboard) else "")
        if text and text.strip():
            self.import_curl(text)

    def _paste_curl_into_empty_form(self) -> bool:
        """Ctrl+V in the cardholder form: import a curl command when the form is empty."""
        from .curl_paste import looks_like_curl

        holder = self.cardholder.cardholder()
        empty = not any(getattr(holder, key).strip() for key in
                        ("card_account_id", "company_id", "enkash_card_id"))
        text = QGuiApplication.clipboard().text()
        if not empty or not looks_like_curl(text) or self._call is not None or not self._ready:
            return False
        self.import_curl(text)
        return True

    def import_curl(self, text: str) -> bool:
        """Fill the form from a curl command; secrets only after the user says yes.

        Base URL and partner id go to the profile, the ids to the cardholder form, and the
        Authorization and Cookie only into the profile's secret fields (never the history or
        the log). Everything the core noticed is shown; nothing is dropped silently.
        """
        from dataclasses import replace

        from enkash_desktop.core.crypto import derive_key
        from enkash_desktop.core.curl_import import parse_curl
        from enkash_desktop.core.models import PayloadEncryption

        from .curl_paste import import_notes

        title = self.tr("Paste cURL")
        profile = self.partner.profile()
        secrets = self.partner.secrets()
        key: bytes | None = None
        if profile.encryption is not PayloadEncryption.OFF:
            try:
                key = derive_key(secrets.client_secret, profile.encryption)
            except core.EnkashError:
                key = None  # the core then explains that the body cannot be read
        try:
            imported = parse_curl(text, decrypt_key=key)
        except core.EnkashError as exc:
            message = tr_core(exc.message)
            dialogs.inform(self, title, message, warning=True)
            self._status(message)
            return False

        notes: list[str] = []
        base_url = imported.base_url.rstrip("/")
        if base_url != profile.base_url.strip().rstrip("/"):
            if profile.managed:
                notes.append(self.tr("The command calls %s, but this profile's base URL is "
                                     "set by your administrator, so it was kept.") % base_url)
            else:
                if profile.base_url.strip():
                    notes.append(self.tr("The base URL was changed from %s to %s.")
                                 % (profile.base_url.strip(), base_url))
                self.partner.base_url_edit.setText(base_url)
        if imported.partner_id and imported.partner_id != profile.partner_id.strip():
            if profile.partner_id.strip():
                notes.append(self.tr("The partner id was changed from %s to %s.")
                             % (profile.partner_id.strip(), imported.partner_id))
            self.partner.partner_id_edit.setText(imported.partner_id)
        admin = self.cardholder.cardholder().admin  # a curl command does not say
        self.cardholder.load(replace(imported.cardholder, admin=admin))

        if imported.has_secrets:
            found = [name for name, value in ((self.tr("a bearer token (Authorization)"),
                                               imported.authorization),
                                              (self.tr("a cookie"), imported.cookie)) if value]
            if dialogs.ask(
                    self, self.tr("Use the command's secrets"),
                    self.tr("The command contains %s. Put them in this profile's secret "
                            "fields?") % self.tr(" and ").join(found),
                    informative=self.tr("They go only into the Manual token fields of the "
                                        "profile, replacing what is there; they are never "
                                        "written to the history or the log. Choose Cancel "
                                        "to keep the current secrets."),
                    accept_label=self.tr("Use the secrets")):
                from enkash_desktop.store.logs import remember_secrets

                new = replace(secrets, authorization=imported.authorization or
                              secrets.authorization, cookie=imported.cookie or secrets.cookie)
                remember_secrets(new.values())
                self.partner.load_secrets(new)
            else:
                notes.append(self.tr("The command's secrets were not used; the profile's "
                                     "secret fields were left as they were."))
        notes += import_notes(imported)
        self._revalidate()
        self.cardholder.card_account_edit.setFocus()
        if notes:
            dialogs.inform(self, title, self.tr("The request was imported. Please check "
                                                "these points before you send:"),
                           informative="\n".join(f"• {note}" for note in notes))
        self._status(self.tr("The request was imported from the curl command. Check it and "
                             "press Send."))
        return True

    # =============================================================== batch

    def open_batch(self) -> None:
        """File → Batch from CSV…: the batch dialog for the current profile."""
        if not self._ready or self._closing:
            return
        from .batch_dialog import BatchDialog

        dialog = self.batch_dialog
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            return
        if dialog is not None:
            dialog.deleteLater()
        dialog = BatchDialog(self, prepare_client=self._batch_client,
                             history_store=self._history_store)
        dialog.history_changed.connect(self._batch_recorded)
        self.batch_dialog = dialog
        dialog.open()

    def _batch_client(self, rows: int) -> EnkashClient | None:
        """The window's client for the profile as typed, after the production question.

        Raises BAD_INPUT when the profile cannot send; None when the user declined.
        """
        self._revalidate()
        if self._call is not None:
            raise core.EnkashError(core.ErrorKind.BAD_INPUT,
                                   self.tr("A call is in progress; please wait for it to finish."))
        from enkash_desktop.core.validation import profile_problems, secret_problems

        profile = self.partner.profile()
        secrets = self.partner.secrets()
        typed = {k: getattr(secrets, k) for k in core.Secrets.KINDS}
        problems = [*profile_problems(profile).values(), *secret_problems(typed).values()]
        if problems:
            raise core.EnkashError(core.ErrorKind.BAD_INPUT,
                                   self.tr("The profile cannot send yet: %s")
                                   % tr_core(problems[0]))
        if profile.is_production and not dialogs.ask(
                self.batch_dialog or self, self.tr("Batch in production"),
                self.tr("This profile points at EnKash production. The batch mints real SSO "
                        "tokens for %d real cardholders.") % rows,
                informative=self.tr("Do you want to start the batch?"),
                accept_label=self.tr("Start in production"), danger=True):
            return None
        return self._client_for(profile, secrets)

    def _batch_recorded(self) -> None:
        if self.history is not None and not self._closing:
            self.history.reload()

    # =============================================================== misc

    # =============================================================== history

    @property
    def history_store(self) -> HistoryStore | None:
        """The history database the window records into, once it is open."""
        return self._history_store

    def open_history(self, opener: Callable[[], HistoryStore | None]) -> None:
        """Open the history on a worker, then show its tab (the GUI thread never waits)."""
        def opened(store: object) -> None:
            if store is not None:
                self._attach_history(store)  # type: ignore[arg-type]

        self._run_background(opener, opened, name="open history")

    def _attach_history(self, store: HistoryStore) -> None:
        from .history_panel import HistoryPanel

        self.history = HistoryPanel(store=store)
        self._history_store = store
        self.history.send_again_requested.connect(self._send_again)
        self.history.failed.connect(self._status)
        self.history.set_profiles(sorted(self._profiles))
        self.lower_tabs.addTab(self.history, self.tr("&History"))
        if store.notice:
            self.show_notice(store.notice)
        days = self._preferences.get(PREF_RETENTION_DAYS, DEFAULT_RETENTION_DAYS)
        rows = self._preferences.get(PREF_RETENTION_ROWS, DEFAULT_RETENTION_ROWS)

        def retention() -> object:
            return store.apply_retention(days if isinstance(days, int) else None,
                                         rows if isinstance(rows, int) else None)

        self._run_background(retention, None, name="history retention")

    def _send_again(self, cardholder: Cardholder) -> None:
        """Refill the form from a past call; the user presses Send (nothing is sent here)."""
        self.cardholder.load(cardholder)
        self.lower_tabs.setCurrentWidget(self.reply)
        self.cardholder.card_account_edit.setFocus()
        self._status(self.tr("The form was filled from the history. Press Send to send."))

    # =============================================================== support

    def open_log_folder(self) -> None:
        """Show the log folder in the file manager (for support tickets)."""
        if self._paths is None:
            return
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        self._paths.log_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._paths.log_dir)))

    def _choose_diagnostics_path(self) -> str:
        import time

        from PySide6.QtWidgets import QFileDialog

        name = time.strftime("enkash-desktop-diagnostics-%Y%m%d-%H%M%S.zip")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export diagnostics"), name, self.tr("Zip files (*.zip)"))
        return path

    def export_diagnostics(self) -> None:
        """Write a zip of redacted logs, settings and versions, on a worker."""
        if self._paths is None:
            return
        target = self._choose_diagnostics_path()
        if not target:
            return
        from pathlib import Path

        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion

        paths = self._paths
        extra = {"qt": qVersion(), "pyside6": pyside_version,
                 "platform_plugin": QGuiApplication.platformName()}

        def job() -> object:
            from enkash_desktop.store.diagnostics import export_diagnostics

            return export_diagnostics(paths, Path(target), extra)

        def done(value: object) -> None:
            self._status(self.tr("Diagnostics were saved to %s. They contain no secrets.")
                         % target)

        def failed(exc: object) -> None:
            dialogs.inform(self, self.tr("Export diagnostics"),
                           self.tr("The diagnostics could not be saved."),
                           informative=str(exc), warning=True)

        self._run_background(job, done, failed, name="diagnostics")

    def _status(self, text: str) -> None:
        if not self._closing:
            self.statusBar().showMessage(text, 8000)

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self, self.tr("About Enkash Desktop"),
            self.tr("<h3>Enkash Desktop %s</h3>"
                    "<p>Mint an EnKash rewards single sign-on token for a cardholder and open "
                    "the rewards portal as that cardholder.</p>"
                    "<p>Secrets are kept in the system keyring and are never written to "
                    "disk.</p>") % __version__)

    def _restore_layout(self) -> None:
        prefs = self._preferences
        geometry = _from_b64(prefs.get(PREF_GEOMETRY))
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = _from_b64(prefs.get(PREF_WINDOW_STATE))
        if state is not None:
            self.restoreState(state)
        for key, splitter in ((PREF_MAIN_SPLITTER, self.main_splitter),
                              (PREF_RESULT_SPLITTER, self.result_splitter)):
            data = _from_b64(prefs.get(key))
            if data is not None:
                splitter.restoreState(data)

    def _remember_layout(self) -> None:
        self._preferences[PREF_GEOMETRY] = _b64(self.saveGeometry())
        self._preferences[PREF_WINDOW_STATE] = _b64(self.saveState())
        self._preferences[PREF_MAIN_SPLITTER] = _b64(self.main_splitter.saveState())
        self._preferences[PREF_RESULT_SPLITTER] = _b64(self.result_splitter.saveState())

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop accepting results, cancel what runs, wait briefly, save the layout."""
        if self._closing:
            event.accept()
            return
        self._closing = True
        self._countdown.stop()
        self._elapsed_timer.stop()
        if self.batch_dialog is not None:
            self.batch_dialog.shutdown(CLOSE_WAIT_MS)
        if self._call_client is not None:
            self._call_client.cancel()
        # Taken now: shutdown() finishes a queued call at once, which forgets its client.
        clients = {self._client, self._call_client} - {None}
        # Stops results, cancels every job and drops the queued ones; waits below.
        self._worker.shutdown(0)
        if self._history_store is not None:
            self._history_store.interrupt()  # a long retention or count stops at once
        if self.history is not None:
            self.history.shutdown(CLOSE_WAIT_MS)
        if not self._worker.wait_for_idle(CLOSE_WAIT_MS):
            log.warning("a background task was still running when the window closed")
        if self._settings_store is not None and self._ready:
            self._remember_layout()
            if not self._read_only_settings:
                try:
                    with self._save_lock:
                        self._settings_store.save(self._settings_snapshot())
                except Exception as exc:  # the store's own error: log it, close anyway
                    log.warning("settings not saved at close: %s", exc)
        for client in clients:
            try:
                client.close()  # type: ignore[union-attr]
            except Exception as exc:  # closing must never stop the window from closing
                log.warning("closing the HTTP client failed: %r", exc)
        event.accept()


def _accent(kind: str) -> str:
    from .widgets import ERROR_COLOR, SUCCESS_COLOR, WARNING_COLOR

    return {"error": ERROR_COLOR, "warning": WARNING_COLOR,
            "success": SUCCESS_COLOR}[kind].name()


def _import_http_stack() -> None:
    """Import the client and the HTTP stack off the GUI thread, before the first Send."""
    import httpcore  # noqa: F401
    import httpx  # noqa: F401

    import enkash_desktop.core.client  # noqa: F401

