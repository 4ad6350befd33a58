"""The application object and the main window, built the same way for the program and its
self-test (start-up attaches storage afterwards)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from enkash_desktop import APP_NAME, __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow


def create_window() -> tuple[QApplication, MainWindow]:
    """The application object and the (not yet shown, not yet attached) main window."""
    from PySide6.QtWidgets import QApplication

    from . import forget_module_sources
    from .icons import app_icon
    from .main_window import MainWindow

    forget_module_sources()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Enkash Desktop")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("EnKash")
    app.setDesktopFileName(APP_NAME)
    app.setWindowIcon(app_icon())
    return app, MainWindow()
