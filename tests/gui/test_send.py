"""Sending: a valid request shows a token and a link; every fault leaves the window usable."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from enkash_desktop.core.redaction import MASK
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.gui.widgets import ERROR_COLOR, SUCCESS_COLOR
from enkash_desktop.sandbox import (
    DEMO,
    DEMO_ADMIN_CARDHOLDER,
    DEMO_CARDHOLDERS,
    Sandbox,
    demo_secrets,
)
from tests.gui.gui_helpers import editor, retype, send, sso_calls


def assert_success(window: MainWindow) -> None:
    result = window.result
    assert "Success" in result.outcome.text(), (result.outcome.text(), result.hint.text())
    assert SUCCESS_COLOR.name() in result.outcome.styleSheet()
    assert result.http_status.text() == "200"
    assert result.response_code.text() == "0"
    assert result.token_edit.text()
    assert "/sso/" in result.link_view.text()
    assert result.open_button.isEnabled() and result.copy_link_button.isEnabled()


def test_demo_window_is_ready_to_send(window: MainWindow, sandbox: Sandbox) -> None:
    assert editor(window).base_url_edit.text() == sandbox.base_url
    assert window.cardholder.card_account_edit.text() == DEMO_CARDHOLDERS[0].card_account_id
    assert window.send_button.isEnabled(), window.send_blocker
    assert window.result.outcome.text() == "Nothing sent yet."


def test_typing_and_sending_shows_token_and_link(qtbot: Any, window: MainWindow,
                                                 sandbox: Sandbox) -> None:
    holder = DEMO_CARDHOLDERS[1]
    form = window.cardholder
    retype(qtbot, form.card_account_edit, holder.card_account_id)
    retype(qtbot, form.company_edit, holder.company_id)
    retype(qtbot, form.card_id_edit, holder.enkash_card_id)
    send(qtbot, window)
    assert_success(window)
    result = window.result
    token = result.token_edit.text()
    assert result.token_edit.echoMode() == QLineEdit.EchoMode.Password  # masked until shown
    result.token_edit.toggle_action.trigger()
    assert result.token_edit.echoMode() == QLineEdit.EchoMode.Normal
    assert result.link_view.text().endswith("/employee_rewards/hrms")
    assert token not in window.reply.text.toPlainText()  # the reply view is redacted
    assert MASK in window.reply.text.toPlainText()
    assert result.elapsed.text().endswith("ms")
    assert result.message.text() == "Success"
    assert sso_calls(sandbox) == 1
    result.copy_token_button.click()
    assert QApplication.clipboard().text() == token


def test_admin_card_links_to_reward_account(qtbot: Any, window: MainWindow) -> None:
    window.cardholder.load(DEMO_ADMIN_CARDHOLDER)
    assert window.cardholder.admin_radio.isChecked()
    send(qtbot, window)
    assert_success(window)
    assert "/reward_account/hrms" in window.result.link_view.text()


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_ctrl_enter_sends(qtbot: Any, window: MainWindow, key: Qt.Key) -> None:
    window.cardholder.card_account_edit.setFocus()
    qtbot.keyClick(window.cardholder.card_account_edit, key,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Success" in window.result.outcome.text(), timeout=8000)
    qtbot.waitUntil(lambda: not window.busy)


def test_double_send_is_impossible(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    sandbox.set_fault("delay", delay_s=0.4)
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    assert window.busy
    assert not window.send_button.isEnabled()
    assert "in progress" in window.send_button.toolTip()
    window.calls.send()  # the shortcut path too
    window.send_action.trigger()
    qtbot.waitUntil(lambda: not window.busy, timeout=5000)
    assert sso_calls(sandbox) == 1
    assert_success(window)


def test_during_a_call_the_cardholder_is_locked_and_the_call_keeps_its_values(
        qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    sandbox.set_fault("delay", delay_s=0.5)
    holder = DEMO_CARDHOLDERS[0]
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    assert window.busy
    form, partner = window.cardholder, editor(window)
    assert form.card_account_edit.isReadOnly() and not form.admin_radio.isEnabled()
    for widget in (partner.profile_combo, partner.new_button, partner.delete_button,
                   partner.get_token_button, window.profile_bar.combo):
        assert not widget.isEnabled()
    # The partner's fields stay editable; the running call keeps the values it started with.
    assert not partner.partner_id_edit.isReadOnly()
    running = window.calls.call_client
    retype(qtbot, partner.partner_id_edit, "CRMXOTHER1")
    window.curl.copy_curl()  # makes the client for the edited profile while the call runs
    assert "CRMXOTHER1" in QApplication.clipboard().text()
    qtbot.waitUntil(lambda: not window.busy, timeout=5000)
    assert running is not None and running._http is None  # replaced, so closed once done
    assert_success(window)
    assert not form.card_account_edit.isReadOnly() and partner.profile_combo.isEnabled()
    call = next(call for call in sandbox.calls if "sso" in call.path)
    assert call.headers.get("partnerId") == DEMO.partner_id
    assert holder.card_account_id.encode() in call.body
    assert partner.partner_id_edit.text() == "CRMXOTHER1"  # kept for the next call


def test_busy_indicator_and_elapsed_time(qtbot: Any, window: MainWindow,
                                         sandbox: Sandbox) -> None:
    sandbox.set_fault("delay", delay_s=0.5)
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    assert window.busy_bar.isVisible()
    assert window.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: window.elapsed_label.text().startswith("0.3"), timeout=3000)
    # The window keeps painting and answering while the worker waits.
    before = time.monotonic()
    qtbot.wait(50)
    assert time.monotonic() - before < 0.5
    qtbot.waitUntil(lambda: not window.busy, timeout=5000)
    assert not window.busy_bar.isVisible()
    # One elapsed figure once the call is over: the result's time, not a second one here.
    assert window.elapsed_label.text() == "" and window.result.elapsed.text().endswith("ms")


FAULTS = [
    ("http_422", "EnKash rejected the request (HTTP 422)"),
    ("http_500", "had a problem (HTTP 500)"),
    ("http_502_html", "had a problem (HTTP 502)"),
    ("code_1", "Insufficient balance in card account"),
    ("not_json", "was not JSON"),
    ("drop", "broke before the reply arrived"),
    ("hang", "did not answer within 1 second."),
]


@pytest.mark.parametrize(("fault", "sentence"), FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_shows_its_sentence_and_window_stays_usable(
        qtbot: Any, window: MainWindow, sandbox: Sandbox, fault: str, sentence: str) -> None:
    editor(window).timeout_spin.setValue(1.0)
    sandbox.set_fault(fault)
    send(qtbot, window)
    result = window.result
    assert sentence in result.outcome.text()
    assert ERROR_COLOR.name() in result.outcome.styleSheet()
    assert result.hint.text()  # every error says what to do next
    assert not result.token_edit.text() and not result.link_view.text()
    assert not result.open_button.isEnabled()
    if fault in ("http_422", "http_500", "code_1", "http_502_html", "not_json"):
        assert window.reply.text.toPlainText()  # the raw reply is shown
    sandbox.clear_faults()
    send(qtbot, window)
    assert_success(window)


def test_401_without_credentials(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    partner = editor(window)
    retype(qtbot, partner.password_edit, "")
    retype(qtbot, partner.client_secret_edit, "")
    send(qtbot, window)
    assert "There is no bearer token" in window.result.outcome.text()
    assert "Get token" in window.result.hint.text()
    assert sso_calls(sandbox) == 0
    retype(qtbot, partner.authorization_edit, "a-token-the-server-never-issued")
    sandbox.set_fault("http_401")
    send(qtbot, window)
    assert "bearer token was refused" in window.result.outcome.text()
    assert window.result.http_status.text() == "401"
    sandbox.clear_faults()
    window.partner.load_secrets(demo_secrets())
    send(qtbot, window)
    assert_success(window)


def send_into_a_hang(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    """Click Send against a server that never answers; return once the call has arrived."""
    sandbox.set_fault("hang")
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sso_calls(sandbox) == 1, timeout=5000)


def test_cancel_during_hang(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    send_into_a_hang(qtbot, window, sandbox)
    assert window.busy
    started = time.monotonic()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.busy, timeout=2000)
    assert time.monotonic() - started < 1.0
    assert "cancelled" in window.result.outcome.text()
    assert ERROR_COLOR.name() not in window.result.outcome.styleSheet()
    sandbox.clear_faults()
    send(qtbot, window)
    assert_success(window)


def test_cancel_button(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    send_into_a_hang(qtbot, window, sandbox)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.busy, timeout=2000)
    assert "cancelled" in window.result.outcome.text()


def test_close_during_call_exits_quickly(qtbot: Any, window: MainWindow,
                                         sandbox: Sandbox) -> None:
    send_into_a_hang(qtbot, window, sandbox)
    started = time.monotonic()
    assert window.close()
    assert time.monotonic() - started < 1.0
    assert not window.isVisible()
    qtbot.wait(50)  # late signals, if any, must be ignored without a warning


def test_the_links_ending_always_shows_employee_or_admin(qtbot: Any, window: MainWindow) -> None:
    """At the narrowest the window goes, the link is elided in the middle: the host and the
    page it opens (employee rewards or the HR admin's reward account) stay readable."""
    from enkash_desktop.sandbox import DEMO_ADMIN_CARDHOLDER

    window.show()
    window.resize(window.minimumSizeHint())
    window.main_splitter.setSizes([1, 10_000])  # the task pane as narrow as it goes
    view = window.result.link_view
    send(qtbot, window)
    QApplication.processEvents()
    shown = view.shown_text()
    assert "…" in shown and shown.endswith("/employee_rewards/hrms"), shown
    assert shown.startswith("http://127.0.0.1:")
    assert view.text().endswith("/employee_rewards/hrms") and "…" not in view.text()
    window.cardholder.load(DEMO_ADMIN_CARDHOLDER)
    send(qtbot, window)
    QApplication.processEvents()
    assert view.shown_text().endswith("/reward_account/hrms"), view.shown_text()
    assert view.fontMetrics().horizontalAdvance(view.shown_text()) <= view.contentsRect().width()


def test_the_replies_font_is_loaded_ahead_and_shown_with_the_first_reply(
        qtbot: Any, window: MainWindow) -> None:
    """The window loads the replies' fixed font while it is idle after start-up (its warm-up
    calls prepare_font); the placeholder keeps the usual font until a reply arrives."""
    from PySide6.QtGui import QFontDatabase

    usual = window.reply.text.font().family()
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    window.reply.prepare_font()
    assert window.reply.text.font().family() == usual
    send(qtbot, window)
    assert_success(window)
    assert window.reply.text.font().family() == fixed
