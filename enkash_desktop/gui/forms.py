"""The partner panel: the profile (with its secrets); the cardholder form is re-exported.

Panels only collect values and show messages; what is valid is decided by
:mod:`enkash_desktop.core.validation`, which the window calls as the user types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from enkash_desktop import core
from enkash_desktop.core.choices import (
    ENCRYPTION_HELP,
    RULE_LABELS,
    SUGGESTED_AUTH_URLS,
    SUGGESTED_BASE_URLS,
    Environment,
    PayloadEncryption,
)

from .cardholder_form import CardholderForm
from .form_rows import FieldRows, form_layout, line_edit
from .qtprops import set_enum
from .widgets import (
    PRODUCTION_COLOR,
    SUCCESS_COLOR,
    WARNING_COLOR,
    Banner,
    SecretLineEdit,
    set_text_and_style,
)

if TYPE_CHECKING:  # the models load with the first profile, after the first paint
    from enkash_desktop.core.models import Profile, Secrets

PROFILE_TEXT_FIELDS = ("name", "base_url", "auth_base_url", "portal_url", "partner_id",
                       "portal_partner", "username", "oauth_client_id", "login_client_id")


def _say_if_managed(widget: QWidget, managed: bool) -> None:
    """A field the administrator set says so in its tooltip; its own tooltip comes back
    when another profile is shown."""
    if widget.property("ownToolTip") is None:
        widget.setProperty("ownToolTip", widget.toolTip())
        widget.setProperty("ownDescription", widget.accessibleDescription())
    locked = QCoreApplication.translate("PartnerPanel", "Set by your administrator; it cannot "
                                                        "be changed here.")
    widget.setToolTip(locked if managed else str(widget.property("ownToolTip")))
    widget.setAccessibleDescription(locked if managed else
                                    str(widget.property("ownDescription")))


class PartnerPanel(QWidget):
    """The partner's profile: chooser, URLs, ids, login details and secrets, Get token."""

    changed = Signal()
    profileChosen = Signal(str)
    newRequested = Signal()
    saveRequested = Signal()
    deleteRequested = Signal()
    getTokenRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: Profile | None = None  # the loaded profile, whose other fields are kept
        self._loading = False
        self.touched: set[str] = set()
        self._token_replaces_manual = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)
        chooser_label = self._build_profile(outer)
        self._build_connection(outer)
        self._build_login(outer)
        self._build_manual(outer)
        outer.addStretch(1)
        self.rows = (self.profile_rows, self.conn_rows, self.login_rows, self.manual_rows)
        labels = [chooser_label, *(label for rows in self.rows for label in rows.labels.values())]
        width = max(label.sizeHint().width() for label in labels)
        for row_label in labels:
            row_label.setMinimumWidth(width)
            set_enum(row_label, "alignment", "AlignRight|AlignVCenter")
        self._connect()
        self._environment_changed()

    def _build_profile(self, outer: QVBoxLayout) -> QLabel:
        """The chooser with New, Save and Delete; the name; the environment. Returns the
        chooser's label (aligned with the rows' labels)."""
        profile_box = QGroupBox(self.tr("Profile"))
        profile_form = form_layout()
        profile_box.setLayout(profile_form)
        self.profile_rows = FieldRows(profile_form)

        chooser = QWidget()
        chooser_row = QHBoxLayout(chooser)
        chooser_row.setContentsMargins(0, 0, 0, 0)
        chooser_row.setSpacing(6)
        self.profile_combo = QComboBox()
        self.profile_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.profile_combo.setMinimumContentsLength(14)
        self.profile_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.profile_combo.setAccessibleName(self.tr("Profile"))
        self.new_button = QToolButton()
        self.new_button.setText(self.tr("New"))
        self.new_button.setAccessibleName(self.tr("New profile"))
        self.new_button.setToolTip(self.tr("Start a new, empty profile."))
        self.save_button = QToolButton()
        self.save_button.setText(self.tr("Save"))
        self.save_button.setAccessibleName(self.tr("Save profile"))
        self.delete_button = QToolButton()
        self.delete_button.setText(self.tr("Delete"))
        self.delete_button.setAccessibleName(self.tr("Delete profile"))
        self.delete_button.setToolTip(self.tr("Delete this profile and its stored secrets."))
        chooser_row.addWidget(self.profile_combo, 1)
        for button in (self.new_button, self.save_button, self.delete_button):
            set_enum(button, "toolButtonStyle", "ToolButtonTextOnly")
            chooser_row.addWidget(button)
        chooser_label = QLabel(self.tr("&Profile"))
        chooser_label.setBuddy(self.profile_combo)
        profile_form.addRow(chooser_label, chooser)

        self.name_edit = self.profile_rows.add(
            "name", self.tr("Profile &name"), line_edit(self.tr("For example: Acme HRMS (UAT)")))
        self.environment_combo = QComboBox()
        for env, text in (
            (Environment.SANDBOX, self.tr("Sandbox (this computer)")),
            (Environment.UAT, self.tr("UAT (testing)")),
            (Environment.PRODUCTION, self.tr("Production")),
            (Environment.CUSTOM, self.tr("Custom")),
        ):
            self.environment_combo.addItem(text, env.value)
        self.production_badge = Banner(PRODUCTION_COLOR)
        self.production_badge.setText(self.tr("LIVE"))
        self.production_badge.setMargin(2)
        self.production_badge.setToolTip(self.tr("This profile talks to EnKash production."))
        self.production_badge.setAccessibleName(self.tr("Production profile"))
        self.sandbox_badge = Banner(SUCCESS_COLOR)
        self.sandbox_badge.setText(self.tr("DEMO"))
        self.sandbox_badge.setMargin(2)
        self.sandbox_badge.setToolTip(self.tr("The built-in EnKash simulator on this computer "
                                              "answers; no real account is used."))
        badges = QWidget()
        badge_row = QHBoxLayout(badges)
        badge_row.setContentsMargins(0, 0, 0, 0)
        badge_row.setSpacing(0)
        badge_row.addWidget(self.production_badge)
        badge_row.addWidget(self.sandbox_badge)
        self.profile_rows.add("environment", self.tr("&Environment"), self.environment_combo,
                              extra=badges)
        self.profile_rows.order.remove(badges)
        outer.addWidget(profile_box)
        return chooser_label

    def _build_connection(self, outer: QVBoxLayout) -> None:
        """URLs, partner id, SSO partner name, timeout and payload encryption."""
        conn_box = QGroupBox(self.tr("Connection"))
        conn_form = form_layout()
        conn_box.setLayout(conn_form)
        self.conn_rows = FieldRows(conn_form)
        self.base_url_edit = self.conn_rows.add(
            "base_url", self.tr("&Base URL"), line_edit(SUGGESTED_BASE_URLS[0]),
            help_text=self.tr("Where the SSO call goes, for example %s.") % SUGGESTED_BASE_URLS[0])
        self.auth_url_edit = self.conn_rows.add(
            "auth_base_url", self.tr("&Auth base URL"),
            line_edit(self.tr("Same as the base URL")),
            help_text=self.tr("Where /oauth/token is, for example %s. Leave empty to use the "
                              "base URL.") % SUGGESTED_AUTH_URLS[0])
        self.portal_url_edit = self.conn_rows.add(
            "portal_url", self.tr("Portal U&RL"), line_edit(),
            help_text=self.tr("The rewards portal. Leave empty to use the environment's "
                              "portal."))
        self.partner_id_edit = self.conn_rows.add(
            "partner_id", self.tr("Partner &id"), line_edit(self.tr("For example: CRMXWB3ZM")))
        self.portal_partner_edit = self.conn_rows.add(
            "portal_partner", self.tr("SSO partner na&me"), line_edit(self.tr("For example: hrms")),
            help_text=self.tr("The partner's short name in the portal link."))
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(1.0, 600.0)
        self.timeout_spin.setDecimals(1)
        self.timeout_spin.setSingleStep(5.0)
        self.timeout_spin.setSuffix(self.tr(" s"))
        self.conn_rows.add("timeout_s", self.tr("&Timeout"), self.timeout_spin,
                           help_text=self.tr("How long to wait for the server's answer."))
        self.encryption_combo = QComboBox()
        for rule, label in RULE_LABELS.items():
            self.encryption_combo.addItem(
                QCoreApplication.translate("EnkashError", label), rule.value)
        self.encryption_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.encryption_combo.setMinimumContentsLength(14)
        help_text = QCoreApplication.translate("EnkashError", ENCRYPTION_HELP)
        self.conn_rows.add("encryption", self.tr("Payload encr&yption"),
                           self.encryption_combo, help_text=help_text)
        self.encryption_combo.setWhatsThis(help_text)
        # A note of its own (not the field's message line, which validation rewrites).
        self.encryption_note = QLabel(self.tr("ECB is weak; EnKash's API requires it."))
        self.encryption_note.setWordWrap(True)
        set_enum(self.encryption_note, "textFormat", "PlainText")
        self.encryption_note.setStyleSheet(f"color: {WARNING_COLOR.name()};")
        self.encryption_note.setAccessibleName(self.tr("Payload encryption note"))
        self.encryption_note.setToolTip(help_text)
        self.encryption_note.hide()
        # Under the combo, above its message line (added after it, when there is one).
        self.conn_rows.columns["encryption"].addWidget(self.encryption_note)
        outer.addWidget(conn_box)

    def _build_login(self, outer: QVBoxLayout) -> None:
        """The password grant's details and secrets, with Get token and its countdown."""
        login_box = QGroupBox(self.tr("Login"))
        login_form = form_layout()
        login_box.setLayout(login_form)
        self.login_rows = FieldRows(login_form)
        self.username_edit = self.login_rows.add(
            "username", self.tr("Login &user"), line_edit(self.tr("Often a mobile number")))
        self.oauth_client_edit = self.login_rows.add(
            "oauth_client_id", self.tr("OAuth &client id"), line_edit())
        self.login_client_edit = self.login_rows.add(
            "login_client_id", self.tr("Lo&gin client id"),
            line_edit(self.tr("The partner's company id")))
        self.password_edit = self.login_rows.add(
            "password", self.tr("Pass&word"), SecretLineEdit())
        self.client_secret_edit = self.login_rows.add(
            "client_secret", self.tr("Client &secret"), SecretLineEdit())
        token_row = QWidget()
        token_layout = QHBoxLayout(token_row)
        token_layout.setContentsMargins(0, 2, 0, 0)
        self.get_token_button = QPushButton(self.tr("Get to&ken"))
        self.get_token_button.setAccessibleName(self.tr("Get token"))
        self.token_status = QLabel(self.tr("No token yet."))
        self.token_status.setAccessibleName(self.tr("Token status"))
        set_enum(self.token_status, "textInteractionFlags", "TextSelectableByMouse")
        token_layout.addWidget(self.get_token_button)
        token_layout.addWidget(self.token_status, 1)
        login_form.addRow("", token_row)
        outer.addWidget(login_box)

    def _build_manual(self, outer: QVBoxLayout) -> None:
        """A bearer token and cookie the user already has."""
        manual_box = QGroupBox(self.tr("Manual token (optional)"))
        manual_form = form_layout()
        manual_box.setLayout(manual_form)
        self.manual_rows = FieldRows(manual_form)
        self.authorization_edit = self.manual_rows.add(
            "authorization", self.tr("Aut&horization"), SecretLineEdit(),
            help_text=self.tr("A bearer token you already have; used when there is no token "
                              "from Get token."))
        self.manual_token_note = QLabel(self.tr(
            "Not used now: the token from Get token replaces it until that token expires."))
        self.manual_token_note.setWordWrap(True)
        set_enum(self.manual_token_note, "textFormat", "PlainText")
        self.manual_token_note.setStyleSheet(f"color: {WARNING_COLOR.name()};")
        self.manual_token_note.setAccessibleName(self.tr("Authorization note"))
        self.manual_token_note.hide()
        self.manual_rows.columns["authorization"].addWidget(self.manual_token_note)
        self.cookie_edit = self.manual_rows.add(
            "cookie", self.tr("C&ookie"), SecretLineEdit(),
            help_text=self.tr("Usually not needed; leave it empty unless EnKash asked for "
                              "one. When typed, it is sent as the Cookie header; otherwise "
                              "the cookie from Get token's reply is sent, if it set one."))
        self.cookie_edit.setPlaceholderText(self.tr("Usually not needed"))
        outer.addWidget(manual_box)

    def _connect(self) -> None:
        for widget in self._text_inputs().values():
            widget.textChanged.connect(self._emit_changed)
        for key, widget in self._text_inputs().items():
            widget.textEdited.connect(lambda _t, k=key: self.touched.add(k))
        self.environment_combo.currentIndexChanged.connect(self._environment_changed)
        self.timeout_spin.valueChanged.connect(self._emit_changed)
        self.encryption_combo.currentIndexChanged.connect(self._encryption_changed)
        self.profile_combo.activated.connect(
            lambda index: self.profileChosen.emit(self.profile_combo.itemText(index)))
        self.new_button.clicked.connect(self.newRequested)
        self.save_button.clicked.connect(self.saveRequested)
        self.delete_button.clicked.connect(self.deleteRequested)
        self.get_token_button.clicked.connect(self.getTokenRequested)
        self.authorization_edit.textChanged.connect(self._show_manual_note)

    # -- values ------------------------------------------------------------------------

    def _text_inputs(self) -> dict[str, QLineEdit]:
        out: dict[str, QLineEdit] = {}
        for rows in self.rows:
            for key, widget in rows.inputs.items():
                if isinstance(widget, QLineEdit):
                    out[key] = widget
        return out

    def focus_order(self) -> list[QWidget]:
        """The inputs in layout order (for the window's tab order)."""
        order: list[QWidget] = [self.profile_combo, self.new_button, self.save_button,
                                self.delete_button]
        for rows in self.rows:
            order += rows.order
            if rows is self.login_rows:
                order.append(self.get_token_button)
        return order

    @property
    def environment(self) -> Environment:
        return Environment(self.environment_combo.currentData())

    def profile(self) -> Profile:
        """The profile as typed (not validated)."""
        text = {key: w.text() for key, w in self._text_inputs().items()
                if key in PROFILE_TEXT_FIELDS}
        base = self._base or core.Profile(name="")
        return base.with_changes(environment=self.environment,
                                 timeout_s=float(self.timeout_spin.value()),
                                 encryption=self.encryption, **text)

    @property
    def encryption(self) -> PayloadEncryption:
        """The payload encryption key rule chosen in the panel (Off by default)."""
        value = self.encryption_combo.currentData()
        return PayloadEncryption(value) if value else PayloadEncryption.OFF

    def secrets(self) -> Secrets:
        """The secrets as typed."""
        fields = self._text_inputs()
        return core.Secrets(**{kind: fields[kind].text() for kind in core.Secrets.KINDS})

    def load(self, profile: Profile, secrets: Secrets | None = None) -> None:
        """Show ``profile`` (and its secrets, when known) without marking fields as edited."""
        self._loading = True
        try:
            self._base = profile
            self.touched.clear()
            fields = self._text_inputs()
            for key in PROFILE_TEXT_FIELDS:
                fields[key].setText(str(getattr(profile, key)))
                fields[key].setCursorPosition(0)
            index = self.environment_combo.findData(profile.environment.value)
            self.environment_combo.setCurrentIndex(max(0, index))
            self.timeout_spin.setValue(profile.timeout_s)
            self.encryption_combo.setCurrentIndex(
                max(0, self.encryption_combo.findData(profile.encryption.value)))
            for key in ("environment", "base_url", "auth_base_url", "portal_url"):
                widget = self._input(key)
                if isinstance(widget, QLineEdit):
                    widget.setReadOnly(profile.managed)
                else:
                    widget.setEnabled(not profile.managed)
                _say_if_managed(widget, profile.managed)
            if secrets is not None:
                self.load_secrets(secrets)
        finally:
            self._loading = False
        self._environment_changed()
        self._encryption_changed()

    def load_secrets(self, secrets: Secrets) -> None:
        fields = self._text_inputs()
        was_loading, self._loading = self._loading, True
        try:
            for kind in core.Secrets.KINDS:
                fields[kind].setText(getattr(secrets, kind))
                edit = fields[kind]
                if isinstance(edit, SecretLineEdit):
                    edit.set_revealed(False)
        finally:
            self._loading = was_loading
        if not was_loading:
            self.changed.emit()

    def _input(self, key: str) -> QWidget:
        for rows in self.rows:
            if key in rows.inputs:
                return rows.inputs[key]
        raise KeyError(key)

    def set_profiles(self, names: list[str], current: str) -> None:
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        self.profile_combo.addItems(names)
        self.profile_combo.setCurrentIndex(max(0, self.profile_combo.findText(current)))
        self.profile_combo.blockSignals(False)

    def set_permissions(self, *, token_blocker: str, can_save: bool, can_delete: bool,
                        demo: bool) -> None:
        """Enable Get token, Save and Delete as the form allows; the tooltips say why not."""
        self.get_token_button.setEnabled(not token_blocker)
        self.get_token_button.setToolTip(
            self.tr("Get token is not available: %s") % token_blocker if token_blocker else
            self.tr("Log in with the profile's credentials and keep the bearer token "
                    "(Ctrl+T)."))
        self.save_button.setEnabled(can_save)
        self.save_button.setToolTip(
            self.tr("The demo profile lives for this session only; click New to make your "
                    "own.") if demo else self.tr("Save the profile (Ctrl+S). Secrets go to "
                                                 "the system keyring."))
        self.delete_button.setEnabled(can_delete)

    def clear_profile_choice(self) -> None:
        """No saved profile is chosen (a new, unsaved one is on screen)."""
        self.profile_combo.setCurrentIndex(-1)

    def focus_name(self) -> None:
        """Put the cursor in the profile's name, selected, ready to be typed over."""
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def set_text(self, key: str, text: str) -> None:
        """Set the text field ``key`` (e.g. "base_url", "partner_id") as if typed."""
        self._text_inputs()[key].setText(text)

    def set_manual_token_replaced(self, replaced: bool) -> None:
        """Say under Authorization when a fetched token is sent instead of the typed one."""
        self._token_replaces_manual = replaced
        self._show_manual_note()

    def _show_manual_note(self) -> None:
        shown = self._token_replaces_manual and bool(self.authorization_edit.text().strip())
        if shown == self.manual_token_note.isHidden():
            self.manual_token_note.setVisible(shown)

    def set_token_status(self, text: str, style: str) -> None:
        set_text_and_style(self.token_status, text, style)

    # -- messages ----------------------------------------------------------------------

    def show_problems(self, problems: dict[str, str], warnings: dict[str, str]) -> None:
        """Show each field's problem (or warning); untouched empty fields stay quiet."""
        for rows in self.rows:
            for key, widget in rows.inputs.items():
                text = problems.get(key, "")
                if text and isinstance(widget, QLineEdit) and not widget.text() \
                        and key not in self.touched:
                    text = ""
                if text:
                    rows.show(key, text, "error")
                else:
                    rows.show(key, warnings.get(key, ""), "warning")

    def message(self, key: str) -> str:
        """The message shown under field ``key`` (empty when none)."""
        for rows in self.rows:
            if key in rows.inputs:
                return rows.message(key)
        raise KeyError(key)

    def set_busy(self, busy: bool) -> None:
        """During a call the profile cannot be switched, saved or deleted. Its fields stay
        editable: the call uses the values it started with, and the next call the new ones
        (making every field read-only and back costs a visible repaint on every Send)."""
        for widget in (self.profile_combo, self.new_button, self.save_button,
                       self.delete_button, self.get_token_button):
            widget.setEnabled(not busy)

    def _environment_changed(self) -> None:
        env = self.environment
        self.production_badge.setVisible(env is Environment.PRODUCTION)
        self.sandbox_badge.setVisible(env is Environment.SANDBOX)
        portal = env.default_portal_url
        self.portal_url_edit.setPlaceholderText(
            portal or self.tr("Required for this environment"))
        self._emit_changed()

    def _encryption_changed(self) -> None:
        self.encryption_note.setVisible(self.encryption is not PayloadEncryption.OFF)
        self._emit_changed()

    def _emit_changed(self) -> None:
        if not self._loading:
            self.changed.emit()


__all__ = ["CardholderForm", "PartnerPanel"]
