"""Rows of a form: a label (the input's buddy), the input, and a message line under it."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from .qtprops import set_enum
from .widgets import FieldMessage, message_line_height


def plain_label(label: str) -> str:
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&")


_W = TypeVar("_W", bound=QWidget)


# The gap between an input and its message line.
_MESSAGE_GAP = 2


class FieldRows:
    """Rows of a form: a label (the input's buddy), the input and a message line under it.

    Every row keeps the room of its message line from the start (a bottom margin of its
    column), so a message that appears never moves the fields below. The line itself is
    made the first time the row has something to say, and then takes that room: most fields
    never do, and the window starts quicker without a label per field.
    """

    def __init__(self, layout: QFormLayout) -> None:
        self.layout = layout
        self.line_height = message_line_height()
        self.inputs: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.messages: dict[str, FieldMessage] = {}
        self.columns: dict[str, QVBoxLayout] = {}
        self.order: list[QWidget] = []

    def add(self, key: str, label_text: str, widget: _W, *, help_text: str = "",
            extra: QWidget | None = None) -> _W:
        label = QLabel(label_text)
        label.setBuddy(widget)
        widget.setAccessibleName(plain_label(label_text))
        if help_text:
            widget.setToolTip(help_text)
            widget.setAccessibleDescription(help_text)
        column = QVBoxLayout()  # a layout, not a widget: one widget fewer to build and paint
        column.setContentsMargins(0, 0, 0, _MESSAGE_GAP + self.line_height)
        column.setSpacing(_MESSAGE_GAP)
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
        """The message shown under field ``key``, whole (empty when none)."""
        message = self.messages.get(key)
        return message.message if message is not None else ""

    def show(self, key: str, text: str, kind: str = "error") -> None:
        message = self.messages.get(key)
        if message is None:
            if not text:
                return
            message = self.messages[key] = FieldMessage(self.line_height)
            column = self.columns[key]
            column.setContentsMargins(0, 0, 0, 0)  # the line takes the room kept for it
            column.addWidget(message)
        message.show_message(text, kind)
        widget = self.inputs[key]
        widget.setAccessibleDescription(text or widget.toolTip())  # the help, when no message


def form_layout() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    set_enum(form, "labelAlignment", "AlignRight|AlignTop")
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(6)
    return form


def line_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(False)
    return edit
