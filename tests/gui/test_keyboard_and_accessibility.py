"""The window as a keyboard and a screen reader meet it.

Every Alt+letter of a window (menu titles, buttons, tabs, labels' buddies) is claimed once,
and each menu's letters are unique within it; the same for every dialog. Qt's accessibility
tree of the real main view and of the profile editor gives every interactive element a
name and a role, and reads the outcome, the portal link and the reply as text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMenu,
    QMenuBar,
    QTabBar,
    QWidget,
)

from enkash_desktop.gui.main_window import MainWindow

from .gui_helpers import editor, send

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def _letter(text: str) -> str | None:
    found = _MNEMONIC.findall(text.replace("&&", ""))
    assert len(found) <= 1, f"more than one & in {text!r}"
    return found[0].lower() if found else None


def window_mnemonics(root: QWidget) -> dict[str, list[str]]:
    """Alt+letter → the texts claiming it among ``root``'s own widgets (not other windows'),
    menu titles included."""
    claims: dict[str, list[str]] = defaultdict(list)

    def claim(text: str) -> None:
        letter = _letter(text)
        if letter is not None:
            claims[letter].append(text)

    for widget in [root, *root.findChildren(QWidget)]:
        if widget.window() is not root:
            continue
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if labelled or (isinstance(widget, QAbstractButton)
                        and not widget.objectName().startswith("qt_")):
            claim(widget.text())  # type: ignore[attr-defined]
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            claim(widget.title())
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                claim(widget.tabText(index))
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                claim(action.text())
    return claims


def menu_mnemonics(menu: QMenu) -> dict[str, list[str]]:
    claims: dict[str, list[str]] = defaultdict(list)
    for action in menu.actions():
        letter = _letter(action.text())
        if letter is not None:
            claims[letter].append(action.text())
    return claims


def assert_unique(claims: dict[str, list[str]], where: str) -> None:
    twice = {letter: texts for letter, texts in claims.items() if len(texts) > 1}
    assert not twice, f"{where}: Alt+letters used twice: {twice}"


def test_every_mnemonic_of_the_main_window_is_unique(qtbot: Any, make_window: Any) -> None:
    window: MainWindow = make_window(with_history=True)
    qtbot.waitUntil(lambda: window.history is not None, timeout=5000)
    claims = window_mnemonics(window)
    assert_unique(claims, "main window")
    # The task's fields and actions have their letters (a walk that found none proves
    # nothing).
    for text in ("Card &account id", "&Send", "&Open in browser", "&File", "Histor&y"):
        assert text in claims[_letter(text) or ""], text
    menus = [action.menu() for action in window.menuBar().actions()]
    assert len(menus) >= 3
    for menu in menus:
        assert isinstance(menu, QMenu)
        assert_unique(menu_mnemonics(menu), f"menu {menu.title()}")


def test_alt_a_goes_to_the_card_account_and_types_nothing_elsewhere(
        qtbot: Any, window: MainWindow) -> None:
    from PySide6.QtCore import Qt

    panel = editor(window)
    base_url = panel.base_url_edit.text()
    window.partner.editor.close()  # type: ignore[union-attr]
    window.activateWindow()
    window.send_button.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    focused = window.focusWidget()
    assert focused is window.cardholder.card_account_edit
    assert not window.cardholder.card_account_edit.hasSelectedText()
    qtbot.keyClicks(focused, "X")
    assert panel.base_url_edit.text() == base_url


def test_no_alt_letter_leaves_a_field_with_its_text_selected(
        qtbot: Any, window: MainWindow) -> None:
    """Every labelled text field of the main view and of the profile editor, entered with its
    Alt+letter: the focus is in it, and the next key typed adds to its text."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    editor(window)
    dialog = window.partner.editor
    assert dialog is not None
    checked = 0
    for root, elsewhere in ((window, window.send_button), (dialog, dialog.close_button)):
        root.activateWindow()
        qtbot.waitUntil(root.isActiveWindow, timeout=2000)
        for label in root.findChildren(QLabel):
            field, letter = label.buddy(), _letter(label.text())
            if not isinstance(field, QLineEdit) or letter is None or field.window() is not root \
                    or not field.isVisibleTo(root) or field.isReadOnly():
                continue
            elsewhere.setFocus()  # a button first (Tab into a field selects, as everywhere)
            qtbot.keyClick(root, getattr(Qt.Key, f"Key_{letter.upper()}"),
                           Qt.KeyboardModifier.AltModifier)
            assert root.focusWidget() is field, label.text()
            assert not field.hasSelectedText(), label.text()
            checked += 1
    assert checked >= 10  # the three ids and the editor's text fields


def _dialogs(qtbot: Any, window: MainWindow, monkeypatch: Any) -> Iterator[QWidget]:
    """Open each dialog of the window in turn (closing it after it was checked)."""
    from enkash_desktop.gui.crash_dialog import report_bug

    editor(window)
    assert window.partner.editor is not None
    yield window.partner.editor
    window.partner.editor.close()

    send(qtbot, window)
    window.result.qr_button.click()
    assert window.result.qr_dialog is not None
    yield window.result.qr_dialog
    window.result.qr_dialog.reject()

    window.batch_action.trigger()
    batch = window.history_ctl.batch_dialog
    assert batch is not None
    yield batch
    batch.close()

    window.calls.find_card()
    picker = window.calls.card_picker
    assert picker is not None
    yield picker
    picker.reject()

    window.settings_view_action.trigger()
    settings = window.policy.settings_dialog
    assert settings is not None
    yield settings
    settings.reject()

    crash = report_bug(window, RuntimeError("checking the letters"), "a test")
    assert crash is not None
    yield crash
    crash.reject()


def test_every_dialog_has_unique_mnemonics(qtbot: Any, window: MainWindow,
                                           monkeypatch: Any) -> None:
    seen = []
    for dialog in _dialogs(qtbot, window, monkeypatch):
        seen.append(type(dialog).__name__)
        assert_unique(window_mnemonics(dialog), type(dialog).__name__)
    assert len(seen) == 6, seen


# -- accessibility -----------------------------------------------------------------------

INTERACTIVE = {
    QAccessible.Role.PushButton, QAccessible.Role.CheckBox, QAccessible.Role.RadioButton,
    QAccessible.Role.ComboBox, QAccessible.Role.EditableText, QAccessible.Role.SpinBox,
    QAccessible.Role.PageTab, QAccessible.Role.MenuItem, QAccessible.Role.Table,
}


def walk(interface: QAccessibleInterface, depth: int = 0) -> Iterator[QAccessibleInterface]:
    """The visible accessible objects under ``interface``, itself included."""
    if interface is None or not interface.isValid() or depth > 40:
        return
    if interface.state().invisible:
        return
    yield interface
    for index in range(interface.childCount()):
        yield from walk(interface.child(index), depth + 1)


def _texts(interface: QAccessibleInterface) -> str:
    parts = [interface.text(kind) for kind in (QAccessible.Text.Name,
                                               QAccessible.Text.Description,
                                               QAccessible.Text.Value)]
    text_interface = interface.textInterface()
    if text_interface is not None:
        parts.append(text_interface.text(0, text_interface.characterCount()))
    return "\n".join(part for part in parts if part)


def _names(nodes: list[QAccessibleInterface]) -> set[str]:
    """The names read out; a combo box is read by its current text on Linux (its label is a
    relation), so its own accessible name counts too."""
    names = {node.text(QAccessible.Text.Name) for node in nodes}
    return names | {node.object().accessibleName() for node in nodes
                    if node.role() is QAccessible.Role.ComboBox}


def check_tree(root: QWidget) -> list[QAccessibleInterface]:
    top = QAccessible.queryAccessibleInterface(root)
    assert top is not None and top.isValid()
    nodes = list(walk(top))
    nameless = [(node.role(), node.object()) for node in nodes
                if node.role() in INTERACTIVE and not node.text(QAccessible.Text.Name).strip()]
    assert not nameless, f"interactive elements without a name: {nameless}"
    roles = {node.role() for node in nodes}
    assert QAccessible.Role.NoRole not in {node.role() for node in nodes
                                           if isinstance(node.object(), QAbstractButton)}
    assert {QAccessible.Role.PushButton, QAccessible.Role.EditableText} <= roles
    return nodes


def test_the_main_view_reads_as_names_roles_and_text(qtbot: Any, window: MainWindow) -> None:
    window.show()
    send(qtbot, window)
    nodes = check_tree(window)
    by_object = {id(node.object()): node for node in nodes}
    outcome = by_object[id(window.result.outcome)]
    assert "Success" in _texts(outcome)
    link = window.result.link_view.text()
    assert link.startswith("http") and "/employee_rewards/" in link
    assert link in _texts(by_object[id(window.result.link_view)])
    reply = by_object[id(window.reply.text)]
    assert '"response_code": 0' in _texts(reply)
    names = _names(nodes)
    for name in ("Card account id", "Company id", "EnKash card id", "Send", "Profile",
                 "Edit profile", "Open the portal link in the browser"):
        assert name in names, name


def test_the_profile_editor_reads_as_names_and_roles(qtbot: Any, window: MainWindow) -> None:
    window.show()
    editor(window)
    dialog = window.partner.editor
    assert dialog is not None
    nodes = check_tree(dialog)
    names = _names(nodes)
    for name in ("Base URL", "Auth base URL", "Partner id", "Password", "Client secret",
                 "Authorization", "Get token", "Close the profile editor"):
        assert name in names, name
