"""Help → Settings in effect, and the window's fields the administrator's policy locks.

The dialog lists every setting with its value and where it comes from (the same list as
``enkash-sso settings``); a value the policy sets says "Set by your administrator".
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QComboBox, QPushButton

    from enkash_desktop.store.effective import EffectiveSettings

LOCKED_TEXT = "Set by your administrator."


def _tr(text: str) -> str:
    return QCoreApplication.translate("SettingsInEffect", text)


def source_label(source: str) -> str:
    """The source of a setting as a clerk reads it."""
    return {
        "policy": _tr("Set by your administrator"),
        "defaults": _tr("Administrator's defaults"),
        "user": _tr("Your settings"),
        "built-in": _tr("Built-in default"),
    }.get(source, source)


def setting_label(key: str) -> str:
    """A setting's name as a clerk reads it; the key itself is shown in the tooltip."""
    if key.startswith("profiles."):
        return _tr("Profile “%s”") % key.removeprefix("profiles.")
    return {
        "allowed_hosts": _tr("Allowed EnKash hosts"),
        "allow_production": _tr("EnKash production allowed"),
        "allow_copy_with_secrets": _tr("Copying requests with secrets allowed"),
        "update_checks": _tr("Check for updates"),
        "history_retention_days": _tr("Days the history is kept"),
        "history_retention_rows": _tr("Calls the history keeps at most"),
        "clipboard_clear_seconds": _tr("Seconds before a copied link is cleared (0: never)"),
        "update_feed_url": _tr("Update feed address"),
        "log_level": _tr("Log level"),
        "current_profile": _tr("Profile chosen at start"),
    }.get(key, key)


def value_text(value: Any) -> str:
    if value is None:
        return _tr("Not set")
    if isinstance(value, bool):
        return _tr("Yes") if value else _tr("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else _tr("None")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


class SettingsInEffectDialog(QDialog):
    """A table of every setting in effect, its value and its source; read-only."""

    def __init__(self, effective: EffectiveSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Settings in effect"))
        self.setObjectName("settingsInEffect")
        layout = QVBoxLayout(self)
        intro = QLabel(_tr("These are the settings Enkash Desktop uses now, and where each one "
                           "comes from. Settings your administrator sets cannot be changed "
                           "here."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(effective.items), 3, self)
        self.table.setHorizontalHeaderLabels([_tr("Setting"), _tr("Value"), _tr("Comes from")])
        self.table.setAccessibleName(_tr("Settings in effect"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self._keys = [item.key for item in effective.items]
        for row, item in enumerate(effective.items):
            cells = (setting_label(item.key), value_text(item.value), source_label(item.source))
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(_tr("%s (setting %s)") % (text, item.key) if column == 0
                                else text)
                self.table.setItem(row, column, cell)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        notes = list(effective.policy.notices)
        if effective.policy.source:
            notes.insert(0, _tr("Your administrator's policy was read from %s.")
                         % effective.policy.source)
        self.notes = QLabel("\n".join(notes))
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(notes))
        layout.addWidget(self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 480)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Each row's setting key, then what the table shows: name, value and source."""
        def cell(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(key, cell(r, 0), cell(r, 1), cell(r, 2)) for r, key in enumerate(self._keys)]


def lock_copy_with_secrets(action: QAction, button: QPushButton,
                           effective: EffectiveSettings) -> None:
    """Copy as cURL with secrets (menu and button) is off when the policy says so, and says
    why."""
    allowed = effective.value("allow_copy_with_secrets") is not False
    action.setEnabled(allowed)
    button.setEnabled(allowed)
    if not allowed:
        tip = _tr("Copying secrets is turned off. %s") % _tr(LOCKED_TEXT)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        button.setToolTip(tip)
        button.setAccessibleDescription(tip)


def lock_production(combo: QComboBox, production_value: str,
                    effective: EffectiveSettings) -> None:
    """The Production environment cannot be chosen when the policy forbids production."""
    if effective.value("allow_production") is not False:
        return
    from PySide6.QtGui import QStandardItemModel

    index = combo.findData(production_value)
    model = combo.model()
    if index < 0 or not isinstance(model, QStandardItemModel):
        return
    item = model.item(index)
    if item is not None:
        item.setEnabled(False)
        item.setToolTip(_tr("Production is not allowed on this computer. %s")
                        % _tr(LOCKED_TEXT))
