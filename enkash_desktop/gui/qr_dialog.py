"""The portal link as a QR code, so a cardholder's session can be opened on a phone.

A portal link signs in as the cardholder until its token expires, so the code is shown only
when the user asks for it, never kept in the history, and saved only to a file the user
names (owner-only, written atomically on a worker thread).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from enkash_desktop.core.errors import EnkashError
from enkash_desktop.core.qr import qr_png, qr_svg

from .credential_guard import seconds_text
from .texts import tr_core
from .widgets import ERROR_COLOR, WARNING_COLOR
from .worker import Worker

log = logging.getLogger(__name__)

# Pixels per QR module: big enough for a phone camera at arm's length from a laptop screen.
SCREEN_SCALE = 6
FILE_SCALE = 10


def _save(path: Path, data: bytes) -> Path:
    from enkash_desktop.store.atomic import write_atomic

    write_atomic(path, data, mode=0o600)
    return path


class QrDialog(QDialog):
    """Shows ``link`` as a QR code with a warning, and saves it as PNG or SVG on request."""

    def __init__(self, link: str, parent: QWidget | None = None, *,
                 hide_after_s: float = 0.0) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Portal link as a QR code"))
        self.setObjectName("qrDialog")
        self.link = link
        self.said = ""  # what the status bar was told while this code is shown
        self._worker = Worker(self, max_threads=1, name="qr")
        self.saved: list[Path] = []

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        warning = QLabel(self.tr(
            "Anyone who scans this code signs in to the rewards portal as the cardholder "
            "until the link expires. Show it only to the cardholder, and close it when done."))
        warning.setWordWrap(True)
        warning.setTextFormat(Qt.TextFormat.PlainText)
        warning.setStyleSheet(f"color: {WARNING_COLOR.name()}; font-weight: bold;")
        warning.setAccessibleName(self.tr("Warning"))
        self.warning = warning
        layout.addWidget(warning)

        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setAccessibleName(self.tr("QR code of the portal link"))
        self.image.setAccessibleDescription(self.tr(
            "Scan it with a phone camera to open the portal link."))
        # A QR code needs a light background and quiet zone, whatever the theme.
        self.image.setStyleSheet("background: white;")
        layout.addWidget(self.image, 1, Qt.AlignmentFlag.AlignHCenter)
        caption = QLabel(self.tr("Scan it with the phone's camera to open the portal."))
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption.setWordWrap(True)
        layout.addWidget(caption)
        self.caption = caption

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName(self.tr("Save status"))
        self.status.hide()
        layout.addWidget(self.status)

        buttons = QDialogButtonBox()
        self.save_png_button = QPushButton(self.tr("Save as &PNG…"))
        self.save_png_button.setAccessibleName(self.tr("Save the QR code as a PNG image"))
        self.save_svg_button = QPushButton(self.tr("Save as &SVG…"))
        self.save_svg_button.setAccessibleName(self.tr("Save the QR code as an SVG image"))
        buttons.addButton(self.save_png_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_svg_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.close_button = close

        self.save_png_button.clicked.connect(lambda: self.save("png"))
        self.save_svg_button.clicked.connect(lambda: self.save("svg"))
        self._render()
        self.setMinimumWidth(460)
        close.setFocus()
        self.hide_after_s = hide_after_s
        if hide_after_s > 0:  # the code signs in as the cardholder: it does not linger
            from PySide6.QtCore import QTimer

            QTimer.singleShot(round(hide_after_s * 1000), self, self.hide_code)
            self._show_status(self.tr("The code will be hidden in %s.")
                              % seconds_text(hide_after_s), "")

    def hide_code(self) -> None:
        """Hide the code and disable saving it; a new one is shown by clicking QR code."""
        self.image.clear()
        self.image.setStyleSheet("")
        self.image.setWordWrap(True)
        self.image.setMinimumWidth(400)
        self.image.setText(self.tr("The code was hidden, because it signs in as the "
                                   "cardholder. Click Show QR code again to show it anew."))
        self.caption.hide()
        self.save_png_button.setEnabled(False)
        self.save_svg_button.setEnabled(False)
        self._show_status(self.tr("The code was hidden after %s.")
                          % seconds_text(self.hide_after_s), "")

    def _render(self) -> None:
        try:
            data = qr_png(self.link, SCREEN_SCALE)
        except EnkashError as exc:
            self.image.setText(tr_core(exc.message))
            self.image.setStyleSheet("")
            self.save_png_button.setEnabled(False)
            self.save_svg_button.setEnabled(False)
            return
        pixmap = QPixmap()
        pixmap.loadFromData(data, "PNG")
        ratio = self.devicePixelRatioF() if self.devicePixelRatioF() > 1 else 1.0
        if ratio > 1:
            pixmap = pixmap.scaled(pixmap.size() * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.FastTransformation)
            pixmap.setDevicePixelRatio(ratio)
        self.image.setPixmap(pixmap)

    # -- saving ------------------------------------------------------------------------

    def _choose_save_path(self, kind: str) -> str:
        """Ask where to save (a method of its own, so tests can answer it)."""
        if kind == "png":
            title, name, pattern = (self.tr("Save the QR code as PNG"), "portal-link-qr.png",
                                    self.tr("PNG images (*.png)"))
        else:
            title, name, pattern = (self.tr("Save the QR code as SVG"), "portal-link-qr.svg",
                                    self.tr("SVG images (*.svg)"))
        path, _ = QFileDialog.getSaveFileName(self, title, name, pattern)
        return path

    def save(self, kind: str) -> None:
        """Ask for a file name, then write the PNG or SVG on a worker (owner-only)."""
        target = self._choose_save_path(kind)
        if not target:
            return
        path = Path(target)
        if not path.suffix:
            path = path.with_suffix(f".{kind}")
        link = self.link

        def job() -> Path:
            data = qr_png(link, FILE_SCALE) if kind == "png" else qr_svg(link, FILE_SCALE)
            return _save(path, data)

        self._start(job, self._saved, self._save_failed)

    def _start(self, fn: Callable[[], object], done: Callable[[object], None],
               failed: Callable[[object], None]) -> None:
        self._worker.run(fn, on_success=done, on_failure=failed, name="save-qr")

    def _saved(self, value: object) -> None:
        assert isinstance(value, Path)
        self.saved.append(value)
        self._show_status(self.tr("The QR code was saved to %s. It opens the portal as the "
                                  "cardholder, so keep the file private.") % value, "")

    def _save_failed(self, exc: object) -> None:
        if isinstance(exc, OSError):
            text = self.tr("The QR code could not be saved: %s. Please choose another "
                           "location.") % (exc.strerror or exc)
        elif isinstance(exc, EnkashError):
            text = tr_core(exc.message)
        else:
            log.error("saving the QR code failed unexpectedly: %r", exc)
            text = self.tr("The QR code could not be saved.")
        self._show_status(text, ERROR_COLOR.name())

    def _show_status(self, text: str, color: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {color};" if color else "")
        self.status.show()

    def wait_for_saves(self, timeout_ms: int = 5000) -> bool:
        """Wait until every save has finished (tests and closing)."""
        return self._worker.wait_for_idle(timeout_ms)

    def done(self, result: int) -> None:
        self._worker.wait_for_idle(2000)
        # The pixmap is the link in another form: drop it with the dialog.
        self.image.clear()
        super().done(result)

