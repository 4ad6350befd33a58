"""The call history: one SQLite row per SSO call, searchable and fast at a million rows.

SQLite in WAL mode, schema versioned with ``PRAGMA user_version`` and a list of migrations.
Rows hold only redacted text: never the SSO token, the SSO URL or the unredacted reply.
Connections are per thread (a reader thread and a writer thread each get their own).
sqlite3 errors are translated into :class:`StoreError` here and in :mod:`.history_rows` only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .atomic import open_atomic
from .errors import StoreError
from .history_rows import (
    BATCH,
    CREATE_STAGING,
    ID_COLUMNS,
    INSERT,
    MAX_CHAR,
    MIGRATIONS,
    SCHEMA_VERSION,
    SELECT,
    SELECT_COLUMNS,
    SPARSE_COUNT_LIMIT,
    SPARSE_LIMIT,
    CallRecord,
    HistoryFilter,
    create_fts_triggers,
    error_code,
    fts5_available,
    fts_query,
    insert_batch,
    like_escape,
    record_of,
    row_of,
    store_error,
    where_sql,
)

if TYPE_CHECKING:
    from .history_rows import Recordable

log = logging.getLogger(__name__)

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

    def record(self, result: Recordable) -> int:
        """Store one call (an SSO call or a card lookup) and return its id."""
        with self._translate(), self._write() as conn:
            cursor = conn.execute(INSERT, row_of(result))
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def record_many(self, results: Iterable[Recordable]) -> int:
        """Store many calls in one transaction and return how many were stored."""
        stored = 0
        with self._translate(), self._write() as conn:
            # One INSERT ... SELECT per batch: running the FTS trigger once per statement
            # instead of once per executemany row is several times faster.
            conn.execute(CREATE_STAGING)
            batch: list[tuple[Any, ...]] = []
            for result in results:
                batch.append(row_of(result))
                if len(batch) >= BATCH:
                    stored += insert_batch(conn, batch)
                    batch = []
            if batch:
                stored += insert_batch(conn, batch)
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
                create_fts_triggers(conn)
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
            sql = f"{SELECT_COLUMNS} {from_where} ORDER BY id DESC LIMIT ?"
            rows = conn.execute(sql, (*params, limit)).fetchall()
        return [record_of(row) for row in rows]

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
            row = self._conn().execute(f"{SELECT} WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else record_of(row)

    def export_csv(self, path: Path, filter: HistoryFilter | None = None) -> int:
        """Write the matching calls to a CSV file (atomically, mode 0o600); returns the count.

        Cells that a spreadsheet would run as a formula are prefixed with ``'``.
        """
        import csv  # loaded for an export only: a one-off command opens the history too
        import io
        from datetime import UTC, datetime

        from enkash_desktop.core.csvsafe import neutralise_row

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
                sql = f"{SELECT_COLUMNS} {from_where} ORDER BY id DESC"
                for row in conn.execute(sql, params):
                    record = record_of(row)
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
        limit = SPARSE_LIMIT if ordered else SPARSE_COUNT_LIMIT
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
            terms = [f"({c} >= ? AND {c} < ?)" for c in ID_COLUMNS]
            for _ in ID_COLUMNS:
                params += [text, text + MAX_CHAR]
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
        return f"FROM {table}{where_sql(where)}", params

    def _text_sources(self, text: str) -> list[tuple[str, list[Any]]]:
        """One id query per searched thing: each id column by prefix, then the message."""
        sources: list[tuple[str, list[Any]]] = [
            (f"SELECT id FROM calls WHERE {c} >= ? AND {c} < ?", [text, text + MAX_CHAR])
            for c in ID_COLUMNS
        ]
        match = fts_query(text) if self._fts else ""
        if match:
            sources.append(("SELECT rowid FROM calls_fts WHERE calls_fts MATCH ?", [match]))
        else:
            sources.append(
                (
                    "SELECT id FROM calls WHERE message LIKE ? ESCAPE '\\'",
                    [f"%{like_escape(text)}%"],
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
            if error_code(exc) not in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
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
        fts = fts5_available(conn)
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
            raise store_error(exc, self.path) from exc
