"""The row under the cardholder: Send, Cancel, a busy bar and the elapsed time."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class SendBar(QWidget):
    """Send and Cancel with the call's progress; the call controller drives it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
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
        row.addWidget(self.send_button)
        row.addWidget(self.cancel_button)
        row.addSpacing(8)
        row.addWidget(self.busy_bar)
        row.addWidget(self.elapsed_label)
        row.addStretch(1)

    def set_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.busy_bar.setVisible(busy)

    def set_send_blocker(self, blocker: str) -> None:
        """Enable Send, or disable it and say why in its tooltip."""
        self.send_button.setEnabled(not blocker)
        self.send_button.setToolTip(
            self.tr("Send is not available: %s") % blocker if blocker else
            self.tr("Mint an SSO token for the cardholder (Ctrl+Enter)."))
        self.send_button.setAccessibleDescription(self.send_button.toolTip())
