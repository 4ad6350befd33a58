from __future__ import annotations

import csv
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.core.models import Cardholder, Environment, SsoResult
from enkash_desktop.store import CallRecord, HistoryFilter, HistoryStore, StoreError

T0 = 1_700_000_000.0


def result(
    n: int = 0,
    *,
    ok: bool = True,
    profile: str = "uat",
    message: str = "Success",
    started_at: float | None = None,
    card: str | None = None,
    **kw: object,
) -> SsoResult:
    return SsoResult(
        ok=ok,
        profile_name=profile,
        environment=Environment.UAT,
        cardholder=Cardholder(
            card_account_id=card or f"CA{n:07d}",
            company_id=f"CO{n % 100:03d}",
            enkash_card_id=f"EC{n:07d}",
        ),
        started_at=T0 + n if started_at is None else started_at,
        elapsed_ms=12.5,
        http_status=200 if ok else 422,
        response_code=0 if ok else 1,
        message=message,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "data" / "history.sqlite3") as history:
        yield history


def test_record_and_get_never_keep_the_token(store: HistoryStore) -> None:
    token = "sso-TOKEN-abcdef123456"
    url = f"https://portal.example/sso?token={token}"
    rid = store.record(
        result(
            1,
            sso_token=token,
            sso_url=url,
            reply_redacted=f'{{"token": "{token}"}}',  # a core bug: the store scrubs again
            request_redacted="curl -H 'Authorization: Bearer ***'",
        )
    )
    record = store.get(rid)
    assert record is not None
    assert record.card_account_id == "CA0000001"
    assert record.http_status == 200
    assert record.response_code == "0"
    assert record.outcome == "success"
    assert record.environment == "uat"
    assert token not in record.reply_redacted
    assert store.get(rid + 1) is None
    store.close()
    data = b"".join(p.read_bytes() for p in store.path.parent.iterdir() if p.is_file())
    assert token.encode() not in data


def test_error_detail_and_outcome(store: HistoryStore) -> None:
    error = EnkashError(ErrorKind.REJECTED, "Invalid card", detail="HTTP 422 body=...")
    rid = store.record(result(2, ok=False, message="Invalid card", error=error))
    record = store.get(rid)
    assert record is not None
    assert record.outcome == "rejected"
    assert record.error_detail == "HTTP 422 body=..."
    assert not record.admin


def test_page_count_search_and_filter(store: HistoryStore) -> None:
    results = [
        result(i, ok=i % 3 != 0, profile="prod" if i % 2 else "uat",
               message="Card is blocked for the day" if i % 5 == 0 else "Success",
               error=None if i % 3 else EnkashError(ErrorKind.REJECTED))
        for i in range(1, 31)
    ]  # fmt: skip
    assert store.record_many(results) == 30
    assert store.count() == 30
    newest = store.page(None, 5)
    assert [r.id for r in newest] == [30, 29, 28, 27, 26]
    assert [r.id for r in store.page(26, 3)] == [25, 24, 23]

    assert store.count(HistoryFilter(text="CA0000012")) == 1  # exact id
    assert store.count(HistoryFilter(text="EC000001")) == 10  # prefix: EC0000010..19
    assert store.count(HistoryFilter(text="CO007")) == 1
    assert store.count(HistoryFilter(text="blocked")) == 6  # a word of the message
    assert store.count(HistoryFilter(text="bloc")) == 6  # a word's prefix
    assert store.count(HistoryFilter(text="card blocked")) == 6
    assert store.count(HistoryFilter(text='"; DROP TABLE calls; --')) == 0
    assert store.count(HistoryFilter(text="NEAR( OR *")) == 0
    assert store.count(HistoryFilter(outcome="rejected")) == 10
    assert store.count(HistoryFilter(profile="prod")) == 15
    assert store.count(HistoryFilter(outcome="rejected", profile="prod")) == 5
    assert store.count(HistoryFilter(since=T0 + 10, until=T0 + 20)) == 10
    page = store.page(None, 100, HistoryFilter(text="blocked", profile="uat"))
    assert [r.id for r in page] == [30, 20, 10]
    assert all(isinstance(r, CallRecord) for r in page)


def test_keyset_paging_returns_every_row_exactly_once(store: HistoryStore) -> None:
    store.record_many(result(i) for i in range(1, 1001))
    for flt in (HistoryFilter(), HistoryFilter(text="CO04")):
        seen: list[int] = []
        before: int | None = None
        while True:
            page = store.page(before, 37, flt)
            if not page:
                break
            seen += [r.id for r in page]
            before = page[-1].id
        assert seen == sorted(seen, reverse=True)
        assert len(seen) == len(set(seen)) == store.count(flt)


def test_retention_and_clear(store: HistoryStore) -> None:
    now = T0 + 100 * 86400
    store.record_many(result(i, started_at=now - i * 86400) for i in range(100))  # 0..99 days
    assert store.apply_retention(max_days=30, max_rows=None, now=now) == 69  # 31..99 days old
    assert store.count() == 31
    assert store.apply_retention(max_days=None, max_rows=10) == 21
    assert [r.id for r in store.page(None, 100)] == list(range(31, 21, -1))
    assert store.apply_retention(None, None) == 0
    assert store.count(HistoryFilter(text="Success")) == 10  # the FTS index stays in step
    store.clear()
    assert store.count() == 0
    assert store.count(HistoryFilter(text="Success")) == 0
    rid = store.record(result(1, message="after clear"))
    assert store.count(HistoryFilter(text="after")) == 1
    assert store.get(rid) is not None


def test_export_csv_neutralises_formulas(store: HistoryStore, tmp_path: Path) -> None:
    nasty = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "plain"]
    for i, text in enumerate(nasty):
        store.record(result(i, message=text, card=text if i == 0 else None))
    target = tmp_path / "export.csv"
    assert store.export_csv(target, HistoryFilter()) == len(nasty)
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    messages = [row["message"] for row in reversed(rows)]
    assert messages == ["'" + t for t in nasty[:-1]] + ["plain"]
    assert rows[-1]["card_account_id"] == '\'=HYPERLINK("http://x")'
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert store.export_csv(tmp_path / "some.csv", HistoryFilter(text="plain")) == 1


def test_threads_each_get_a_connection(store: HistoryStore) -> None:
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(200):
                store.record(result(i))
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close_thread_connection()

    def reader() -> None:
        try:
            for _ in range(200):
                store.page(None, 10)
                store.count()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count() == 200


def test_wal_and_schema_version(store: HistoryStore) -> None:
    store.close()
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    conn.close()
    with HistoryStore(store.path) as again:  # reopening migrates nothing and keeps data
        assert again.count() == 0


def test_a_file_that_is_not_a_database_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database at all, just text " * 100)
    with HistoryStore(path) as history:
        assert "new, empty history" in history.notice
        assert history.count() == 0
        history.record(result(1))
    aside = list(tmp_path.glob("history.sqlite3.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"this is not")


def test_database_locked_becomes_a_polite_error(store: HistoryStore) -> None:
    blocker = sqlite3.connect(store.path, timeout=0, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        conn = store._conn()
        conn.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(StoreError) as info:
            store.record(result(1))
        assert "busy" in info.value.message
        assert "locked" in info.value.detail
        blocker.execute("ROLLBACK")
    finally:
        blocker.close()


def test_search_by_card_id_is_fast_on_200k_rows(store: HistoryStore) -> None:
    started = time.perf_counter()
    words = ["Success", "Card not found", "Company mismatch", "Invalid enkash card id"]
    inserted = store.record_many(
        result(i, ok=i % 7 != 0, message=words[i % 4], profile=f"p{i % 5}") for i in range(200_000)
    )
    assert inserted == 200_000
    assert time.perf_counter() - started < 20

    flt = HistoryFilter(text="EC0123456")
    started = time.perf_counter()
    page = store.page(None, 100, flt)
    total = store.count(flt)
    elapsed = time.perf_counter() - started
    assert [r.enkash_card_id for r in page] == ["EC0123456"]
    assert total == 1
    assert elapsed < 0.1, elapsed

    started = time.perf_counter()
    page = store.page(None, 100, HistoryFilter(text="mismatch", profile="p3"))
    assert len(page) == 100
    assert time.perf_counter() - started < 0.1


def test_a_schema_2_history_file_migrates_and_keeps_its_calls(tmp_path: Path) -> None:
    """A file written before lookups existed opens, keeps its rows as SSO calls, and then
    takes card lookups (schema 3 adds only the call's kind)."""
    from enkash_desktop.core.cards import CardRecord, CardSearch, CardSearchResult
    from enkash_desktop.store import history as history_module

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for migrate in history_module.MIGRATIONS[:2]:
        migrate(conn, False)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO calls (time, profile, card_account_id, message, outcome) "
                 "VALUES (?, 'uat', 'CAOLD0001', 'Success', 'success')", (T0,))
    conn.commit()
    conn.close()
    with HistoryStore(path) as store:
        (old,) = store.page(None, 10)
        assert old.kind == "sso" and old.card_account_id == "CAOLD0001"
        lookup = CardSearchResult(
            ok=True, profile_name="uat", environment=Environment.UAT,
            search=CardSearch("CAQL8YCV3", "CEK1PU9AOO"), started_at=T0 + 5, elapsed_ms=3.0,
            cards=(CardRecord("EKCDM5AVZY"), CardRecord("EKCDQ4RN8T")), http_status=200,
            response_code=0, message="Success", reply_redacted='{"token": "••••••"}')
        rid = store.record(lookup)
        got = store.get(rid)
        assert got is not None and got.kind == "lookup"
        assert got.message == "Card lookup: 2 cards found for card account CAQL8YCV3."
        assert got.enkash_card_id == "" and not got.admin
        assert store.count(HistoryFilter(text="CAQL8YCV3")) == 1
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 3
