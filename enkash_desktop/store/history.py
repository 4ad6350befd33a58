"""The call history: one SQLite row per SSO call, searchable and fast at a million rows.

SQLite in WAL mode, schema versioned with ``PRAGMA user_version`` and a list of migrations.
Rows hold only redacted text: never the SSO token, the SSO URL or the unredacted reply.
Connections are per thread (a reader thread and a writer thread each get their own).
sqlite3 errors are translated into :class:`StoreError` here and nowhere else.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from enkash_desktop.core.csvsafe import neutralise_row
from enkash_desktop.core.models import SsoResult

from .atomic import open_atomic
from .errors import StoreError

if TYPE_CHECKING:  # the card search is loaded only when a lookup is made
    from enkash_desktop.core.cards import CardSearchResult

log = logging.getLogger(__name__)

_COLUMNS = (
    "time", "profile", "environment", "card_account_id", "company_id", "enkash_card_id",
    "admin", "http_status", "response_code", "message", "elapsed_ms", "outcome",
    "request_redacted", "reply_redacted", "error_detail", "kind",
)  # fmt: skip
_ID_COLUMNS = ("card_account_id", "company_id", "enkash_card_id")
_INSERT = f"INSERT INTO calls ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
_CREATE_STAGING = f"CREATE TEMP TABLE IF NOT EXISTS calls_staging ({', '.join(_COLUMNS)})"
_STAGE = (
    f"INSERT INTO temp.calls_staging ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_COLUMNS))})"
)
_UNSTAGE = (
    f"INSERT INTO calls ({', '.join(_COLUMNS)}) "
    f"SELECT {', '.join(_COLUMNS)} FROM temp.calls_staging ORDER BY rowid"
)
_BATCH = 10_000
_SELECT_COLUMNS = f"SELECT id, {', '.join(_COLUMNS)}"
_SELECT = f"{_SELECT_COLUMNS} FROM calls"
# A text search matching at most this many rows is answered from the indexes, not a scan.
_SPARSE_LIMIT = 2000
_SPARSE_COUNT_LIMIT = 100_000
_REDACTED = "[redacted]"
# Above any character a prefix can be followed by: makes "starts with" an index range.
_MAX_CHAR = "\U0010ffff"


@dataclass(frozen=True)
class CallRecord:
    """One row of the history, as the window shows it."""

    id: int
    time: float
    profile: str
    environment: str
    card_account_id: str
    company_id: str
    enkash_card_id: str
    admin: bool
    http_status: int | None
    response_code: str | None
    message: str
    elapsed_ms: float
    outcome: str
    request_redacted: str
    reply_redacted: str
    error_detail: str
    kind: str = "sso"  # "sso" for an SSO call, "lookup" for a card search


@dataclass(frozen=True)
class HistoryFilter:
    """What to show: ``text`` matches an id (exact or prefix) or words of the message."""

    text: str = ""
    outcome: str | None = None
    profile: str | None = None
    since: float | None = None  # epoch seconds, inclusive
    until: float | None = None  # epoch seconds, exclusive


# -- schema ------------------------------------------------------------------------------


def _migrate_1(conn: sqlite3.Connection, fts: bool) -> None:
    conn.execute(
        """CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            time REAL NOT NULL,
            profile TEXT NOT NULL DEFAULT '',
            environment TEXT NOT NULL DEFAULT '',
            card_account_id TEXT NOT NULL DEFAULT '',
            company_id TEXT NOT NULL DEFAULT '',
            enkash_card_id TEXT NOT NULL DEFAULT '',
            admin INTEGER NOT NULL DEFAULT 0,
            http_status INTEGER,
            response_code TEXT,
            message TEXT NOT NULL DEFAULT '',
            elapsed_ms REAL NOT NULL DEFAULT 0,
            outcome TEXT NOT NULL DEFAULT '',
            request_redacted TEXT NOT NULL DEFAULT '',
            reply_redacted TEXT NOT NULL DEFAULT '',
            error_detail TEXT NOT NULL DEFAULT ''
        )"""
    )
    for column in (*_ID_COLUMNS, "outcome", "profile", "time"):
        conn.execute(f"CREATE INDEX calls_{column} ON calls({column})")


def _migrate_2(conn: sqlite3.Connection, fts: bool) -> None:
    """Full-text search over the message, when this SQLite has FTS5 (else LIKE is used)."""
    if not fts:
        return
    conn.execute(
        "CREATE VIRTUAL TABLE calls_fts USING fts5(message, content='calls', content_rowid='id')"
    )
    _create_fts_triggers(conn)
    conn.execute("INSERT INTO calls_fts(calls_fts) VALUES ('rebuild')")


def _migrate_3(conn: sqlite3.Connection, fts: bool) -> None:
    """What kind of call a row is: an SSO call (every older row) or a card lookup.

    Adding a column with a constant default rewrites no row, so it is instant at any size.
    """
    conn.execute("ALTER TABLE calls ADD COLUMN kind TEXT NOT NULL DEFAULT 'sso'")


# Applied in order; migration i brings user_version from i to i + 1. Append, never edit.
MIGRATIONS: list[Callable[[sqlite3.Connection, bool], None]] = [
    _migrate_1, _migrate_2, _migrate_3,
]
SCHEMA_VERSION = len(MIGRATIONS)


# -- the store ---------------------------------------------------------------------------


_RETENTION_CHUNK = 5000


class HistoryStore:
    """The SSO call history in ``path``; safe to use from several threads at once.

    Each thread gets its own connection. Call :meth:`close` when done (it closes them all).
    ``notice`` holds a sentence for the user if a damaged database was set aside at start.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.notice = ""
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._fts = False
        self._closed = False
        with self._translate():
            self._conn()  # open now: migrations and damaged-file recovery happen at start

    # lifecycle

    def interrupt(self) -> None:
        """Abort the statements running on any thread (thread-safe; used when closing).

        Each interrupted call raises :class:`StoreError`; a write loses only its own
        transaction.
        """
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(sqlite3.Error):
                conn.interrupt()

    def close(self) -> None:
        """Close every connection this store opened, in any thread.

        Call it when no other thread is using the store any more (see :meth:`interrupt`).
        """
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    def close_thread_connection(self) -> None:
        """Close the calling thread's connection (a worker thread about to finish)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._lock:
            if conn in self._connections:
                self._connections.remove(conn)
        conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # writing

    def record(self, result: SsoResult | CardSearchResult) -> int:
        """Store one call (an SSO call or a card lookup) and return its id."""
        with self._translate(), self._write() as conn:
            cursor = conn.execute(_INSERT, _row_of(result))
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def record_many(self, results: Iterable[SsoResult | CardSearchResult]) -> int:
        """Store many calls in one transaction and return how many were stored."""
        stored = 0
        with self._translate(), self._write() as conn:
            # One INSERT ... SELECT per batch: running the FTS trigger once per statement
            # instead of once per executemany row is several times faster.
            conn.execute(_CREATE_STAGING)
            batch: list[tuple[Any, ...]] = []
            for result in results:
                batch.append(_row_of(result))
                if len(batch) >= _BATCH:
                    stored += _insert_batch(conn, batch)
                    batch = []
            if batch:
                stored += _insert_batch(conn, batch)
        return stored

    def apply_retention(
        self, max_days: int | None, max_rows: int | None, *, now: float | None = None
    ) -> int:
        """Delete calls older than ``max_days`` and beyond the newest ``max_rows``.

        Deletes in chunks, each its own transaction, so a long clean-up of a large history
        can be interrupted (at close) without losing what was already done.
        """
        deleted = 0
        with self._translate():
            if max_days is not None:
                cutoff = (time.time() if now is None else now) - max_days * 86400.0
                deleted += self._delete_chunks("time < ?", (cutoff,))
            if max_rows is not None:
                row = self._conn().execute(
                    "SELECT id FROM calls ORDER BY id DESC LIMIT 1 OFFSET ?",
                    (max(max_rows, 0),),
                ).fetchone()
                if row is not None:
                    deleted += self._delete_chunks("id <= ?", (row[0],))
        return deleted

    def _delete_chunks(self, where: str, args: tuple[Any, ...]) -> int:
        deleted = 0
        while True:
            with self._write() as conn:
                count = conn.execute(
                    f"DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE {where} "
                    f"LIMIT {_RETENTION_CHUNK})", args).rowcount
            deleted += count
            if count < _RETENTION_CHUNK:
                return deleted

    def clear(self) -> None:
        """Delete the whole history."""
        with self._translate(), self._write() as conn:
            if self._fts:
                # Row-by-row trigger deletes are slow on a big table: empty the index at once.
                for name in ("insert", "delete", "update"):
                    conn.execute(f"DROP TRIGGER IF EXISTS calls_fts_{name}")
                conn.execute("DELETE FROM calls")
                conn.execute("INSERT INTO calls_fts(calls_fts) VALUES ('delete-all')")
                _create_fts_triggers(conn)
            else:
                conn.execute("DELETE FROM calls")

    # reading

    def page(
        self, before_id: int | None, limit: int, filter: HistoryFilter | None = None
    ) -> list[CallRecord]:
        """Up to ``limit`` calls with id below ``before_id`` (None: the newest), newest first."""
        with self._translate():
            conn = self._conn()
            from_where, params = self._from_where(conn, filter or HistoryFilter(), before_id)
            sql = f"{_SELECT_COLUMNS} {from_where} ORDER BY id DESC LIMIT ?"
            rows = conn.execute(sql, (*params, limit)).fetchall()
        return [_record_of(row) for row in rows]

    def count(self, filter: HistoryFilter | None = None) -> int:
        """How many calls match ``filter``."""
        with self._translate():
            conn = self._conn()
            flt = filter or HistoryFilter()
            from_where, params = self._from_where(conn, flt, ordered=False)
            row = conn.execute(f"SELECT count(*) {from_where}", params).fetchone()
        return int(row[0])

    def get(self, record_id: int) -> CallRecord | None:
        """One call by id, or None if it is not (or no longer) there."""
        with self._translate():
            row = self._conn().execute(f"{_SELECT} WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else _record_of(row)

    def export_csv(self, path: Path, filter: HistoryFilter | None = None) -> int:
        """Write the matching calls to a CSV file (atomically, mode 0o600); returns the count.

        Cells that a spreadsheet would run as a formula are prefixed with ``'``.
        """
        names = [f.name for f in fields(CallRecord)]
        count = 0
        try:
            with self._translate(), open_atomic(path, 0o600) as out:
                # utf-8-sig: spreadsheet programs then read non-ASCII text correctly.
                out.write("\ufeff".encode())
                chunk = io.StringIO()
                writer = csv.writer(chunk)
                writer.writerow([*names[:2], "time_utc", *names[2:]])
                conn = self._conn()
                from_where, params = self._from_where(conn, filter or HistoryFilter())
                sql = f"{_SELECT_COLUMNS} {from_where} ORDER BY id DESC"
                for row in conn.execute(sql, params):
                    record = _record_of(row)
                    values = [getattr(record, n) for n in names]
                    stamp = datetime.fromtimestamp(record.time, UTC).isoformat(timespec="seconds")
                    writer.writerow(neutralise_row([*values[:2], stamp, *values[2:]]))
                    count += 1
                    if count % 1000 == 0:
                        out.write(chunk.getvalue().encode("utf-8"))
                        chunk.seek(0)
                        chunk.truncate()
                out.write(chunk.getvalue().encode("utf-8"))
        except OSError as exc:
            raise StoreError(
                "The history could not be exported. Please check that the folder exists, "
                "that you may write to it and that the disk is not full.",
                f"{path}: {exc}",
            ) from exc
        return count

    # internals

    def _from_where(
        self,
        conn: sqlite3.Connection,
        flt: HistoryFilter,
        before_id: int | None = None,
        *,
        ordered: bool = True,
    ) -> tuple[str, list[Any]]:
        """The ``FROM ... WHERE ...`` of a filtered query, with a plan chosen for the data.

        Without statistics SQLite guesses badly between "walk ids downwards and test each
        row" (right when matches are many) and "collect the matching ids from the indexes"
        (right when they are few), so a cheap bounded probe decides.
        """
        where: list[str] = []
        params: list[Any] = []
        text = flt.text.strip()
        sources = self._text_sources(text) if text else []
        # Collecting ids costs per match, a scan costs per row: for a count (unordered)
        # collecting wins up to many more matches than for a page of the newest rows.
        limit = _SPARSE_LIMIT if ordered else _SPARSE_COUNT_LIMIT
        sparse = bool(sources) and self._few_matches(conn, sources, limit)
        # "+column" keeps SQLite from using that column's index when the id set is known.
        plus = "+" if sparse else ""
        table = "calls"
        if sparse:
            where.append("id IN (" + " UNION ".join(sql for sql, _ in sources) + ")")
            for _, source_params in sources:
                params += source_params
        elif sources:
            table = "calls NOT INDEXED"
            terms = [f"({c} >= ? AND {c} < ?)" for c in _ID_COLUMNS]
            for _ in _ID_COLUMNS:
                params += [text, text + _MAX_CHAR]
            fts_sql, fts_params = sources[-1]
            terms.append(f"id IN ({fts_sql})")
            params += fts_params
            where.append("(" + " OR ".join(terms) + ")")
        if flt.outcome:
            where.append(f"{plus}outcome = ?")
            params.append(flt.outcome)
        if flt.profile:
            where.append(f"{plus}profile = ?")
            params.append(flt.profile)
        if flt.since is not None:
            where.append(f"{plus}time >= ?")
            params.append(flt.since)
        if flt.until is not None:
            where.append(f"{plus}time < ?")
            params.append(flt.until)
        if before_id is not None:
            where.append("id < ?")
            params.append(before_id)
        return f"FROM {table}{_where_sql(where)}", params

    def _text_sources(self, text: str) -> list[tuple[str, list[Any]]]:
        """One id query per searched thing: each id column by prefix, then the message."""
        sources: list[tuple[str, list[Any]]] = [
            (f"SELECT id FROM calls WHERE {c} >= ? AND {c} < ?", [text, text + _MAX_CHAR])
            for c in _ID_COLUMNS
        ]
        match = _fts_query(text) if self._fts else ""
        if match:
            sources.append(("SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?", [match]))
        else:
            sources.append(
                (
                    "SELECT id FROM calls WHERE message LIKE ? ESCAPE '\\'",
                    [f"%{_like_escape(text)}%"],
                )
            )
        return sources

    @staticmethod
    def _few_matches(
        conn: sqlite3.Connection, sources: list[tuple[str, list[Any]]], limit: int
    ) -> bool:
        """True when the text matches at most ``limit`` rows (counted cheaply)."""
        total = 0
        for sql, params in sources:
            row = conn.execute(f"SELECT count(*) FROM ({sql} LIMIT {limit + 1})", params).fetchone()
            total += int(row[0])
            if total > limit:
                return False
        return True

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection, opened (and the schema migrated) on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise StoreError("The history is closed.", "HistoryStore used after close()")
        try:
            conn = self._open()
        except sqlite3.DatabaseError as exc:
            if _error_code(exc) not in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
                raise
            self._set_aside(exc)
            conn = self._open()
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # check_same_thread=False only so close() can close every thread's connection;
        # each connection is otherwise used by the thread that opened it.
        conn = sqlite3.connect(
            self.path, timeout=5.0, isolation_level=None, check_same_thread=False
        )
        try:
            if os.name == "posix":
                with contextlib.suppress(OSError):
                    self.path.chmod(0o600)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._migrate(conn)
            self._fts = (
                conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='calls_fts'"
                ).fetchone()
                is not None
            )
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version >= SCHEMA_VERSION:
            return
        fts = _fts5_available(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            for index in range(version, SCHEMA_VERSION):
                MIGRATIONS[index](conn, fts)
                conn.execute(f"PRAGMA user_version = {index + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _set_aside(self, exc: sqlite3.Error) -> None:
        """Move a damaged database (and its WAL files) aside so a fresh one can start."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        log.warning("history %s is damaged (%s); moving it to %s", self.path, exc, aside)
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                extra = self.path.with_name(self.path.name + suffix)
                if extra.exists():
                    os.replace(extra, aside.with_name(aside.name + suffix))
        except OSError as move_error:
            raise StoreError(
                "The history file is damaged and could not be moved aside, so the history "
                f"is not available. Please move {self.path} away and restart.",
                f"{exc}; {move_error}",
            ) from move_error
        self.notice = (
            "The history file was damaged, so a new, empty history was started. The old file "
            f"was kept as {aside}."
        )

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on this thread's connection, taken at once (no upgrades)."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # a failed COMMIT (disk full) leaves it open
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def _translate(self) -> Iterator[None]:
        """The one place where sqlite3 errors become polite :class:`StoreError` sentences."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from exc


def _create_fts_triggers(conn: sqlite3.Connection) -> None:
    # Not executescript(): it would COMMIT the migration's transaction first.
    conn.execute(
        "CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN "
        "INSERT INTO calls_fts(rowid, message) VALUES (new.id, new.message); END"
    )
    conn.execute(
        "CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN "
        "INSERT INTO calls_fts(calls_fts, rowid, message) "
        "VALUES ('delete', old.id, old.message); END"
    )
    conn.execute(
        "CREATE TRIGGER calls_fts_update AFTER UPDATE OF message ON calls BEGIN "
        "INSERT INTO calls_fts(calls_fts, rowid, message) "
        "VALUES ('delete', old.id, old.message); "
        "INSERT INTO calls_fts(rowid, message) VALUES (new.id, new.message); END"
    )


def _insert_batch(conn: sqlite3.Connection, batch: list[tuple[Any, ...]]) -> int:
    conn.executemany(_STAGE, batch)
    count = conn.execute(_UNSTAGE).rowcount
    conn.execute("DELETE FROM temp.calls_staging")
    return max(count, 0)


def _store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    code = _error_code(exc)
    detail = f"{path}: {type(exc).__name__}: {exc}"
    if code == sqlite3.SQLITE_FULL:
        message = (
            "The call history could not be saved because the disk is full. Please free some "
            "space; your calls still work."
        )
    elif code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        message = (
            "The call history is busy in another window or program. Please try again in a moment."
        )
    elif code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        message = (
            "The call history file is damaged. Please restart Enkash Desktop to start a new "
            "history; the old file will be kept."
        )
    elif code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN):
        message = (
            "The call history file could not be opened for writing. Please check the "
            "permissions of the data folder."
        )
    else:
        message = "The call history could not be read or saved because of an unexpected error."
    return StoreError(message, detail)


def _error_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    # Extended result codes keep the primary code in the low byte.
    return code & 0xFF if isinstance(code, int) else None


def _fts5_available(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
        conn.execute("DROP TABLE temp.fts5_probe")
    except sqlite3.OperationalError:
        return False
    return True


def _fts_query(text: str) -> str:
    """Each word as a quoted FTS5 prefix term: user input can never be FTS syntax."""
    words = [w for w in text.split() if w]
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where_sql(where: list[str]) -> str:
    return f" WHERE {' AND '.join(where)}" if where else ""


def _row_of(result: SsoResult | CardSearchResult) -> tuple[Any, ...]:
    """The row for a result: redacted text only, with the SSO token and URL scrubbed again."""
    if not isinstance(result, SsoResult):
        return _lookup_row_of(result)
    secrets = [s for s in (result.sso_url, result.sso_token) if s and len(s) >= 4]

    def scrub(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, _REDACTED)
        return text

    card = result.cardholder
    return (
        float(result.started_at),
        result.profile_name,
        result.environment.value,
        card.card_account_id,
        card.company_id,
        card.enkash_card_id,
        1 if card.admin else 0,
        result.http_status,
        None if result.response_code is None else str(result.response_code),
        scrub(result.message),
        float(result.elapsed_ms),
        result.outcome,
        scrub(result.request_redacted),
        scrub(result.reply_redacted),
        scrub(result.error.detail) if result.error else "",
        "sso",
    )


def _lookup_row_of(result: CardSearchResult) -> tuple[Any, ...]:
    """The row for a card lookup: its ids, its summary, its redacted texts (card tokens are
    masked by the core)."""
    card = result.cardholder
    return (
        float(result.started_at), result.profile_name, result.environment.value,
        card.card_account_id, card.company_id, card.enkash_card_id, 0, result.http_status,
        None if result.response_code is None else str(result.response_code),
        result.summary, float(result.elapsed_ms), result.outcome, result.request_redacted,
        result.reply_redacted, result.error.detail if result.error else "", result.kind,
    )


def _record_of(row: tuple[Any, ...]) -> CallRecord:
    (id_, time_, profile, environment, card_account_id, company_id, enkash_card_id, admin,
     http_status, response_code, message, elapsed_ms, outcome, request_redacted,
     reply_redacted, error_detail, kind) = row  # fmt: skip
    return CallRecord(
        id=int(id_),
        time=float(time_),
        profile=profile,
        environment=environment,
        card_account_id=card_account_id,
        company_id=company_id,
        enkash_card_id=enkash_card_id,
        admin=bool(admin),
        http_status=http_status,
        response_code=response_code,
        message=message,
        elapsed_ms=float(elapsed_ms),
        outcome=outcome,
        request_redacted=request_redacted,
        reply_redacted=reply_redacted,
        error_detail=error_detail,
        kind=kind,
    )


