"""The input panels: the partner profile (with its secrets) and the cardholder form.

Panels only collect values and show messages; what is valid is decided by
:mod:`enkash_desktop.core.validation`, which the window calls as the user types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
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

from .qtprops import set_enum
from .widgets import (
    PRODUCTION_COLOR,
    SUCCESS_COLOR,
    WARNING_COLOR,
    Banner,
    FieldMessage,
    SecretLineEdit,
)

if TYPE_CHECKING:  # the models load with the first profile, after the first paint
    from enkash_desktop.core.models import Cardholder, Profile, Secrets

PROFILE_TEXT_FIELDS = ("name", "base_url", "auth_base_url", "portal_url", "partner_id",
                       "portal_partner", "username", "oauth_client_id", "login_client_id")
CARDHOLDER_FIELDS = ("card_account_id", "company_id", "enkash_card_id")


def _plain(label: str) -> str:
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&")


_W = TypeVar("_W", bound=QWidget)


class FieldRows:
    """Rows of a form: a label (the input's buddy), the input and a message line under it.

    A row's message line is made the first time it has something to say: most fields never
    do, and the window starts quicker without a hidden label per field.
    """

    def __init__(self, layout: QFormLayout) -> None:
        self.layout = layout
        self.inputs: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.messages: dict[str, FieldMessage] = {}
        self.columns: dict[str, QVBoxLayout] = {}
        self.order: list[QWidget] = []

    def add(self, key: str, label_text: str, widget: _W, *, help_text: str = "",
            extra: QWidget | None = None) -> _W:
        label = QLabel(label_text)
        label.setBuddy(widget)
        widget.setAccessibleName(_plain(label_text))
        if help_text:
            widget.setToolTip(help_text)
            widget.setAccessibleDescription(help_text)
        column = QVBoxLayout()  # a layout, not a widget: one widget fewer to build and paint
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if extra is not None:
            row = QHBoxLayout()
            row.setSpacing(6)
            row.addWidget(widget, 1)
            row.addWidget(extra)
            column.addLayout(row)
        else:
            column.addWidget(widget)
        self.layout.addRow(label, column)
        self.inputs[key] = widget
        self.labels[key] = label
        self.columns[key] = column
        self.order.append(widget)
        if extra is not None:
            self.order.append(extra)
        return widget

    def message(self, key: str) -> str:
        """The message shown under field ``key`` (empty when none)."""
        message = self.messages.get(key)
        return message.text() if message is not None else ""

    def show(self, key: str, text: str, kind: str = "error") -> None:
        message = self.messages.get(key)
        if message is None:
            if not text:
                return
            message = self.messages[key] = FieldMessage()
            self.columns[key].addWidget(message)
        message.show_message(text, kind)
        widget = self.inputs[key]
        widget.setAccessibleDescription(text or widget.toolTip())  # the help, when no message


def _form_layout() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    set_enum(form, "labelAlignment", "AlignRight|AlignTop")
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(6)
    return form


def _line(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(False)
    return edit


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
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)

        # -- profile ---------------------------------------------------------------------
        profile_box = QGroupBox(self.tr("Profile"))
        profile_form = _form_layout()
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
            "name", self.tr("Profile &name"), _line(self.tr("For example: Acme HRMS (UAT)")))
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

        # -- connection ------------------------------------------------------------------
        conn_box = QGroupBox(self.tr("Connection"))
        conn_form = _form_layout()
        conn_box.setLayout(conn_form)
        self.conn_rows = FieldRows(conn_form)
        self.base_url_edit = self.conn_rows.add(
            "base_url", self.tr("&Base URL"), _line(SUGGESTED_BASE_URLS[0]),
            help_text=self.tr("Where the SSO call goes, for example %s.") % SUGGESTED_BASE_URLS[0])
        self.auth_url_edit = self.conn_rows.add(
            "auth_base_url", self.tr("&Auth base URL"),
            _line(self.tr("Same as the base URL")),
            help_text=self.tr("Where /oauth/token is, for example %s. Leave empty to use the "
                              "base URL.") % SUGGESTED_AUTH_URLS[0])
        self.portal_url_edit = self.conn_rows.add(
            "portal_url", self.tr("Portal U&RL"), _line(),
            help_text=self.tr("The rewards portal. Leave empty to use the environment's "
                              "portal."))
        self.partner_id_edit = self.conn_rows.add(
            "partner_id", self.tr("Partner &id"), _line(self.tr("For example: CRMXWB3ZM")))
        self.portal_partner_edit = self.conn_rows.add(
            "portal_partner", self.tr("SSO partner na&me"), _line(self.tr("For example: hrms")),
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
        self.conn_rows.add("encryption", self.tr("Payload e&ncryption"),
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

        # -- login -----------------------------------------------------------------------
        login_box = QGroupBox(self.tr("Login"))
        login_form = _form_layout()
        login_box.setLayout(login_form)
        self.login_rows = FieldRows(login_form)
        self.username_edit = self.login_rows.add(
            "username", self.tr("Login &user"), _line(self.tr("Often a mobile number")))
        self.oauth_client_edit = self.login_rows.add(
            "oauth_client_id", self.tr("OAuth &client id"), _line())
        self.login_client_edit = self.login_rows.add(
            "login_client_id", self.tr("Lo&gin client id"),
            _line(self.tr("The partner's company id")))
        self.password_edit = self.login_rows.add(
            "password", self.tr("Pass&word"), SecretLineEdit())
        self.client_secret_edit = self.login_rows.add(
            "client_secret", self.tr("Client s&ecret"), SecretLineEdit())
        token_row = QWidget()
        token_layout = QHBoxLayout(token_row)
        token_layout.setContentsMargins(0, 2, 0, 0)
        self.get_token_button = QPushButton(self.tr("&Get token"))
        self.get_token_button.setAccessibleName(self.tr("Get token"))
        self.token_status = QLabel(self.tr("No token yet."))
        self.token_status.setAccessibleName(self.tr("Token status"))
        set_enum(self.token_status, "textInteractionFlags", "TextSelectableByMouse")
        token_layout.addWidget(self.get_token_button)
        token_layout.addWidget(self.token_status, 1)
        login_form.addRow("", token_row)
        outer.addWidget(login_box)

        # -- manual token ----------------------------------------------------------------
        manual_box = QGroupBox(self.tr("Manual token (optional)"))
        manual_form = _form_layout()
        manual_box.setLayout(manual_form)
        self.manual_rows = FieldRows(manual_form)
        self.authorization_edit = self.manual_rows.add(
            "authorization", self.tr("Aut&horization"), SecretLineEdit(),
            help_text=self.tr("A bearer token you already have; used when there is no token "
                              "from Get token."))
        self.cookie_edit = self.manual_rows.add(
            "cookie", self.tr("C&ookie"), SecretLineEdit(),
            help_text=self.tr("Usually not needed; leave it empty unless EnKash asked for "
                              "one. When typed, it is sent as the Cookie header; otherwise "
                              "the cookie from Get token's reply is sent, if it set one."))
        self.cookie_edit.setPlaceholderText(self.tr("Usually not needed"))
        outer.addWidget(manual_box)
        outer.addStretch(1)

        self.rows = (self.profile_rows, self.conn_rows, self.login_rows, self.manual_rows)
        labels = [chooser_label, *(label for rows in self.rows for label in rows.labels.values())]
        width = max(label.sizeHint().width() for label in labels)
        for row_label in labels:
            row_label.setMinimumWidth(width)
            set_enum(row_label, "alignment", "AlignRight|AlignVCenter")
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
        self._environment_changed()

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

    def set_token_status(self, text: str, style: str) -> None:
        """Set the token line; unchanged values are not set again (a style sheet repolishes
        the label, and this runs twice a second and on every keystroke)."""
        if self.token_status.text() != text:
            self.token_status.setText(text)
        if self.token_status.styleSheet() != style:
            self.token_status.setStyleSheet(style)

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


class CardholderForm(QGroupBox):
    """Who the token is for: the three EnKash ids and employee or admin."""

    changed = Signal()
    findCardRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Cardholder"), parent)
        self.touched: set[str] = set()
        self._loading = False
        form = _form_layout()
        self.setLayout(form)
        self.rows = FieldRows(form)
        self.card_account_edit = self.rows.add(
            "card_account_id", self.tr("Card &account id"),
            _line(self.tr("For example: CAQL8YCV3")))
        self.company_edit = self.rows.add(
            "company_id", self.tr("Com&pany id"), _line(self.tr("For example: CEK1PU9AOO")))
        self.find_card_button = QPushButton(self.tr("Find card…"))
        self.find_card_button.setAccessibleName(self.tr("Find card"))
        self.find_card_button.setToolTip(self.tr(
            "List the cards of this card account and choose one (Ctrl+Shift+F). Fill in the "
            "card account id and the company id first."))
        self.find_card_button.setEnabled(False)
        self.find_card_button.clicked.connect(self.findCardRequested)
        self.card_id_edit = self.rows.add(
            "enkash_card_id", self.tr("En&Kash card id"), _line(self.tr("For example: EKCDM5AVZY")),
            extra=self.find_card_button)
        kind_box = QWidget()
        kind_row = QHBoxLayout(kind_box)
        kind_row.setContentsMargins(0, 0, 0, 0)
        self.employee_radio = QRadioButton(self.tr("Emplo&yee"))
        self.admin_radio = QRadioButton(self.tr("HR / company a&dmin"))
        self.employee_radio.setAccessibleName(self.tr("Employee card"))
        self.admin_radio.setAccessibleName(self.tr("HR or company admin card"))
        self.employee_radio.setToolTip(self.tr("The link opens the employee rewards page."))
        self.admin_radio.setToolTip(self.tr("The link opens the company's reward account page."))
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.employee_radio)
        self.kind_group.addButton(self.admin_radio)
        self.employee_radio.setChecked(True)
        kind_row.addWidget(self.employee_radio)
        kind_row.addWidget(self.admin_radio)
        kind_row.addStretch(1)
        kind_label = QLabel(self.tr("Card type"))
        kind_label.setBuddy(self.employee_radio)
        form.addRow(kind_label, kind_box)
        for key, widget in self.rows.inputs.items():
            assert isinstance(widget, QLineEdit)
            widget.textChanged.connect(self._emit_changed)
            widget.textEdited.connect(lambda _t, k=key: self.touched.add(k))
        self.admin_radio.toggled.connect(self._emit_changed)
        self._busy = False
        for edit in (self.card_account_edit, self.company_edit):
            edit.textChanged.connect(self._update_find_card)

    def can_find_card(self) -> bool:
        """True when the card account and company ids are valid, so their cards can be listed."""
        from enkash_desktop.core.errors import EnkashError
        from enkash_desktop.core.validation import check_id

        try:
            check_id("card_account_id", self.card_account_edit.text())
            check_id("company_id", self.company_edit.text())
        except EnkashError:
            return False
        return True

    def _update_find_card(self) -> None:
        self.find_card_button.setEnabled(not self._busy and self.can_find_card())

    def use_card(self, enkash_card_id: str, admin: bool) -> None:
        """Fill in a card chosen from the list (and admin when the list says so), as typed."""
        self.card_id_edit.setText(enkash_card_id)
        self.touched.add("enkash_card_id")
        if admin:
            self.admin_radio.setChecked(True)

    def focus_order(self) -> list[QWidget]:
        return [*self.rows.order, self.employee_radio, self.admin_radio]

    def cardholder(self) -> Cardholder:
        edits = self.rows.inputs
        return core.Cardholder(
            card_account_id=edits["card_account_id"].text(),  # type: ignore[attr-defined]
            company_id=edits["company_id"].text(),  # type: ignore[attr-defined]
            enkash_card_id=edits["enkash_card_id"].text(),  # type: ignore[attr-defined]
            admin=self.admin_radio.isChecked(),
        )

    def load(self, cardholder: Cardholder) -> None:
        self._loading = True
        try:
            self.touched.clear()
            self.card_account_edit.setText(cardholder.card_account_id)
            self.company_edit.setText(cardholder.company_id)
            self.card_id_edit.setText(cardholder.enkash_card_id)
            (self.admin_radio if cardholder.admin else self.employee_radio).setChecked(True)
        finally:
            self._loading = False
        self.changed.emit()

    def show_problems(self, problems: dict[str, str], warnings: dict[str, str]) -> None:
        for key, widget in self.rows.inputs.items():
            text = problems.get(key, "")
            if text and isinstance(widget, QLineEdit) and not widget.text() \
                    and key not in self.touched:
                text = ""
            if text:
                self.rows.show(key, text, "error")
            else:
                self.rows.show(key, warnings.get(key, ""), "warning")

    def message(self, key: str) -> str:
        """The message shown under field ``key`` (empty when none)."""
        return self.rows.message(key)

    def set_busy(self, busy: bool) -> None:
        for widget in self.rows.inputs.values():
            if isinstance(widget, QLineEdit):
                widget.setReadOnly(busy)
        self.employee_radio.setEnabled(not busy)
        self.admin_radio.setEnabled(not busy)
        self._busy = busy
        self._update_find_card()

    def is_empty(self) -> bool:
        """True when none of the three ids is typed."""
        return not any(edit.text().strip() for edit in self.rows.inputs.values()
                       if isinstance(edit, QLineEdit))

    def focus_first(self) -> None:
        self.card_account_edit.setFocus()

    def filter_inputs(self, event_filter: QObject) -> None:
        """Let ``event_filter`` see the key events of the three id fields (Ctrl+V)."""
        for edit in self.rows.inputs.values():
            edit.installEventFilter(event_filter)

    def _emit_changed(self) -> None:
        if not self._loading:
            self.changed.emit()
