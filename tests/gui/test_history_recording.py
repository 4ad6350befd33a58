"""Every call is in the history: one sent before the history opened is written when it
opens, and a history that cannot open is said in the notice bar, never dropped silently."""

from __future__ import annotations

from typing import Any

from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.store.history import HistoryStore
from enkash_desktop.store.paths import AppPaths
from tests.gui.gui_helpers import retype, send


def test_a_send_made_before_the_history_opened_is_recorded_when_it_opens(
        qtbot: Any, window: MainWindow, home: AppPaths) -> None:
    assert window.history is None and window.history_store is None
    send(qtbot, window)
    assert "Success" in window.result.outcome.text()
    first = window.cardholder.cardholder()
    retype(qtbot, window.cardholder.card_account_edit, "CA-NOT-KNOWN-1")
    send(qtbot, window)  # a refusal is a call too

    stores: list[HistoryStore] = []

    def opener() -> HistoryStore:
        stores.append(HistoryStore(home.history_file))
        return stores[-1]

    window.open_history(opener)
    qtbot.waitUntil(lambda: window.history is not None, timeout=5000)
    assert window.wait_for_background(3000)
    store = stores[0]
    try:
        calls = store.page(None, 10)
        assert [c.card_account_id for c in calls] == ["CA-NOT-KNOWN-1", first.card_account_id]
        assert calls[1].outcome == "success" and calls[0].outcome != "success"
        # A send now goes straight in, and the tab shows it at the top.
        send(qtbot, window)
        assert window.history is not None
        qtbot.waitUntil(lambda: window.history is not None
                        and window.history.model.rowCount() == 3, timeout=5000)
        assert store.count() == 3
    finally:
        window.close()
        store.close()


def test_a_history_that_cannot_open_is_said_and_the_calls_still_work(
        qtbot: Any, window: MainWindow) -> None:
    send(qtbot, window)
    window.open_history(lambda: None)
    qtbot.waitUntil(lambda: not window.notice_bar.isHidden(), timeout=5000)
    notice = window.notice_label.text()
    assert "history could not be opened" in notice and "1 call(s)" in notice
    send(qtbot, window)
    assert "Success" in window.result.outcome.text()
    assert "could not be recorded" in window.notice_label.text()


def test_get_token_is_recorded_as_a_login_without_the_token(
        qtbot: Any, make_window: Any, home: AppPaths) -> None:
    from tests.gui.gui_helpers import get_token

    window = make_window(with_history=True)
    get_token(qtbot, window)
    assert "bearer token was received" in window.result.outcome.text()
    client = window.calls.current_client()
    assert client is not None and client.token is not None
    store = window.history_store
    assert store is not None
    qtbot.waitUntil(lambda: store.count() == 1, timeout=5000)
    login = store.page(None, 1)[0]
    assert (login.kind, login.outcome) == ("login", "success")
    assert "valid for" in login.message and login.profile == window.partner.profile().name
    assert client.token.value not in repr(login)
