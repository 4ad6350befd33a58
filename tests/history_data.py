"""A large synthetic history, built fast in SQL (tests and benchmarks share it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from enkash_desktop.store import HistoryStore


def build_history(path: Path, rows: int, *, start: float) -> None:
    """``rows`` calls in the store's own schema, one INSERT ... SELECT (FTS triggers run).

    Call ``i`` is at ``start + 30 s * i``; every seventh call is rejected.
    """
    HistoryStore(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        conn.execute(
            """
            INSERT INTO calls (time, profile, environment, card_account_id, company_id,
                enkash_card_id, admin, http_status, response_code, message, elapsed_ms,
                outcome, request_redacted, reply_redacted, error_detail)
            WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?)
            SELECT ? + i * 30.0, 'p' || (i % 5), 'uat', printf('CA%07d', i),
                printf('CO%03d', i % 100), printf('EC%07d', i), i % 50 = 0,
                CASE WHEN i % 7 = 0 THEN 422 ELSE 200 END,
                CASE WHEN i % 7 = 0 THEN '1' ELSE '0' END,
                CASE i % 4 WHEN 0 THEN 'Success' WHEN 1 THEN 'Card not found'
                    WHEN 2 THEN 'Company mismatch' ELSE 'Invalid enkash card id' END,
                80.0 + i % 300, CASE WHEN i % 7 = 0 THEN 'rejected' ELSE 'success' END,
                'curl -X POST https://pay-uat.enkash.in/api/v0/partner/enKashCard/sso-token '
                    || '-H ''Authorization: [redacted]'' -d ''{"cardAccountId": "'
                    || printf('CA%07d', i) || '"}''',
                '{"responseCode": 0, "message": "Success"}', ''
            FROM seq
            """,
            (rows, start),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
