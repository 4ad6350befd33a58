"""Paste cURL: the small dialog, the Ctrl+V shortcut on an empty form, and the notes.

The parsing itself is the core's (:func:`enkash_desktop.core.curl_import.parse_curl`); this
module only collects the text and words what the core found so nothing is dropped silently.
The window decides where each value goes (see ``MainWindow.import_curl``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from enkash_desktop.core.curl_import import CurlImport

from .texts import tr_core


def looks_like_curl(text: str) -> bool:
    """True when ``text`` starts like a curl command (after an optional ``$`` prompt)."""
    words = text.strip().split(None, 2)
    if words and words[0] == "$":
        words = words[1:]
    if not words:
        return False
    name = words[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name in ("curl", "curl.exe")


def import_notes(imported: CurlImport) -> list[str]:
    """Everything the user should know about an import: unknown options, then warnings."""
    notes: list[str] = []
    if imported.unknown_flags:
        notes.append(QCoreApplication.translate(
            "CurlPaste", "These options of the command are not used by Enkash Desktop and "
            "were left out: %s.") % ", ".join(imported.unknown_flags))
    notes.extend(tr_core(w) for w in imported.warnings)
    return notes


class PasteCurlDialog(QDialog):
    """A text box for the curl command (prefilled from the clipboard), Import and Cancel."""

    def __init__(self, initial: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paste cURL"))
        self.setObjectName("pasteCurlDialog")
        layout = QVBoxLayout(self)
        label = QLabel(self.tr(
            "Paste the SSO request as a curl command (from EnKash's documentation, a "
            "colleague's Copy as cURL, or a browser). Its address, partner id and "
            "cardholder fill the form; you are asked before any secret is used."))
        label.setWordWrap(True)
        text_label = QLabel(self.tr("&Command:"))
        self.edit = QPlainTextEdit()
        self.edit.setAccessibleName(self.tr("curl command"))
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText("curl --location --request POST 'https://…/sso-token' …")
        self.edit.setPlainText(initial)
        text_label.setBuddy(self.edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(self.tr("&Import"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setToolTip(self.tr("Fill the form from the command (Ctrl+Enter)."))
        self.import_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._accept_if_ready)
        layout.addWidget(label)
        layout.addWidget(text_label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(buttons)
        self.edit.textChanged.connect(self._update)
        self._update()
        self.resize(640, 320)
        self.edit.setFocus()
        self.edit.selectAll()

    def text(self) -> str:
        return self.edit.toPlainText()

    def _update(self) -> None:
        self.import_button.setEnabled(bool(self.text().strip()))

    def _accept_if_ready(self) -> None:
        if self.import_button.isEnabled():
            self.accept()


def ask_curl_text(parent: QWidget | None, initial: str) -> str | None:
    """Show :class:`PasteCurlDialog`; the command typed, or None when cancelled."""
    dialog = PasteCurlDialog(initial, parent)
    try:
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
