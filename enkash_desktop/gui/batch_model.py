"""The batch dialog's table: every row of the input file and what became of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from enkash_desktop.core.csvsafe import CardholderRow, RowProblem
from enkash_desktop.core.models import Cardholder

from .texts import tr_core
from .widgets import ERROR_COLOR, SUCCESS_COLOR, WARNING_COLOR

COL_LINE, COL_CARD_ACCOUNT, COL_COMPANY, COL_ENKASH_CARD, COL_TYPE, COL_STATUS = range(6)


@dataclass
class PreviewRow:
    """A line of the input and what became of it (``state``: ready, problem, ok, failed,
    skipped)."""

    line: int
    cardholder: Cardholder | None
    state: str
    status: str


class BatchRowsModel(QAbstractTableModel):
    """Every row of the input file, in line order: the valid ones and the problems."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PreviewRow] = []
        self._sent_rows: list[int] = []  # valid row index (as given to run_batch) -> model row
        self._headers = [self.tr("Line"), self.tr("Card account id"), self.tr("Company id"),
                         self.tr("EnKash card id"), self.tr("Card type"), self.tr("Status")]

    def load(self, rows: Sequence[CardholderRow], problems: Sequence[RowProblem]) -> None:
        self.beginResetModel()
        ready = self.tr("Ready to send.")
        items = [(r.line, PreviewRow(r.line, r.cardholder, "ready", ready)) for r in rows]
        items += [(p.line, PreviewRow(p.line, p.cardholder, "problem",
                                      self.tr("Not sent: %s") % tr_core(p.message)))
                  for p in problems]
        items.sort(key=lambda item: item[0])
        self._rows = [row for _, row in items]
        self._sent_rows = [i for i, row in enumerate(self._rows) if row.state != "problem"]
        self.endResetModel()

    def clear(self) -> None:
        self.load([], [])

    def valid_cardholders(self) -> list[Cardholder]:
        """The rows to send, in the order :meth:`set_result` indexes them."""
        out: list[Cardholder] = []
        for i in self._sent_rows:
            holder = self._rows[i].cardholder
            assert holder is not None
            out.append(holder)
        return out

    def set_result(self, index: int, state: str, status: str) -> None:
        """Show the outcome of valid row ``index``."""
        if not 0 <= index < len(self._sent_rows):
            return
        row = self._sent_rows[index]
        self._rows[row].state = state
        self._rows[row].status = status
        self.dataChanged.emit(self.index(row, COL_STATUS), self.index(row, COL_STATUS))

    def reset_results(self) -> None:
        """Every valid row back to "ready" (a new run reports afresh)."""
        ready = self.tr("Ready to send.")
        for i in self._sent_rows:
            self._rows[i].state = "ready"
            self._rows[i].status = ready
        if self._sent_rows:
            self.dataChanged.emit(self.index(0, COL_STATUS),
                                  self.index(len(self._rows) - 1, COL_STATUS))

    def row(self, row: int) -> PreviewRow:
        return self._rows[row]

    def counts(self) -> tuple[int, int]:
        """(rows to send, rows with a problem)."""
        return len(self._sent_rows), len(self._rows) - len(self._sent_rows)

    # -- Qt ----------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == COL_LINE:
                return str(row.line)
            if column == COL_STATUS:
                return row.status
            holder = row.cardholder
            if holder is None:
                return ""
            if column == COL_CARD_ACCOUNT:
                return holder.card_account_id
            if column == COL_COMPANY:
                return holder.company_id
            if column == COL_ENKASH_CARD:
                return holder.enkash_card_id
            if column == COL_TYPE:
                return self.tr("Admin") if holder.admin else self.tr("Employee")
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            color = {"problem": WARNING_COLOR, "failed": ERROR_COLOR,
                     "ok": SUCCESS_COLOR}.get(row.state)
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_LINE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
