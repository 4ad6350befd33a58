"""The history panel and its lazy model, on a real SQLite file."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv
import stat
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QElapsedTimer, QModelIndex, Qt, QTimer
from PySide6.QtTest import QTest

from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.core.models import Cardholder, Environment, SsoResult
from enkash_desktop.gui.history_model import HistoryModel
from enkash_desktop.gui.history_panel import HistoryPanel
from enkash_desktop.store import HistoryFilter, HistoryStore
from tests.history_data import build_history

# Local midnight, so that calls an hour apart fall on known local days.
T0 = datetime(2024, 3, 1).timestamp()
ROWS = 450
WORDS = ("Success", "Card not found", "Company mismatch", "Invalid enkash card id")
MILLION = 1_000_000


def make_result(n: int, *, started_at: float | None = None) -> SsoResult:
    """Call ``n`` of the seeded history: three profiles, some rejected, some timed out."""
    timed_out = n % 10 == 0
    rejected = not timed_out and n % 5 == 0
    ok = not (timed_out or rejected)
    error = None
    if timed_out:
        error = EnkashError(ErrorKind.TIMEOUT, detail=f"read timeout after 30 s (call {n})")
    elif rejected:
        error = EnkashError(ErrorKind.REJECTED, detail="responseCode 1")
    return SsoResult(
        ok=ok,
        profile_name=f"p{n % 3}",
        environment=Environment.UAT,
        cardholder=Cardholder(
            card_account_id=f"CA{n:07d}",
            company_id=f"CO{n % 100:03d}",
            enkash_card_id=f"EC{n:07d}",
            admin=n % 4 == 0,
        ),
        started_at=T0 + n * 3600.0 if started_at is None else started_at,
        elapsed_ms=100.0 + n,
        http_status=None if timed_out else (422 if rejected else 200),
        response_code=None if timed_out else (1 if rejected else 0),
        message="" if timed_out else WORDS[n % 4],
        sso_token="sso-SECRET-token-123456" if ok else "",
        error=error,
        request_redacted=f"curl -X POST https://sandbox.example/sso -d card={n}",
        # The store scrubs the call's own token from what it keeps.
        reply_redacted=(
            f'{{"responseCode": 0, "call": {n}, "token": "sso-SECRET-token-123456"}}'
            if ok
            else f'{{"responseCode": 1, "call": {n}}}'
        ),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "history.sqlite3") as history:
        history.record_many(make_result(n) for n in range(ROWS))
        yield history


@pytest.fixture
def make_panel(qtbot: Any) -> Callable[[HistoryStore], HistoryPanel]:
    def make(store: HistoryStore) -> HistoryPanel:
        panel = HistoryPanel(store=store)
        qtbot.addWidget(panel, before_close_func=lambda w: w.shutdown())
        panel.resize(1100, 700)
        panel.show()
        qtbot.waitExposed(panel)
        settle(qtbot, panel)
        return panel

    return make


@pytest.fixture
def panel(make_panel: Callable[[HistoryStore], HistoryPanel], store: HistoryStore) -> HistoryPanel:
    return make_panel(store)


def settle(qtbot: Any, panel: HistoryPanel, timeout: int = 5000) -> None:
    """Wait until the debounce ran and every store call's result has been delivered."""
    qtbot.waitUntil(lambda: not panel.busy, timeout=timeout)


def shown(panel: HistoryPanel) -> list[Any]:
    model = panel.model
    return [model.record_at(row) for row in range(model.rowCount())]


# -- the model ---------------------------------------------------------------------------


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "python-tester"])
def test_model_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, store: HistoryStore, force_py: bool
) -> None:
    model = HistoryModel(store=store, page_size=200)
    qtmodeltester.check(model, force_py=force_py)  # stays attached: checks every change
    try:
        with qtbot.waitSignal(model.page_loaded, timeout=5000):
            model.set_filter(HistoryFilter())
        assert model.rowCount() == 200
        while model.canFetchMore(QModelIndex()):
            with qtbot.waitSignal(model.page_loaded, timeout=5000):
                model.fetchMore(QModelIndex())
        assert model.rowCount() == ROWS
        store.record(make_result(ROWS + 1))  # a success: the timeout count stays 45
        with qtbot.waitSignal(model.page_loaded, timeout=5000):
            model.refresh()
        assert model.rowCount() == ROWS + 1
        with qtbot.waitSignal(model.page_loaded, timeout=5000):
            model.set_filter(HistoryFilter(outcome="timeout"))
        assert model.rowCount() == 45
        assert not model.canFetchMore(model.index(0, 0))
        assert model.index(0, 0).parent() == QModelIndex()
        assert model.rowCount(model.index(0, 0)) == 0
    finally:
        model.shutdown()


def test_model_columns_and_record_at(qtbot: Any, store: HistoryStore) -> None:
    model = HistoryModel(store=store)
    try:
        with qtbot.waitSignal(model.total_count, timeout=5000) as total:
            model.set_filter(HistoryFilter(text="EC0000017"))
        qtbot.waitUntil(lambda: model.rowCount() == 1)
        assert total.args == [1]
        headers = [
            model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())
        ]
        assert headers == [
            "Time", "Profile", "Environment", "Card account id", "Company id",
            "EnKash card id", "Outcome", "HTTP", "Code", "Message", "ms",
        ]  # fmt: skip
        texts = [model.index(0, c).data() for c in range(model.columnCount())]
        assert texts == [
            datetime.fromtimestamp(T0 + 17 * 3600).strftime("%Y-%m-%d %H:%M:%S"),
            "p2", "UAT", "CA0000017", "CO017", "EC0000017", "Success", "200", "0",
            "Card not found", "117",
        ]  # fmt: skip
        assert model.record_at(0).enkash_card_id == "EC0000017"
        assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == model.record_at(0)
        with pytest.raises(IndexError):
            model.record_at(1)
    finally:
        model.shutdown()


def test_an_answer_for_an_old_filter_is_dropped(qtbot: Any, store: HistoryStore) -> None:
    model = HistoryModel(store=store)
    try:
        for text in ("EC00001", "EC000012", "p1", "mismatch", "EC0000123"):
            model.set_filter(HistoryFilter(text=text))
        qtbot.waitUntil(lambda: not model.busy, timeout=5000)
        assert [r.enkash_card_id for r in map(model.record_at, range(model.rowCount()))] == [
            "EC0000123"
        ]
        assert model.total == 1
    finally:
        model.shutdown()


# -- the panel ---------------------------------------------------------------------------


def test_opens_lazily_and_fetches_more_when_scrolled(qtbot: Any, panel: HistoryPanel) -> None:
    model = panel.model
    assert model.rowCount() == 200  # one page, not the whole history
    assert model.total == ROWS
    assert panel.status_label.text() == "450 calls"
    assert model.canFetchMore(QModelIndex())

    panel.table.scrollToBottom()  # the view asks the model for more
    qtbot.waitUntil(lambda: model.rowCount() == 400, timeout=5000)
    panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == ROWS, timeout=5000)
    settle(qtbot, panel)
    assert not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    settle(qtbot, panel)
    assert model.rowCount() == ROWS  # never more than the total
    ids = [r.id for r in shown(panel)]
    assert ids == sorted(set(ids), reverse=True)  # newest first, no duplicates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EC0000123", ["EC0000123"]),  # an EnKash card id, exactly
        ("CA0000123", ["EC0000123"]),  # a card account id
        ("EC000012", [f"EC000012{d}" for d in range(9, -1, -1)]),  # a prefix
        ("CO042", ["EC0000442", "EC0000342", "EC0000242", "EC0000142", "EC0000042"]),
    ],
)
def test_search_by_id(qtbot: Any, panel: HistoryPanel, text: str, expected: list[str]) -> None:
    qtbot.keyClicks(panel.search_edit, text)
    assert panel.model.filter.text == ""  # debounced: nothing happens while typing
    settle(qtbot, panel)
    assert [r.enkash_card_id for r in shown(panel)] == expected
    count = len(expected)
    assert panel.status_label.text() == ("1 call" if count == 1 else f"{count} calls")


def test_search_by_message_words(qtbot: Any, panel: HistoryPanel) -> None:
    qtbot.keyClicks(panel.search_edit, "mismatch")
    settle(qtbot, panel)
    assert panel.model.total == sum(
        1 for n in range(ROWS) if n % 10 != 0 and WORDS[n % 4] == "Company mismatch"
    )
    assert {r.message for r in shown(panel)} == {"Company mismatch"}

    panel.search_edit.setText("no such thing anywhere")
    settle(qtbot, panel)
    assert panel.model.rowCount() == 0
    assert panel.status_label.text() == "No calls match."


def test_filter_by_outcome_and_profile(qtbot: Any, panel: HistoryPanel) -> None:
    panel.outcome_combo.setCurrentIndex(panel.outcome_combo.findData("timeout"))
    settle(qtbot, panel)
    assert panel.model.total == 45
    assert {r.outcome for r in shown(panel)} == {"timeout"}

    panel.set_profiles(["p2", "p0", "p1"])
    assert [panel.profile_combo.itemText(i) for i in range(4)] == [
        "All profiles", "p0", "p1", "p2",
    ]  # fmt: skip
    panel.profile_combo.setCurrentIndex(panel.profile_combo.findData("p1"))
    settle(qtbot, panel)
    expected = [n for n in range(ROWS) if n % 10 == 0 and n % 3 == 1]
    assert [r.enkash_card_id for r in shown(panel)] == [f"EC{n:07d}" for n in reversed(expected)]

    panel.set_profiles(["p1", "p5"])  # the chosen profile stays chosen
    assert panel.profile_combo.currentData() == "p1"
    panel.set_profiles(["p5"])  # ... until it is gone
    settle(qtbot, panel)
    assert panel.profile_combo.currentData() is None
    assert panel.model.total == 45


def test_filter_by_date(qtbot: Any, panel: HistoryPanel) -> None:
    assert panel.since_edit.text() == "Any date"
    panel.since_edit.setDate(QDate(2024, 3, 3))
    panel.until_edit.setDate(QDate(2024, 3, 4))
    settle(qtbot, panel)
    days = {datetime.fromtimestamp(r.time).date().isoformat() for r in shown(panel)}
    assert days == {"2024-03-03", "2024-03-04"}
    assert panel.model.total == 48

    panel.since_edit.setDate(panel.since_edit.minimumDate())  # back to any date
    settle(qtbot, panel)
    assert panel.current_filter().since is None
    assert panel.model.total == 4 * 24  # 1 to 4 March


def test_details_show_the_redacted_request_and_reply(qtbot: Any, panel: HistoryPanel) -> None:
    assert not panel.send_again_button.isEnabled()
    panel.search_edit.setText("EC0000010")
    settle(qtbot, panel)
    panel.select_row(0)
    details = panel.details.toPlainText()
    assert "curl -X POST https://sandbox.example/sso -d card=10" in details
    assert '"call": 10' in details
    assert "read timeout after 30 s (call 10)" in details
    assert "Timed out" in details
    assert panel.details.isReadOnly()
    panel.search_edit.setText("EC0000011")
    settle(qtbot, panel)
    panel.select_row(0)
    details = panel.details.toPlainText()
    assert '"call": 11' in details
    assert "sso-SECRET" not in details
    panel.search_edit.setText("nothing matches this")
    settle(qtbot, panel)
    assert panel.details.toPlainText() == ""
    assert not panel.send_again_button.isEnabled()


def test_send_again_emits_the_cardholder_and_sends_nothing(
    qtbot: Any, panel: HistoryPanel, store: HistoryStore
) -> None:
    panel.search_edit.setText("EC0000044")
    settle(qtbot, panel)
    panel.select_row(0)
    assert panel.send_again_button.isEnabled()
    with qtbot.waitSignal(panel.send_again_requested, timeout=1000) as blocker:
        qtbot.mouseClick(panel.send_again_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [
        Cardholder(
            card_account_id="CA0000044", company_id="CO044", enkash_card_id="EC0000044", admin=True
        )
    ]
    assert not panel.busy  # no store call, no request: the window decides what to do
    assert store.count() == ROWS


def test_export_writes_the_filtered_rows_privately(
    qtbot: Any, panel: HistoryPanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "exports" / "rejected"
    target.parent.mkdir()
    monkeypatch.setattr(panel, "_choose_csv_path", lambda: str(target))
    panel.outcome_combo.setCurrentIndex(panel.outcome_combo.findData("rejected"))
    settle(qtbot, panel)
    with qtbot.waitSignal(panel.exported, timeout=5000) as blocker:
        qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    written = target.with_suffix(".csv")
    assert blocker.args == [45]
    with written.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 1 + 45
    assert {row[rows[0].index("outcome")] for row in rows[1:]} == {"rejected"}
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "45 calls were written to" in panel.notice_label.text()

    settle(qtbot, panel)
    monkeypatch.setattr(panel, "_choose_csv_path", lambda: "")  # the user cancelled
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert not panel.busy


def test_clear_asks_first(
    qtbot: Any, panel: HistoryPanel, store: HistoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions: list[str] = []

    def refuse(title: str, text: str) -> bool:
        questions.append(title)
        return False

    monkeypatch.setattr(panel, "_ask", refuse)
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    assert questions == ["Clear the history?"]
    assert store.count() == ROWS
    assert panel.model.rowCount() == 200

    monkeypatch.setattr(panel, "_ask", lambda title, text: True)
    with qtbot.waitSignal(panel.cleared, timeout=5000):
        qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    assert store.count() == 0
    assert panel.model.rowCount() == 0
    assert panel.status_label.text() == "No calls match."
    assert panel.notice_label.text() == "The history was cleared."


def test_a_recorded_call_appears_at_the_top(
    qtbot: Any, panel: HistoryPanel, store: HistoryStore
) -> None:
    from enkash_desktop.service import CallRecorder

    recorder = CallRecorder(store)
    panel.select_row(5)
    selected = panel.selected_record()
    fresh = make_result(9999, started_at=time.time())
    assert recorder.record(fresh) == ""
    panel.show_new_calls()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 201, timeout=5000)
    settle(qtbot, panel)
    top = panel.model.record_at(0)
    assert top.id == store.page(None, 1)[0].id
    assert top.enkash_card_id == "EC0009999"
    assert "sso-SECRET" not in top.reply_redacted
    assert panel.model.total == ROWS + 1
    assert panel.status_label.text() == "451 calls"
    assert panel.selected_record() == selected  # the selection stays on its call

    # A call that does not match the filter is stored but not shown.
    panel.search_edit.setText("EC0000001")
    settle(qtbot, panel)
    assert recorder.record(make_result(8888)) == ""
    panel.show_new_calls()
    settle(qtbot, panel)
    assert [r.enkash_card_id for r in shown(panel)] == ["EC0000001"]
    assert store.count() == ROWS + 2


def test_failures_are_told_politely(
    qtbot: Any, panel: HistoryPanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(panel, "_choose_csv_path", lambda: str(tmp_path / "missing" / "x.csv"))
    with qtbot.waitSignal(panel.failed, timeout=5000) as blocker:
        qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert "could not be exported" in blocker.args[0]
    assert panel.notice_label.text() == blocker.args[0]
    assert panel.export_button.isEnabled()


def test_inputs_have_labels_and_names(panel: HistoryPanel) -> None:
    from PySide6.QtWidgets import QLabel

    buddies = {label.buddy() for label in panel.findChildren(QLabel) if label.buddy()}
    for widget in (
        panel.search_edit,
        panel.outcome_combo,
        panel.profile_combo,
        panel.since_edit,
        panel.until_edit,
        panel.table,
        panel.details,
    ):
        assert widget in buddies
        assert widget.accessibleName()
    assert panel.table.alternatingRowColors()
    assert panel.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


# -- a million rows ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def million_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("million") / "history.sqlite3"
    started = time.perf_counter()
    build_history(path, MILLION, start=T0)
    print(f"\nbuilt {MILLION:,} rows in {time.perf_counter() - started:.1f} s")
    return path


class GapMeter:
    """A 5 ms timer on the GUI thread; the longest gap between its ticks is the worst stall."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.longest_ms = 0

    def start(self) -> None:
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        self.longest_ms = max(self.longest_ms, self.clock.restart())

    def stop(self) -> int:
        self.timer.stop()
        self._tick()
        return self.longest_ms


def test_a_million_rows_open_and_search_without_blocking(
    qtbot: Any, million_db: Path, record_property: Callable[[str, object], None]
) -> None:
    with HistoryStore(million_db) as history:
        meter = GapMeter()
        meter.start()
        QTest.qWait(20)
        opened = time.perf_counter()
        panel = HistoryPanel(store=history)
        qtbot.addWidget(panel, before_close_func=lambda w: w.shutdown())
        panel.resize(1100, 700)
        panel.show()
        qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)
        first_page_ms = (time.perf_counter() - opened) * 1000
        assert panel.model.rowCount() == 200  # a page, never the million
        qtbot.waitUntil(lambda: panel.model.total == MILLION, timeout=10_000)
        assert panel.status_label.text() == "1,000,000 calls"
        opening_gap = meter.stop()
        meter.longest_ms = 0
        meter.start()

        applied: list[float] = []
        panel.model.modelReset.connect(lambda: applied.append(time.perf_counter()))
        panel.search_edit.setText("EC0765432")  # applied after the 250 ms debounce
        qtbot.waitUntil(lambda: bool(applied) and panel.model.rowCount() == 1, timeout=10_000)
        search_ms = (time.perf_counter() - applied[0]) * 1000
        qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
        assert panel.model.total == 1
        assert [r.card_account_id for r in shown(panel)] == ["CA0765432"]

        panel.search_edit.setText("mismatch")  # a quarter of the rows: a slow count
        qtbot.waitUntil(lambda: not panel.busy, timeout=20_000)
        assert panel.model.total == MILLION // 4
        assert panel.model.rowCount() == 200
        panel.table.scrollToBottom()
        qtbot.waitUntil(lambda: panel.model.rowCount() == 400, timeout=10_000)
        searching_gap = meter.stop()
        panel.shutdown()

    figures = (
        f"first page {first_page_ms:.0f} ms, exact-id search {search_ms:.0f} ms, "
        f"longest event-loop gap {opening_gap} ms while opening (widgets built on the GUI "
        f"thread included), {searching_gap} ms while searching and scrolling"
    )
    print(f"\n{MILLION:,} rows: {figures}")
    record_property("million_rows", figures)
    # Reading the rows on the GUI thread would block it for seconds; the bound leaves room
    # for a loaded two-core machine (gaps of 107 and 150 ms were seen there while other
    # suites ran). The figures themselves are printed and recorded above.
    assert max(opening_gap, searching_gap) < 250, figures
