"""Find card: list a card account's cards and fill the EnKash card id from the one chosen.

The search runs on the window's worker (never the GUI thread); the dialog opens at once and
shows "Looking up…" until the reply comes. Every lookup is recorded in the history, also when
the dialog was closed before the reply arrived. Keyboard use: the list takes the focus when
the cards arrive, the arrow keys move, Enter uses the card, Esc closes.

A card's ``token`` (a card token, not an SSO token) is never read by the core, so it cannot
appear here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .qtprops import set_enum
from .texts import tr_core
from .widgets import ERROR_COLOR

if TYPE_CHECKING:
    from enkash_desktop.core.cards import CardRecord, CardSearchResult
    from enkash_desktop.core.client import EnkashClient

    from .forms import CardholderForm
    from .shell import Shell

CARD_ROLE = Qt.ItemDataRole.UserRole


class _CardList(QListWidget):
    """The list of cards; Enter uses the current card (and goes no further)."""

    chosen = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            event.accept()
            self.chosen.emit()
            return
        super().keyPressEvent(event)


class CardPickerDialog(QDialog):
    """The cards of one card account, to choose from; :attr:`card` is the one chosen."""

    cardChosen = Signal(object)

    def __init__(self, parent: QWidget | None, card_account_id: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Find card"))
        self.setObjectName("cardPicker")
        self.card: CardRecord | None = None
        self.search_result: CardSearchResult | None = None
        layout = QVBoxLayout(self)
        self.status = QLabel(self.tr("Looking up the cards of card account %s…")
                             % card_account_id)
        self.status.setWordWrap(True)
        set_enum(self.status, "textFormat", "PlainText")
        self.status.setAccessibleName(self.tr("Card search status"))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        set_enum(self.hint, "textFormat", "PlainText")
        self.hint.setAccessibleName(self.tr("What to do next"))
        self.hint.hide()
        self.list = _CardList()
        self.list.setAccessibleName(self.tr("Cards of the card account"))
        self.list.setMinimumSize(560, 220)
        self.list.setEnabled(False)
        list_label = QLabel(self.tr("&Cards:"))
        list_label.setBuddy(self.list)
        buttons = QDialogButtonBox()
        self.use_button = QPushButton(self.tr("&Use this card"))
        self.use_button.setAccessibleName(self.tr("Use this card"))
        self.use_button.setEnabled(False)
        self.use_button.setDefault(True)
        buttons.addButton(self.use_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        close.setText(self.tr("Close"))
        close.setAutoDefault(False)  # Enter never closes the list by accident
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.chosen.connect(self.accept)
        self.list.currentItemChanged.connect(
            lambda item, _prev: self.use_button.setEnabled(item is not None))
        for widget in (self.status, self.hint, list_label, self.list, buttons):
            layout.addWidget(widget)

    def show_result(self, result: CardSearchResult) -> None:
        """Show the cards found, or why there are none."""
        self.search_result = result
        self.list.clear()
        if result.error is not None:
            self.status.setText(tr_core(result.error.message))
            self.status.setStyleSheet(f"color: {ERROR_COLOR.name()};")
            self.hint.setText(tr_core(result.error.hint))
            self.hint.show()
            return
        if not result.cards:
            self.status.setText(self.tr("This card account has no cards yet."))
            return
        self.status.setText(self.tr("%d cards found. Choose one and press Enter.")
                            % len(result.cards) if len(result.cards) != 1 else
                            self.tr("1 card found. Press Enter to use it."))
        for card in result.cards:
            item = QListWidgetItem(describe(card))
            item.setData(CARD_ROLE, card)
            self.list.addItem(item)
        self.list.setEnabled(True)
        self.list.setCurrentRow(0)
        self.list.setFocus()

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is None or not self.list.isEnabled() or self.card is not None:
            return
        self.card = item.data(CARD_ROLE)
        super().accept()
        self.cardChosen.emit(self.card)


def describe(card: CardRecord) -> str:
    """One line per card: who, which card, its number and status."""
    parts = [card.name or "(no name given)", card.enkash_card_id]
    if card.masked_number:
        parts.append(card.masked_number)
    if card.status:
        parts.append(card.status.capitalize())
    if card.admin:
        parts.append("HR / company admin")
    return " — ".join(parts)


def open_card_picker(shell: Shell, *, client: EnkashClient, form: CardholderForm,
                     record: Callable[[CardSearchResult], str],
                     on_bug: Callable[[object], None]) -> CardPickerDialog | None:
    """Start the search for the form's card account on the worker and open the dialog.

    ``record`` runs on the worker with every result (the history's recorder; it returns a
    sentence when the lookup could not be recorded), whether or not the dialog is still
    open; ``on_bug`` gets an exception that is not ours (a fault in the program). Choosing a
    card fills the form's EnKash card id, and the card type when it is an admin's.
    """
    holder = form.cardholder()
    dialog = CardPickerDialog(shell.widget(), holder.card_account_id.strip())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    alive = [True]
    dialog.destroyed.connect(lambda *_: alive.__setitem__(0, False))

    def search() -> tuple[CardSearchResult, str]:
        from enkash_desktop.core.cards import search_cards

        result = search_cards(client, holder.card_account_id, holder.company_id)
        return result, record(result)

    def dialog_alive() -> bool:
        return alive[0] and dialog.isVisible()

    def done(value: object) -> None:
        if not isinstance(value, tuple):
            return
        result, notice = value
        if notice:
            shell.show_notice(tr_core(notice))
        if dialog_alive():
            dialog.show_result(result)

    def failed(exc: object) -> None:
        if dialog_alive():
            dialog.status.setText(dialog.tr("The card search was not finished because of a "
                                            "fault in Enkash Desktop."))
        on_bug(exc)

    def chosen(card: CardRecord) -> None:
        form.use_card(card.enkash_card_id, card.admin)
        form.card_id_edit.setFocus()

    dialog.cardChosen.connect(chosen)
    job = shell.run_background(search, done, failed, name="card lookup")
    if job is None:  # the window is closing
        dialog.deleteLater()
        return None
    dialog.open()
    return dialog
