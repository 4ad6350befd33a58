"""A result belongs to the request that made it: once the cardholder or the profile in the
form differs, the previous cardholder's token and link cannot be copied, opened or shown
as a QR code, and a new call clears the result at once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import DEMO_CARDHOLDERS
from tests.gui.gui_helpers import editor, retype, send


def _usable(window: MainWindow) -> bool:
    r = window.result
    return any(b.isEnabled() for b in (r.open_button, r.copy_link_button, r.qr_button,
                                      r.copy_token_button)) or bool(r.link_view.text())


def test_typing_another_cardholder_puts_the_previous_link_away(
        qtbot: Any, window: MainWindow) -> None:
    send(qtbot, window)
    link = window.result.link_view.text()
    assert link and _usable(window)
    first = window.cardholder.cardholder()
    assert first.card_account_id in window.result.hint.text()  # the result names its cardholder

    other = DEMO_CARDHOLDERS[1]
    retype(qtbot, window.cardholder.card_account_edit, other.card_account_id)
    assert not _usable(window)
    assert "put away" in window.result.outcome.text()
    QGuiApplication.clipboard().setText("before")
    qtbot.keyClick(window, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text() == "before"  # Copy link copies nothing
    window.copy_link_action.trigger()
    assert link not in QGuiApplication.clipboard().text()

    # The admin card type and the profile count as well.
    retype(qtbot, window.cardholder.card_account_edit, first.card_account_id)
    send(qtbot, window)
    assert _usable(window)
    qtbot.mouseClick(window.cardholder.admin_radio, Qt.MouseButton.LeftButton)
    assert not _usable(window)
    qtbot.mouseClick(window.cardholder.employee_radio, Qt.MouseButton.LeftButton)
    send(qtbot, window)
    assert _usable(window)
    retype(qtbot, editor(window).portal_partner_edit, "other")
    assert not _usable(window)


def test_a_new_call_clears_the_previous_result_at_once(
        qtbot: Any, window: MainWindow, sandbox: Any) -> None:
    send(qtbot, window)
    assert _usable(window)
    sandbox.set_fault("delay", endpoint="sso", times=1, delay_s=0.5)
    window.calls.send()
    assert window.busy
    assert not _usable(window) and window.result.http_status.text() == "—"
    qtbot.waitUntil(lambda: not window.busy, timeout=8000)
    assert _usable(window)


def test_a_spreadsheet_row_pasted_into_a_field_fills_all_three_and_sends(
        qtbot: Any, window: MainWindow) -> None:
    other = DEMO_CARDHOLDERS[1]
    send(qtbot, window)
    QGuiApplication.clipboard().setText(
        f"{other.card_account_id}\t{other.company_id}\t{other.enkash_card_id}\r\n")
    edit = window.cardholder.company_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    holder = window.cardholder.cardholder()
    assert (holder.card_account_id, holder.company_id, holder.enkash_card_id) == (
        other.card_account_id, other.company_id, other.enkash_card_id)
    assert window.cardholder.message("company_id") == ""  # no "control character" message
    assert not _usable(window)  # the previous cardholder's link went with the paste
    send(qtbot, window)
    assert "Success" in window.result.outcome.text()
    assert other.card_account_id in window.result.hint.text()

    # A single id still pastes as text, into the field under the cursor.
    QGuiApplication.clipboard().setText("CAXYZ")
    window.cardholder.card_account_edit.selectAll()
    window.cardholder.card_account_edit.setFocus()
    qtbot.keyClick(window.cardholder.card_account_edit, Qt.Key.Key_V,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.cardholder.card_account_edit.text() == "CAXYZ"


def test_a_copied_link_leaves_the_clipboard_when_its_result_is_put_away(
        qtbot: Any, window: MainWindow) -> None:
    """Copy the link, type another cardholder: the previous cardholder's login is neither on
    screen nor on the clipboard. What the user copied since is left alone."""
    send(qtbot, window)
    link = window.result.link_view.text()
    clipboard = QGuiApplication.clipboard()
    qtbot.keyClick(window.cardholder.card_account_edit, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert clipboard.text() == link
    retype(qtbot, window.cardholder.card_account_edit, DEMO_CARDHOLDERS[1].card_account_id)
    assert "put away" in window.result.outcome.text()
    assert clipboard.text() == ""
    assert "clipboard was cleared" in window.statusBar().currentMessage()

    retype(qtbot, window.cardholder.card_account_edit, DEMO_CARDHOLDERS[0].card_account_id)
    send(qtbot, window)
    window.result.copy_link()
    clipboard.setText("a note the clerk copied afterwards")
    retype(qtbot, window.cardholder.card_account_edit, DEMO_CARDHOLDERS[1].card_account_id)
    assert clipboard.text() == "a note the clerk copied afterwards"
