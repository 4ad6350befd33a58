"""Help menu actions for support: the log folder, the diagnostics zip, About."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from enkash_desktop import __version__

from . import dialogs

if TYPE_CHECKING:
    from enkash_desktop.store.paths import AppPaths

    from .shell import Shell


class SupportActions(QObject):
    """What a user does to answer a support ticket; nothing here holds a secret."""

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell.widget())
        self._shell = shell
        self.paths: AppPaths | None = None
        # More lines for the diagnostics report (e.g. the settings in effect).
        self.extra_facts: Callable[[], dict[str, str]] = dict

    def open_log_folder(self) -> None:
        """Show the log folder in the file manager (for support tickets)."""
        if self.paths is None:
            return
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        self.paths.log_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.log_dir)))

    def choose_diagnostics_path(self) -> str:
        """Where to save the zip (a file dialog; tests replace this method)."""
        import time

        from PySide6.QtWidgets import QFileDialog

        name = time.strftime("enkash-desktop-diagnostics-%Y%m%d-%H%M%S.zip")
        path, _ = QFileDialog.getSaveFileName(
            self._shell.widget(), self.tr("Export diagnostics"), name,
            self.tr("Zip files (*.zip)"))
        return path

    def export_diagnostics(self) -> None:
        """Write a zip of redacted logs, settings and versions, on a worker."""
        if self.paths is None:
            return
        target = self.choose_diagnostics_path()
        if not target:
            return
        from pathlib import Path

        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion
        from PySide6.QtGui import QGuiApplication

        paths = self.paths
        extra = {"qt": qVersion(), "pyside6": pyside_version,
                 "platform_plugin": QGuiApplication.platformName(), **self.extra_facts()}

        def job() -> object:
            from enkash_desktop.store.diagnostics import export_diagnostics

            return export_diagnostics(paths, Path(target), extra)

        def done(value: object) -> None:
            self._shell.status(self.tr("Diagnostics were saved to %s. They contain no "
                                       "secrets.") % target)

        def failed(exc: object) -> None:
            dialogs.inform(self._shell.widget(), self.tr("Export diagnostics"),
                           self.tr("The diagnostics could not be saved."),
                           informative=str(exc), warning=True)

        self._shell.run_background(job, done, failed, name="diagnostics")

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self._shell.widget(), self.tr("About Enkash Desktop"),
            self.tr("<h3>Enkash Desktop %s</h3>"
                    "<p>Mint an EnKash rewards single sign-on token for a cardholder and open "
                    "the rewards portal as that cardholder.</p>"
                    "<p>Secrets are kept in the system keyring and are never written to "
                    "disk.</p>") % __version__)
