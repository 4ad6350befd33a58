"""The history's table: its columns, migrations, rows and the SQL helpers around them.

Kept apart from :class:`~enkash_desktop.store.history.HistoryStore` (connections, writing,
searching): this module says what a row is and how the file's schema grows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from enkash_desktop.core.fields import ID_KEYS
from enkash_desktop.core.models import SsoResult

from .errors import StoreError

if TYPE_CHECKING:
    from typing import Protocol

    from enkash_desktop.core.errors import EnkashError
    from enkash_desktop.core.models import Cardholder, Environment

    class CallSummary(Protocol):
        """A call other than an SSO call (a card lookup, a login) as the history keeps it."""

        @property
        def kind(self) -> str: ...
        @property
        def started_at(self) -> float: ...
        @property
        def profile_name(self) -> str: ...
        @property
        def environment(self) -> Environment: ...
        @property
        def cardholder(self) -> Cardholder: ...
        @property
        def http_status(self) -> int | None: ...
        @property
        def response_code(self) -> int | str | None: ...
        @property
        def summary(self) -> str: ...
        @property
        def elapsed_ms(self) -> float: ...
        @property
        def outcome(self) -> str: ...
        @property
        def request_redacted(self) -> str: ...
        @property
        def reply_redacted(self) -> str: ...
        @property
        def error(self) -> EnkashError | None: ...


    Recordable = SsoResult | CallSummary  # what the history records



COLUMNS = (
    "time", "profile", "environment", *ID_KEYS,
    "admin", "http_status", "response_code", "message", "elapsed_ms", "outcome",
    "request_redacted", "reply_redacted", "error_detail", "kind",
)  # fmt: skip
ID_COLUMNS = ID_KEYS
INSERT = f"INSERT INTO calls ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
CREATE_STAGING = f"CREATE TEMP TABLE IF NOT EXISTS calls_staging ({', '.join(COLUMNS)})"
STAGE = (
    f"INSERT INTO temp.calls_staging ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(COLUMNS))})"
)
UNSTAGE = (
    f"INSERT INTO calls ({', '.join(COLUMNS)}) "
    f"SELECT {', '.join(COLUMNS)} FROM temp.calls_staging ORDER BY rowid"
)
BATCH = 10_000
SELECT_COLUMNS = f"SELECT id, {', '.join(COLUMNS)}"
SELECT = f"{SELECT_COLUMNS} FROM calls"
# A text search matching at most this many rows is answered from the indexes, not a scan.
SPARSE_LIMIT = 2000
SPARSE_COUNT_LIMIT = 100_000
_REDACTED = "[redacted]"
# Above any character a prefix can be followed by: makes "starts with" an index range.
MAX_CHAR = "\U0010ffff"


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
    for column in (*ID_COLUMNS, "outcome", "profile", "time"):
        conn.execute(f"CREATE INDEX calls_{column} ON calls({column})")


def _migrate_2(conn: sqlite3.Connection, fts: bool) -> None:
    """Full-text search over the message, when this SQLite has FTS5 (else LIKE is used)."""
    if not fts:
        return
    conn.execute(
        "CREATE VIRTUAL TABLE calls_fts USING fts5(message, content='calls', content_rowid='id')"
    )
    create_fts_triggers(conn)
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


def create_fts_triggers(conn: sqlite3.Connection) -> None:
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


def insert_batch(conn: sqlite3.Connection, batch: list[tuple[Any, ...]]) -> int:
    conn.executemany(STAGE, batch)
    count = conn.execute(UNSTAGE).rowcount
    conn.execute("DELETE FROM temp.calls_staging")
    return max(count, 0)


def store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    code = error_code(exc)
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


def error_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    # Extended result codes keep the primary code in the low byte.
    return code & 0xFF if isinstance(code, int) else None


def fts5_available(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
        conn.execute("DROP TABLE temp.fts5_probe")
    except sqlite3.OperationalError:
        return False
    return True


def fts_query(text: str) -> str:
    """Each word as a quoted FTS5 prefix term: user input can never be FTS syntax."""
    words = [w for w in text.split() if w]
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_sql(where: list[str]) -> str:
    return f" WHERE {' AND '.join(where)}" if where else ""


def row_of(result: Recordable) -> tuple[Any, ...]:
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
        *card.ids(),
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


def _lookup_row_of(result: CallSummary) -> tuple[Any, ...]:
    """The row for a card lookup: its ids, its summary, its redacted texts (card tokens are
    masked by the core)."""
    card = result.cardholder
    return (
        float(result.started_at), result.profile_name, result.environment.value,
        *card.ids(), 0, result.http_status,
        None if result.response_code is None else str(result.response_code),
        result.summary, float(result.elapsed_ms), result.outcome, result.request_redacted,
        result.reply_redacted, result.error.detail if result.error else "", result.kind,
    )


def record_of(row: tuple[Any, ...]) -> CallRecord:
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
