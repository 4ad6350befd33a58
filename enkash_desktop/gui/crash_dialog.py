"""A bug in Enkash Desktop is said to be one: logged with its traceback, shown in a dialog.

An exception that is not one of ours (not an :class:`EnkashError`) is a fault in the
program. It is never dressed as a server error: the log gets the whole traceback (through
the redaction filter), and the user gets this dialog with a short, redacted summary,
"Copy details" and "Export diagnostics". Nothing in it names a secret of the session.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QThread
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from enkash_desktop.store.logs import log_uncaught, redact_known

log = logging.getLogger("enkash_desktop.crash")

# The last frames of the traceback are enough for a ticket; the log has them all.
SUMMARY_FRAMES = 4


def bug_summary(exc: BaseException, context: str) -> str:
    """A few lines for a support ticket: what was being done, the error, where; redacted."""
    frames = traceback.extract_tb(exc.__traceback__)[-SUMMARY_FRAMES:]
    lines = [f"While: {context}", f"Error: {type(exc).__name__}: {exc}"]
    lines += [f"  at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}"
              for frame in frames]
    from enkash_desktop import __version__

    lines.append(f"Enkash Desktop {__version__}, Python {sys.version.split()[0]}")
    return redact_known("\n".join(lines))


class CrashDialog(QDialog):
    """Tells the user that the program, not their settings, failed; offers the details."""

    def __init__(self, summary: str, parent: QWidget | None = None,
                 export: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Enkash Desktop ran into a problem"))
        self.summary = summary
        layout = QVBoxLayout(self)
        text = QLabel(self.tr(
            "Something went wrong inside Enkash Desktop. This is a fault in the program, not "
            "in your settings or at EnKash, and what you were doing was not finished."))
        text.setWordWrap(True)
        more = QLabel(self.tr(
            "The details were written to the log. Please copy them or export diagnostics, "
            "and send them to your support team. You can go on working."))
        more.setWordWrap(True)
        self.details = QPlainTextEdit(summary)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("Details of the problem"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("&Copy details"))
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button = QPushButton(self.tr("&Export diagnostics…"))
        self.export_button.setEnabled(export is not None)
        if export is not None:
            self.export_button.clicked.connect(export)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        for widget in (text, more, self.details, buttons):
            layout.addWidget(widget)
        self.resize(560, 320)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.summary)


def report_bug(parent: QWidget | None, exc: BaseException, context: str,
               export: Callable[[], None] | None = None) -> CrashDialog | None:
    """Log ``exc`` with its traceback and show the crash dialog (window-modal, not blocking).

    Returns the dialog, or None when there is no application to show it in.
    """
    log.error("Bug while %s", context, exc_info=(type(exc), exc, exc.__traceback__))
    if QApplication.instance() is None:
        return None
    dialog = CrashDialog(bug_summary(exc, context), parent, export)
    dialog.setObjectName("crash-dialog")
    dialog.open()
    return dialog


def install_crash_hook(parent: QWidget, export: Callable[[], None] | None = None) -> None:
    """From now on an uncaught exception is logged and printed redacted (as before) and,
    on the GUI thread, also shown in the crash dialog."""

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        log_uncaught(exc_type, exc, tb)
        app = QApplication.instance()
        if app is not None and QThread.currentThread() is app.thread():
            dialog = CrashDialog(bug_summary(exc.with_traceback(tb), "working"), parent, export)
            dialog.setObjectName("crash-dialog")
            dialog.open()

    sys.excepthook = hook
