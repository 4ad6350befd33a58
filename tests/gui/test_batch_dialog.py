"""Batch from CSV: preview, a run against the sandbox, cancel and resume, the pause on 401."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from enkash_desktop.core.batch import LINKS_WARNING, BatchEnd
from enkash_desktop.core.models import Cardholder
from enkash_desktop.gui.batch_dialog import BatchDialog
from enkash_desktop.gui.batch_model import COL_LINE, COL_STATUS, BatchRowsModel
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import DEMO, Sandbox
from tests.gui.conftest import Asker
from tests.gui.gui_helpers import editor, get_token, retype, sso_calls, token_calls

BAD_LINES = [
    "CA BAD ID,CEK1PU9AOO,EKCDX0001,employee",  # a space in an id
    ",CEK1PU9AOO,EKCDX0002,employee",  # missing card account id
    "CAX0000003,CEK1PU9AOO,EKCDX0003,boss",  # not employee or admin
]


def cardholders(n: int) -> list[Cardholder]:
    return [Cardholder(f"CAB{i:06d}", DEMO.company_id, f"EKB{i:06d}") for i in range(n)]


def write_input(path: Path, holders: list[Cardholder], *, bad: bool = True) -> Path:
    lines = ["Card Account ID,Company ID,EnKash Card ID,Admin"]
    lines += [f"{h.card_account_id},{h.company_id},{h.enkash_card_id},employee"
              for h in holders]
    if bad:
        for offset, line in enumerate(BAD_LINES):
            lines.insert(5 + 7 * offset, line)
        lines.append(lines[1])  # a repeated row
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_output(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def open_dialog(qtbot: Any, window: MainWindow, csv_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> BatchDialog:
    window.batch_action.trigger()
    dialog = window.history_ctl.batch_dialog
    assert dialog is not None and dialog.isVisible()
    monkeypatch.setattr(dialog, "_choose_input_path", lambda: str(csv_path))
    dialog.input_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    return dialog


def open_known_rows(qtbot: Any, window: MainWindow, sandbox: Sandbox, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch, count: int, *,
                    bad: bool = True) -> tuple[BatchDialog, list[Cardholder]]:
    """The batch dialog after reading ``tmp_path/cards.csv``: ``count`` cardholders the
    sandbox knows (and, with ``bad``, the bad lines among them)."""
    holders = cardholders(count)
    sandbox.add_cardholders(holders)
    source = write_input(tmp_path / "cards.csv", holders, bad=bad)
    return open_dialog(qtbot, window, source, monkeypatch), holders


def run(qtbot: Any, dialog: BatchDialog, timeout_ms: int = 30000) -> None:
    assert dialog.start_button.isEnabled(), dialog.status_label.text()
    runs = dialog.last_run
    dialog.start_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.last_run is not runs, timeout=timeout_ms)


@pytest.fixture
def batch_window(make_window: Any) -> MainWindow:
    window: MainWindow = make_window(with_history=True)
    return window


def test_a_30_row_batch_ends_in_the_output_and_the_history(
        qtbot: Any, batch_window: MainWindow, sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = batch_window
    dialog, holders = open_known_rows(qtbot, window, sandbox, tmp_path, monkeypatch, 30)

    # The preview: every row, the bad ones with their line and reason.
    assert dialog.output_edit.text() == str(tmp_path / "cards-links.csv")
    assert dialog.model.counts() == (30, 4)
    assert dialog.model.rowCount() == 34
    problems = [dialog.model.row(r) for r in range(34) if dialog.model.row(r).state == "problem"]
    assert [p.line for p in problems] == [6, 13, 20, 35]
    statuses = [dialog.model.index(r, COL_STATUS).data() for r in range(34)]
    assert any("repeats line 2" in s for s in statuses)
    assert any("employee or admin" in s for s in statuses)
    assert dialog.model.index(4, COL_LINE).data() == "6"  # line 1 is the header
    assert "30 rows are ready" in dialog.preview_label.text()
    assert dialog.concurrency_spin.value() == 4
    assert (dialog.concurrency_spin.minimum(), dialog.concurrency_spin.maximum()) == (1, 16)
    assert dialog.links_warning.isHidden()

    sandbox.set_fault("http_500", endpoint="sso", times=2)
    run(qtbot, dialog)
    last = dialog.last_run
    assert last is not None and last.summary.end is BatchEnd.COMPLETE
    assert (last.summary.progress.ok, last.summary.progress.failed) == (28, 2)
    assert "Done 30 of 30: 28 succeeded, 2 failed" in dialog.counts_label.text()
    assert dialog.progress_bar.value() == 30
    assert not dialog.links_warning.isHidden()
    assert dialog.links_warning.text() == LINKS_WARNING

    output = tmp_path / "cards-links.csv"
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    rows = read_output(output)
    sent = [r for r in rows if r["outcome"] != "bad_input"]
    assert {(r["card_account_id"], r["enkash_card_id"]) for r in sent} == {
        (h.card_account_id, h.enkash_card_id) for h in holders}
    assert sum(r["outcome"] == "success" for r in sent) == 28
    assert all(r["portal_link"] for r in sent if r["outcome"] == "success")
    assert sum(r["outcome"] == "bad_input" for r in rows) == 4

    store = window.history_store
    assert store is not None and store.count() == 30
    assert window.history is not None
    qtbot.waitUntil(lambda: window.history is not None and not window.history.busy
                    and window.history.model.rowCount() == 30, timeout=5000)

    # Again with the same output: only the two failed rows are sent.
    calls = sso_calls(sandbox)
    run(qtbot, dialog)
    last = dialog.last_run
    assert last is not None
    assert (last.summary.progress.ok, last.summary.progress.skipped) == (2, 28)
    assert sso_calls(sandbox) == calls + 2
    rows = read_output(output)
    assert sum(r["outcome"] == "success" for r in rows) == 30
    assert len([r for r in rows if r["outcome"] != "bad_input"]) == 30
    assert store.count() == 32
    skipped = [dialog.model.index(r, COL_STATUS).data() for r in range(34)]
    assert sum("Skipped" in s for s in skipped) == 28
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_cancel_keeps_finished_rows_and_resume_completes(
        qtbot: Any, batch_window: MainWindow, sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = batch_window
    dialog, _ = open_known_rows(qtbot, window, sandbox, tmp_path, monkeypatch, 12, bad=False)
    dialog.concurrency_spin.setValue(2)
    sandbox.set_fault("delay", endpoint="sso", delay_s=0.15)

    ticks = 0

    def tick() -> None:
        nonlocal ticks
        ticks += 1

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    timer.start()
    dialog.start_button.click()
    assert dialog.running and dialog.cancel_button.isEnabled()
    assert not dialog.close_button.isEnabled()
    qtbot.waitUntil(lambda: "Done 4 of" in dialog.counts_label.text()
                    or "Done 5 of" in dialog.counts_label.text(), timeout=10000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    timer.stop()
    assert ticks >= 10  # the GUI thread kept running its timers during the batch

    last = dialog.last_run
    assert last is not None and last.summary.end is BatchEnd.CANCELLED
    finished = last.summary.progress.done
    assert 4 <= finished < 12 and last.summary.not_started == 12 - finished
    assert "cancelled" in dialog.status_label.text()
    output = tmp_path / "cards-links.csv"
    rows = read_output(output)
    assert len(rows) == finished and all(r["outcome"] == "success" for r in rows)

    sandbox.clear_faults()
    run(qtbot, dialog)
    last = dialog.last_run
    assert last is not None and last.summary.end is BatchEnd.COMPLETE
    assert last.summary.progress.skipped == finished
    rows = read_output(output)
    keys = [(r["card_account_id"], r["enkash_card_id"]) for r in rows]
    assert len(keys) == len(set(keys)) == 12
    assert sso_calls(sandbox) == 12  # no row was sent twice
    store = window.history_store
    assert store is not None and store.count() == 12


def dialog_that_will_pause(qtbot: Any, window: MainWindow, sandbox: Sandbox, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> BatchDialog:
    """Four rows, one at a time; the first is refused twice (before and after the one fresh
    login), so the batch pauses and asks."""
    dialog, _ = open_known_rows(qtbot, window, sandbox, tmp_path, monkeypatch, 4, bad=False)
    dialog.concurrency_spin.setValue(1)
    sandbox.set_fault("http_401", endpoint="sso", times=2)
    return dialog


def test_an_authentication_failure_pauses_and_asks(
        qtbot: Any, batch_window: MainWindow, sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, asker: Asker) -> None:
    dialog = dialog_that_will_pause(qtbot, batch_window, sandbox, tmp_path, monkeypatch)
    asker.answer = True
    run(qtbot, dialog)
    assert [c["title"] for c in asker.calls] == ["The batch is paused"]
    last = dialog.last_run
    assert last is not None and last.summary.end is BatchEnd.COMPLETE
    assert last.summary.progress.ok == 4


def test_stopping_at_the_pause_keeps_the_rest_for_later(
        qtbot: Any, batch_window: MainWindow, sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, asker: Asker) -> None:
    dialog = dialog_that_will_pause(qtbot, batch_window, sandbox, tmp_path, monkeypatch)
    asker.answer = False
    run(qtbot, dialog)
    last = dialog.last_run
    assert last is not None and last.summary.end is BatchEnd.AUTHENTICATION
    assert last.summary.not_started == 3
    assert "Click Start to resume" in dialog.status_label.text()
    run(qtbot, dialog)
    assert dialog.last_run is not None and dialog.last_run.summary.progress.ok == 4


def test_a_profile_that_cannot_send_sends_nothing(
        qtbot: Any, batch_window: MainWindow, sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    holders = cardholders(3)
    dialog = open_dialog(qtbot, batch_window, write_input(tmp_path / "c.csv", holders),
                         monkeypatch)
    editor(batch_window).partner_id_edit.setText("")
    dialog.start_button.click()
    assert not dialog.busy
    assert "The profile cannot send yet" in dialog.status_label.text()
    assert sso_calls(sandbox) == 0
    assert not (tmp_path / "c-links.csv").exists()


def test_a_file_that_is_not_a_cardholder_list_is_explained(
        qtbot: Any, batch_window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "other.csv"
    source.write_text("name,amount\nA,1\n", encoding="utf-8")
    dialog = open_dialog(qtbot, batch_window, source, monkeypatch)
    assert "no column for" in dialog.status_label.text()
    assert not dialog.start_button.isEnabled()


def test_the_output_is_never_a_foreign_file(
        qtbot: Any, batch_window: MainWindow, sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    holders = cardholders(2)
    dialog = open_dialog(qtbot, batch_window, write_input(tmp_path / "c.csv", holders),
                         monkeypatch)
    foreign = tmp_path / "notes.csv"
    foreign.write_text("my,own\nfile,here\n", encoding="utf-8")
    monkeypatch.setattr(dialog, "_choose_output_path", lambda: str(foreign))
    dialog.output_button.click()
    dialog.start_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    assert "is not a results file" in dialog.status_label.text()
    assert foreign.read_text(encoding="utf-8") == "my,own\nfile,here\n"
    assert sso_calls(sandbox) == 0


def test_rows_model_is_consistent(qtmodeltester: Any, tmp_path: Path) -> None:
    from enkash_desktop.core.csvsafe import read_cardholders_csv

    model = BatchRowsModel()
    rows, problems = read_cardholders_csv(write_input(tmp_path / "c.csv", cardholders(5)))
    model.load(rows, problems)
    qtmodeltester.check(model)
    model.set_result(0, "ok", "Done.")
    assert model.index(0, COL_STATUS).data() == "Done."


def test_a_rate_limit_pauses_the_batch_and_says_so(
        qtbot: Any, batch_window: MainWindow, sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog, _ = open_known_rows(qtbot, batch_window, sandbox, tmp_path, monkeypatch, 6,
                                bad=False)
    sandbox.set_fault("gateway_html", endpoint="sso", value="429:1", times=1)
    seen: list[str] = []
    dialog.signals.rate_limited.connect(lambda _s: seen.append(dialog.status_label.text()))
    run(qtbot, dialog)
    assert seen == ["EnKash's gateway asked for fewer calls. The batch waits 1 second and "
                    "then goes on by itself."]
    last = dialog.last_run
    assert last is not None and last.summary.end is BatchEnd.COMPLETE
    assert last.summary.progress.ok == 6 and last.summary.progress.failed == 0
    rows = read_output(tmp_path / "cards-links.csv")
    assert [r["outcome"] for r in rows] == ["success"] * 6


def test_counts_read_as_sentences_for_one_row_and_for_several(
        qtbot: Any, tmp_path: Path) -> None:
    dialog = BatchDialog(prepare_client=lambda rows: None)
    qtbot.addWidget(dialog)
    one = tmp_path / "one.csv"
    one.write_text("Card Account ID,Company ID,EnKash Card ID\nCAQL8YCV3,CEK1PU9AOO,EKCDM5AVZY\n"
                   "CA Q,CEK1PU9AOO,EKCDM5AVZY\n", encoding="utf-8")
    dialog.load_input(one)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    text = dialog.preview_label.text()
    assert "1 row is ready to send." in text and "1 row has a problem" in text
    assert "1 rows" not in text


def test_the_login_a_batch_locks_stays_locked(
        qtbot: Any, batch_window: MainWindow, sandbox: Sandbox, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, asker: Asker) -> None:
    retype(qtbot, editor(batch_window).password_edit, "wrong-password")
    for _ in range(2):
        get_token(qtbot, batch_window)
    dialog, _ = open_known_rows(qtbot, batch_window, sandbox, tmp_path, monkeypatch, 3,
                                bad=False)
    asker.answer = True  # "Try once more": the third login fails, and locks the login
    run(qtbot, dialog)
    assert [c["accept_label"] for c in asker.calls] == ["Try once more"]
    assert token_calls(sandbox) == 3 and sso_calls(sandbox) == 0
    assert "EnKash has now locked this login" in dialog.status_label.text()
    run(qtbot, dialog)  # again: refused at once, nothing asked, nothing sent
    assert len(asker.calls) == 1 and token_calls(sandbox) == 3
    assert "EnKash has locked this login, so no login was sent." in dialog.status_label.text()
