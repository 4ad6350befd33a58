"""The profile row of the main view: the chooser, the environment badge, the token's state
and Edit profile. The partner's settings themselves are in the profile editor."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from .qtprops import set_enum
from .widgets import (
    ERROR_COLOR,
    PRODUCTION_COLOR,
    SUCCESS_COLOR,
    WARNING_COLOR,
    set_text_and_style,
)

# The badge of each environment (its value in core.choices.Environment): text and colour.
_BADGES = {
    "sandbox": ("DEMO", SUCCESS_COLOR.name()),
    "uat": ("UAT", WARNING_COLOR.name()),
    "production": ("PRODUCTION", PRODUCTION_COLOR.name()),
    "custom": ("CUSTOM", "#5f6b7a"),
}


class ProfileBar(QWidget):
    """Which partner profile a Send uses, where it points, and the way to its settings."""

    profileChosen = Signal(str)
    editRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.combo = QComboBox()
        self.combo.setAccessibleName(self.tr("Profile"))
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(18)
        self.combo.setToolTip(self.tr("The partner profile the next Send uses."))
        label = QLabel(self.tr("&Profile:"))
        label.setBuddy(self.combo)
        self.badge = QLabel()
        self.badge.setAccessibleName(self.tr("Environment"))
        self.badge.setMargin(3)
        self.badge.hide()
        self.token_status = QLabel()
        self.token_status.setAccessibleName(self.tr("Token status"))
        set_enum(self.token_status, "textFormat", "PlainText")
        self.token_status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.problem = QLabel()
        self.problem.setAccessibleName(self.tr("Profile problem"))
        set_enum(self.problem, "textFormat", "PlainText")
        self.problem.setStyleSheet(f"color: {ERROR_COLOR.name()};")
        self.problem.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.edit_button = QPushButton(self.tr("Ed&it profile…"))
        self.edit_button.setAccessibleName(self.tr("Edit profile"))
        self.edit_button.setToolTip(self.tr(
            "The partner's settings: URLs, partner id, login, token and encryption (Ctrl+E)."))
        row.addWidget(label)
        row.addWidget(self.combo)
        row.addWidget(self.badge)
        row.addWidget(self.token_status, 1)
        row.addWidget(self.problem, 1)
        row.addWidget(self.edit_button)
        self.problem.hide()
        self.combo.activated.connect(
            lambda index: self.profileChosen.emit(self.combo.itemText(index)))
        self.edit_button.clicked.connect(self.editRequested)

    def focus_order(self) -> list[QWidget]:
        return [self.combo, self.edit_button]

    def set_profiles(self, names: list[str], current: str) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(names)
        self.combo.setCurrentIndex(self.combo.findText(current) if current else -1)
        self.combo.blockSignals(False)

    def set_environment(self, environment: str | None) -> None:
        """Show the badge of ``environment`` (an Environment value); production in red."""
        text, color = _BADGES.get(environment or "", ("", ""))
        self.badge.setText(text)
        self.badge.setStyleSheet(
            f"background-color: {color}; color: white; font-weight: bold; border-radius: 3px;")
        self.badge.setToolTip({
            "sandbox": self.tr("The built-in EnKash simulator on this computer answers; no "
                               "real account is used."),
            "uat": self.tr("EnKash's test environment."),
            "production": self.tr("EnKash production: every Send mints a real token for a "
                                  "real cardholder."),
        }.get(environment or "", ""))
        self.badge.setAccessibleDescription(self.badge.toolTip())
        self.badge.setVisible(bool(text))

    def set_token_status(self, text: str, style: str) -> None:
        set_text_and_style(self.token_status, text, style)

    def set_problem(self, text: str) -> None:
        """The profile's first problem (empty: none); Edit profile is where it is fixed."""
        shown = self.tr("Profile: %s") % text if text else ""
        if self.problem.text() != shown:
            self.problem.setText(shown)
            self.problem.setToolTip(shown)
        self.problem.setVisible(bool(text))
        self.token_status.setVisible(not text)

    def set_busy(self, busy: bool) -> None:
        self.combo.setEnabled(not busy)
