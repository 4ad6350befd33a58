"""Find card: a support agent who knows the card account and the company picks the
cardholder from a list, by keyboard alone, and the lookup lands in the history."""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from enkash_desktop.gui.card_dialog import CardPickerDialog
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import DEMO, DEMO_CARDS, DEMO_EMPTY_CARD_ACCOUNT, Sandbox
from tests.gui.gui_helpers import retype, send

ACCOUNT = "CAQL8YCV3"
CARD_TOKENS = [c.token for c in DEMO_CARDS]


def open_picker_by_keyboard(qtbot: Any, window: MainWindow) -> CardPickerDialog:
    form = window.cardholder
    window.activateWindow()  # back from an earlier dialog
    form.card_id_edit.setFocus()
    qtbot.keyClick(form.card_id_edit, Qt.Key.Key_Tab)
    assert window.focusWidget() is form.find_card_button
    qtbot.keyClick(form.find_card_button, Qt.Key.Key_Space)
    picker = window.calls.card_picker
    assert picker is not None and picker.isVisible()
    return picker


def wait_for_cards(qtbot: Any, picker: CardPickerDialog) -> None:
    qtbot.waitUntil(lambda: picker.search_result is not None, timeout=8000)


def test_find_card_is_enabled_once_account_and_company_are_valid(
        qtbot: Any, window: MainWindow) -> None:
    form = window.cardholder
    button = form.find_card_button
    assert button.isEnabled()  # the demo form is filled in
    assert button.accessibleName() == "Find card" and button.toolTip().endswith(".")
    retype(qtbot, form.company_edit, "")
    assert not button.isEnabled()
    retype(qtbot, form.company_edit, "CEK 1PU")  # a space: not a valid id
    assert not button.isEnabled()
    retype(qtbot, form.company_edit, DEMO.company_id)
    assert button.isEnabled()
    retype(qtbot, form.card_id_edit, "")  # the card id is what it finds: not needed
    assert button.isEnabled()


def test_keyboard_only_pick_of_the_hr_admin_card_then_send(
        qtbot: Any, make_window: Callable[..., MainWindow], sandbox: Sandbox) -> None:
    window = make_window(with_history=True)
    form = window.cardholder
    retype(qtbot, form.card_account_edit, ACCOUNT)
    retype(qtbot, form.card_id_edit, "")
    assert form.employee_radio.isChecked()
    picker = open_picker_by_keyboard(qtbot, window)
    wait_for_cards(qtbot, picker)
    assert picker.list.count() == 4 and picker.list.hasFocus()
    lines = [picker.list.item(i).text() for i in range(picker.list.count())]
    assert lines[0].startswith("Asha Verma — EKCDM5AVZY — XXXX XXXX XXXX 2209")
    assert lines[3].endswith("HR / company admin")
    for token in CARD_TOKENS:  # the card token is never shown
        assert all(token not in line for line in lines)
        assert token not in picker.status.text()
    for _ in range(3):
        qtbot.keyClick(picker.list, Qt.Key.Key_Down)
    qtbot.keyClick(picker.list, Qt.Key.Key_Return)
    assert not picker.isVisible()
    assert form.card_id_edit.text() == "EKCDH6RS4A"
    assert form.admin_radio.isChecked()  # the reply said it is an admin card
    # The window's focus is back on the card id (the offscreen platform does not activate
    # the window again by itself, so the window's own focus widget is what is checked).
    qtbot.waitUntil(lambda: window.focusWidget() is form.card_id_edit, timeout=2000)

    send(qtbot, window)
    assert "Success" in window.result.outcome.text(), window.result.hint.text()
    assert "/reward_account/" in window.result.link_view.text()

    store = window.history_store
    assert store is not None
    qtbot.waitUntil(lambda: store.count() == 2, timeout=5000)
    lookup, sso = sorted(store.page(None, 10), key=lambda r: r.id)
    assert lookup.kind == "lookup" and sso.kind == "sso"
    assert lookup.card_account_id == ACCOUNT and lookup.company_id == DEMO.company_id
    assert lookup.message == f"Card lookup: 4 cards found for card account {ACCOUNT}."
    assert lookup.outcome == "success" and lookup.http_status == 200
    assert "/enKashCard/search" in lookup.request_redacted
    assert "EKCDH6RS4A" in lookup.reply_redacted  # the reply is kept, redacted
    # No card token anywhere on disk or on screen.
    raw = b"".join(p.read_bytes() for p in store.path.parent.glob(store.path.name + "*"))
    for token in CARD_TOKENS:
        assert token.encode() not in raw
        assert token not in window.reply.text.toPlainText()
    with sqlite3.connect(store.path) as conn:
        dump = "\n".join(conn.iterdump())
    assert not any(token in dump for token in CARD_TOKENS)


def test_escape_closes_and_changes_nothing(qtbot: Any, window: MainWindow) -> None:
    form = window.cardholder
    before = form.cardholder()
    picker = open_picker_by_keyboard(qtbot, window)
    wait_for_cards(qtbot, picker)
    qtbot.keyClick(picker.list, Qt.Key.Key_Escape)
    assert not picker.isVisible()
    assert form.cardholder() == before


def test_an_empty_account_and_a_refusal_are_explained(
        qtbot: Any, window: MainWindow) -> None:
    form = window.cardholder
    retype(qtbot, form.card_account_edit, DEMO_EMPTY_CARD_ACCOUNT)
    picker = open_picker_by_keyboard(qtbot, window)
    wait_for_cards(qtbot, picker)
    assert picker.status.text() == "This card account has no cards yet."
    assert picker.list.count() == 0 and not picker.use_button.isEnabled()
    qtbot.keyClick(picker, Qt.Key.Key_Return)  # nothing to use: stays open, fills nothing
    assert picker.isVisible()
    qtbot.keyClick(picker, Qt.Key.Key_Escape)

    retype(qtbot, form.card_account_edit, "CANOTOURS")
    picker = open_picker_by_keyboard(qtbot, window)
    wait_for_cards(qtbot, picker)
    assert picker.status.text() == ("EnKash refused the card search: Card account not found "
                                    "for this company.")
    assert picker.hint.text() and picker.hint.isVisible()
    qtbot.keyClick(picker, Qt.Key.Key_Escape)


def test_the_lookup_never_blocks_the_window(qtbot: Any, window: MainWindow,
                                            sandbox: Sandbox) -> None:
    sandbox.set_fault("delay", endpoint="search", delay_s=1.0, times=1)
    t0 = time.monotonic()
    picker = open_picker_by_keyboard(qtbot, window)
    assert time.monotonic() - t0 < 0.5  # the dialog is up before the reply
    assert picker.status.text().startswith("Looking up the cards of card account")
    assert not picker.list.isEnabled()
    ticks: list[float] = []
    timer_start = time.monotonic()
    while picker.search_result is None and time.monotonic() - timer_start < 8:
        qtbot.wait(20)
        ticks.append(time.monotonic())
    assert picker.search_result is not None and picker.search_result.ok
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 10 and max(gaps) < 0.5  # the event loop kept turning
    qtbot.keyClick(picker.list, Qt.Key.Key_Escape)


def test_ctrl_shift_f_opens_the_list_from_anywhere_in_the_window(
        qtbot: Any, window: MainWindow) -> None:
    window.activateWindow()
    window.send_button.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    picker = window.calls.card_picker
    assert picker is not None and picker.isVisible()
    assert window.find_card_action.text() == "&Find card…"
    wait_for_cards(qtbot, picker)
    qtbot.keyClick(picker.list, Qt.Key.Key_Escape)
    window.cardholder.company_edit.setText("")
    window.find_card_action.trigger()  # nothing to look up: nothing opens
    assert window.calls.card_picker is picker


def test_a_bug_in_the_lookup_opens_the_crash_dialog(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from enkash_desktop.core import cards

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("forced fault in the card search")

    monkeypatch.setattr(cards, "search_cards", broken)
    picker = open_picker_by_keyboard(qtbot, window)
    calls = window.calls
    qtbot.waitUntil(lambda: calls.crash_dialog is not None and calls.crash_dialog.isVisible())
    assert picker.status.text() == ("The card search was not finished because of a fault in "
                                    "Enkash Desktop.")
    assert window.calls.crash_dialog is not None
    assert "looking up the cards" in window.calls.crash_dialog.details.toPlainText()
    window.calls.crash_dialog.reject()
    picker.reject()
