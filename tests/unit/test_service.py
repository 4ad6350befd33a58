"""The service floor without Qt: the profile book's rules, the client pool, the recorder
(with a real SQLite history file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from enkash_desktop.core.client import EnkashClient
from enkash_desktop.core.models import Cardholder, Environment, Profile, Secrets, SsoResult
from enkash_desktop.service import CallRecorder, ClientPool, ProfileBook
from enkash_desktop.store import HistoryStore, StoreError
from enkash_desktop.store.settings import Settings

UAT = Environment.UAT


def profile(name: str, **changes: Any) -> Profile:
    values: dict[str, Any] = {"environment": UAT, "base_url": "https://api.example.test",
                              "partner_id": "P1", **changes}
    return Profile(name=name, **values)


def result(n: int, ok: bool = True) -> SsoResult:
    return SsoResult(ok=ok, profile_name="uat", environment=UAT,
                     cardholder=Cardholder(f"CA{n:05d}", "CO1", f"EC{n:05d}"),
                     started_at=1_700_000_000.0 + n, elapsed_ms=5.0,
                     http_status=200 if ok else 500, response_code=0 if ok else None,
                     message="Success" if ok else "Internal error")


@pytest.fixture
def book() -> ProfileBook:
    settings = Settings(profiles=(profile("A"), profile("B"), profile("C")),
                        current_profile="B", preferences={"x": 1})
    book = ProfileBook.from_settings(settings)
    book.current = "B"
    return book


def test_copies_get_the_first_free_name(book: ProfileBook) -> None:
    assert book.copy_name("A") == "A (copy)"
    book.save(profile("A (copy)"), Secrets())
    assert book.copy_name(" A ") == "A (copy 2)"
    book.start_demo(profile("Demo"), Secrets(password="pw"), Cardholder("1", "2", "3"))
    assert book.copy_name("Demo") == "Demo (copy)"
    assert book.copy_name("x", lambda o, n: "Demo" if n == 1 else f"{o}-{n}") == "x-2"


def test_saving_a_rename_keeps_the_order_and_says_so(book: ProfileBook) -> None:
    outcome = book.save(profile("B2"), Secrets(password="new"))
    assert (outcome.name, outcome.renamed_from) == ("B2", "B")
    assert list(book.profiles) == ["A", "B2", "C"]
    assert book.current == "B2" and book.saved_secrets["B2"] == Secrets(password="new")
    # Saving under an existing name replaces that profile (the window asked first).
    book.save(profile("C", partner_id="P9"), Secrets())
    assert list(book.profiles) == ["A", "C"] and book.profiles["C"].partner_id == "P9"
    assert book.save(profile("C"), Secrets()).renamed_from is None


def test_the_demo_cannot_be_replaced_and_is_never_modified(book: ProfileBook) -> None:
    book.start_demo(profile("Demo"), Secrets(password="pw"), Cardholder("1", "2", "3"))
    assert book.names()[0] == "Demo" and book.known_secrets("Demo") == Secrets(password="pw")
    with pytest.raises(ValueError):
        book.save(profile("Demo"), Secrets())
    book.current = "Demo"
    assert not book.is_modified(profile("Demo", partner_id="changed"), Secrets())
    assert book.first_default("B") == "Demo"


def test_modified_compares_the_form_with_what_is_saved(book: ProfileBook) -> None:
    assert not book.is_modified(profile("B"), Secrets())
    assert book.is_modified(profile("B", partner_id="P2"), Secrets())
    book.secrets_loaded("B", Secrets(password="saved"))
    assert book.is_modified(profile("B"), Secrets(password="typed"))
    book.current = None
    assert book.is_modified(profile("new"), Secrets())


def test_delete_says_what_to_show_next_and_snapshot_saves_the_rest(book: ProfileBook) -> None:
    assert book.delete("A") == "B"
    assert book.delete("B") == "C"
    assert book.delete("C") is None
    book.start_demo(profile("Demo"), Secrets(), Cardholder("1", "2", "3"))
    assert book.delete("gone") == "Demo"
    book.save(profile("Z"), Secrets(password="never in settings"))
    snapshot = book.snapshot()
    assert [p.name for p in snapshot.profiles] == ["Z"]  # the demo is never saved
    assert snapshot.current_profile == "Z" and snapshot.preferences == {"x": 1}
    assert "never in settings" not in repr(snapshot)


def test_the_pool_reuses_a_client_and_closes_a_replaced_idle_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[EnkashClient] = []
    original = EnkashClient.close

    def spy(self: EnkashClient) -> None:
        closed.append(self)
        original(self)

    monkeypatch.setattr(EnkashClient, "close", spy)
    pool = ClientPool()
    first = pool.client_for(profile("A"), Secrets(password="one"))
    assert pool.client_for(profile("A"), Secrets(password="one")) is first
    assert pool.current(profile("A"), Secrets(password="two")) is None
    second = pool.client_for(profile("A"), Secrets(password="two"))
    assert second is not first and closed == [first]
    # A client in a call is not closed when replaced, only when its call ends.
    pool.started(second)
    third = pool.client_for(profile("A", partner_id="P2"), Secrets())
    assert closed == [first]
    pool.finished(second)
    assert closed == [first, second]
    pool.started(third)
    pool.finished(third)  # still current: kept open
    assert closed == [first, second]
    assert list(pool.close()) == [] and closed[-1] is third


def test_the_demo_counts_failed_logins_apart(tmp_path: Path) -> None:
    pool = ClientPool()
    user = pool.client_for(profile("A"), Secrets())
    demo = pool.client_for(profile("Demo"), Secrets(), demo=True)
    assert demo._failures is not user._failures


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / "history.sqlite3")
    yield store
    store.close()


def test_results_before_the_history_opens_wait_and_are_written_on_open(
        history: HistoryStore) -> None:
    recorder = CallRecorder()
    written: list[int] = []
    recorder.on_recorded(written.append)
    assert recorder.record(result(1)) == "" and recorder.record(result(2, ok=False)) == ""
    assert recorder.pending == 2 and history.count() == 0
    assert recorder.open(history) == ""
    assert recorder.pending == 0 and history.count() == 2 and written == [2]
    assert recorder.record(result(3)) == ""
    assert history.count() == 3 and written == [2, 1]
    newest = history.page(None, 1)[0]
    assert newest.card_account_id == "CA00003"


def test_a_history_that_cannot_open_is_said_for_waiting_and_later_results() -> None:
    recorder = CallRecorder()
    recorder.record(result(1))
    notice = recorder.unavailable("The disk is full.")
    assert "The disk is full." in notice and "1 call(s)" in notice
    later = recorder.record(result(2))
    assert "could not be recorded" in later and "The disk is full." in later


def test_a_failed_write_is_a_sentence_not_an_exception(history: HistoryStore) -> None:
    class BrokenStore:
        def record(self, _: SsoResult) -> int:
            raise StoreError("The history file is damaged.")

        def record_many(self, _: object) -> int:
            raise StoreError("The history file is damaged.")

    recorder = CallRecorder()
    recorder.record(result(1))
    notice = recorder.open(BrokenStore())  # type: ignore[arg-type]
    assert "could not be recorded" in notice and "damaged" in notice
    assert "damaged" in recorder.record(result(2))
