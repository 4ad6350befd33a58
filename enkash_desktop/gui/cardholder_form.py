"""The cardholder form: the three EnKash ids, employee or admin card, and Find card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from enkash_desktop import core
from enkash_desktop.core.fields import BY_KEY

from .form_rows import FieldRows, form_layout, line_edit

if TYPE_CHECKING:  # the models load with the first profile, after the first paint
    from enkash_desktop.core.models import Cardholder



def _example(key: str) -> str:
    return BY_KEY[key].example


class CardholderForm(QGroupBox):
    """Who the token is for: the three EnKash ids and employee or admin."""

    changed = Signal()
    findCardRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Cardholder"), parent)
        self.touched: set[str] = set()
        self._loading = False
        form = form_layout()
        self.setLayout(form)
        self.rows = FieldRows(form)
        self.card_account_edit = self.rows.add(
            "card_account_id", self.tr("Card &account id"),
            line_edit(self.tr("For example: %s") % _example("card_account_id")))
        self.company_edit = self.rows.add(
            "company_id", self.tr("&Company id"),
            line_edit(self.tr("For example: %s") % _example("company_id")))
        self.find_card_button = QPushButton(self.tr("Fi&nd card…"))
        self.find_card_button.setAccessibleName(self.tr("Find card"))
        self.find_card_button.setToolTip(self.tr(
            "List the cards of this card account and choose one (Ctrl+Shift+F). Fill in the "
            "card account id and the company id first."))
        self.find_card_button.setEnabled(False)
        self.find_card_button.clicked.connect(self.findCardRequested)
        self.card_id_edit = self.rows.add(
            "enkash_card_id", self.tr("En&Kash card id"),
            line_edit(self.tr("For example: %s") % _example("enkash_card_id")),
            extra=self.find_card_button)
        kind_box = QWidget()
        kind_row = QHBoxLayout(kind_box)
        kind_row.setContentsMargins(0, 0, 0, 0)
        self.employee_radio = QRadioButton(self.tr("E&mployee"))
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

    def first_empty(self) -> QLineEdit | None:
        """The first id field with nothing typed in it, if any."""
        return next((edit for edit in self.rows.inputs.values()
                     if isinstance(edit, QLineEdit) and not edit.text().strip()), None)

    def input_for(self, key: str) -> QLineEdit | None:
        """The field of id ``key`` (None for another key)."""
        edit = self.rows.inputs.get(key)
        return edit if isinstance(edit, QLineEdit) else None

    def focus_first(self) -> None:
        self.card_account_edit.setFocus()

    def filter_inputs(self, event_filter: QObject) -> None:
        """Let ``event_filter`` see the key events of the three id fields (Ctrl+V)."""
        for edit in self.rows.inputs.values():
            edit.installEventFilter(event_filter)

    def _emit_changed(self) -> None:
        if not self._loading:
            self.changed.emit()
