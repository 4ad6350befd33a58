"""Small modal questions, in one place so tests can answer them.

Windows call ``dialogs.ask(...)`` through the module (never ``from .dialogs import ask``), so a
test can ``monkeypatch.setattr(dialogs, "ask", ...)`` and answer without a real message box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# QMessageBox is imported when a question is asked: making its Python type (and its enums)
# costs a few milliseconds that the first paint does not need.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def ask(parent: QWidget | None, title: str, text: str, *, informative: str = "",
        accept_label: str = "", danger: bool = False) -> bool:
    """Ask a yes/no question; True only when the user explicitly accepts.

    The safe answer (Cancel) is the default button, so Enter alone never confirms a risky
    action. ``accept_label`` names the action ("Send to production") instead of "OK".
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question,
                      title, text, QMessageBox.StandardButton.NoButton, parent)
    if informative:
        box.setInformativeText(informative)
    accept = box.addButton(accept_label or QCoreApplication.translate("QMessageBox", "OK"),
                           QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is accept


def inform(parent: QWidget | None, title: str, text: str, *, informative: str = "",
           warning: bool = False) -> None:
    """Tell the user something that needs no answer."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
                      title, text, QMessageBox.StandardButton.Ok, parent)
    if informative:
        box.setInformativeText(informative)
    box.exec()
