"""Batch sends: SSO tokens for many cardholders, a bounded pool of threads, resumable results.

:func:`run_batch` sends rows through one :class:`EnkashClient` (one connection pool, one
bearer token) with at most ``concurrency`` calls in flight. It never sends a row twice in a
run, nor a row the caller says is already done, so a batch can be resumed after a cancel or
a crash. Authentication failures pause it instead of burning through the rows: the client
already shares one login among threads refused at the same time and never repeats a failed
login, and the batch stops starting rows until the caller decides (``pause_on_auth``).

:class:`BatchResults` is the results CSV (ids, admin, outcome, message, portal link, time):
loaded for resume, updated per result, written atomically by the writer the caller passes
(the store's ``write_atomic``: owner-only, temp file and rename). Its portal links sign in as
the cardholders until they expire: callers show :data:`LINKS_WARNING`.

A succeeded row is also appended at once to a journal beside the file (``<name>.journal``,
one JSON line per row, owner-only) before the next result is handled, and the journal is
merged into the file and removed at each save. So a batch killed outright (kill -9, power
cut after the write reached the disk) re-sends on resume only the rows that were in flight.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence, Set
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from queue import SimpleQueue

from .client import EnkashClient
from .csvsafe import BOM, RowProblem, encode_csv, restore_cell
from .errors import EnkashError, ErrorKind
from .fields import ID_KEYS
from .models import Cardholder, SsoResult

log = logging.getLogger(__name__)

RowKey = tuple[str | bool, ...]  # the cardholder's ids (core/fields.py), then admin

DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 16
# A row refused for authentication is tried again after each "continue", this often at most.
MAX_ATTEMPTS = 3
# A row refused with HTTP 429 (too many calls) waits and goes again, this often at most;
# the pause is the server's Retry-After (this long when it gives none).
MAX_RATE_LIMITED = 5
DEFAULT_RATE_PAUSE_S = 5.0
AUTH_KINDS = frozenset({ErrorKind.TOKEN_EXPIRED, ErrorKind.LOGIN_FAILED,
                        ErrorKind.LOCKOUT_RISK, ErrorKind.ACCOUNT_LOCKED})
_ETA_WINDOW = 32  # completions in the moving average behind the ETA

RESULT_COLUMNS = (*ID_KEYS, "admin", "outcome", "message", "portal_link", "time_utc")
_ADMIN = len(ID_KEYS)  # the results file's column that says employee or admin
LINKS_WARNING = (
    "The portal links in the results file sign in as the cardholders until they expire. "
    "Please keep the file private and delete it when you no longer need it."
)
NO_LINK_MESSAGE = (
    "The SSO token was minted, but no portal link could be built because the profile has no "
    "SSO partner name."
)
# Exit codes from least to most severe (DESIGN.md): 2 a bad row, 4 rejected, 3 network, 5 server.
_EXIT_RANK = {0: 0, 2: 1, 4: 2, 3: 3, 5: 4}


def _key_of(cells: list[str]) -> RowKey:
    """The row key of a results file's row (its ids, then whether it is an admin card)."""
    return (*cells[:_ADMIN], cells[_ADMIN] == "admin")


def row_key(cardholder: Cardholder) -> RowKey:
    """The identity of a row for resume and de-duplication: the three ids and admin."""
    return (*(value.strip() for value in cardholder.ids()), cardholder.admin)


def check_concurrency(concurrency: int) -> int:
    """``concurrency`` if it is 1 to 16, else BAD_INPUT (the API is not ours to flood)."""
    if isinstance(concurrency, bool) or not 1 <= concurrency <= MAX_CONCURRENCY:
        raise EnkashError(ErrorKind.BAD_INPUT,
                          f"Concurrency must be a whole number from 1 to {MAX_CONCURRENCY}.",
                          field="concurrency")
    return concurrency


class BatchEnd(Enum):
    """Why a batch stopped."""

    COMPLETE = "complete"  # every row has a result (or was skipped)
    CANCELLED = "cancelled"  # the cancel event was set; rows not started were not sent
    AUTHENTICATION = "authentication"  # stopped on an authentication failure


@dataclass(frozen=True)
class BatchProgress:
    """Counts so far and an estimate of the time left (None until it can be estimated)."""

    total: int  # rows given
    done: int  # rows with a result in this run
    ok: int
    failed: int
    skipped: int  # already done before this run, or repeated in the input
    remaining: int  # rows still to send or in flight
    elapsed_s: float  # time sending; not the time a pause waited for the user's answer
    eta_s: float | None


@dataclass(frozen=True)
class BatchSummary:
    """How a batch ended: final counts, why it stopped, and the failures by kind."""

    progress: BatchProgress
    end: BatchEnd
    not_started: int
    failures: tuple[tuple[ErrorKind, int], ...]  # final outcome of each failed row, counted
    auth_error: EnkashError | None = None  # what stopped it, when end is AUTHENTICATION

    @property
    def ok(self) -> bool:
        return self.end is BatchEnd.COMPLETE and self.progress.failed == 0

    @property
    def exit_code(self) -> int:
        """The `enkash-sso batch` exit code: 0, or the most severe failure's (5 > 3 > 4 > 2)."""
        codes = [kind.exit_code for kind, _ in self.failures]
        if self.end is BatchEnd.AUTHENTICATION and self.auth_error is not None:
            codes.append(self.auth_error.kind.exit_code)
        if self.end is BatchEnd.CANCELLED and self.not_started:
            codes.append(ErrorKind.CANCELLED.exit_code)
        return max(codes, key=lambda c: _EXIT_RANK.get(c, 5), default=0)


class _Tracker:
    """Counts and a moving-average ETA over the last completions."""

    def __init__(self, total: int, skipped: int) -> None:
        self.total = total
        self.skipped = skipped
        self.started = time.perf_counter()
        self.paused_s = 0.0  # spent waiting for the user's answer (not sending)
        self.results: dict[int, bool] = {}
        self.ok = 0
        self._times: deque[float] = deque(maxlen=_ETA_WINDOW)

    def record(self, index: int, ok: bool) -> None:
        before = self.results.get(index)
        self.ok += int(ok) - int(bool(before))
        self.results[index] = ok
        self._times.append(time.perf_counter())

    def restart_window(self) -> None:
        """Forget the rate after a pause, which says nothing about the server's speed."""
        self._times.clear()

    def progress(self, remaining: int) -> BatchProgress:
        eta: float | None = None
        if remaining == 0:
            eta = 0.0
        elif len(self._times) >= 2 and self._times[-1] > self._times[0]:
            rate = (len(self._times) - 1) / (self._times[-1] - self._times[0])
            eta = remaining / rate
        done = len(self.results)
        return BatchProgress(self.total, done, self.ok, done - self.ok, self.skipped,
                             remaining, time.perf_counter() - self.started - self.paused_s,
                             eta)


def run_batch(
    client: EnkashClient,
    rows: Sequence[Cardholder],
    *,
    on_result: Callable[[int, SsoResult], None],
    cancel: threading.Event,
    concurrency: int = DEFAULT_CONCURRENCY,
    done_keys: Set[RowKey] = frozenset(),
    pause_on_auth: Callable[[EnkashError], bool] | None = None,
    on_progress: Callable[[BatchProgress], None] | None = None,
    on_rate_limit: Callable[[float], None] | None = None,
) -> BatchSummary:
    """Send an SSO call for each row, at most ``concurrency`` at a time; never raises for a row.

    ``on_result(index, result)`` and ``on_progress`` run on the calling thread, one at a
    time, as calls finish. Rows whose :func:`row_key` is in ``done_keys``, or repeats an
    earlier row, are skipped. Once ``cancel`` is set no new row starts; calls in flight
    finish and are reported (call ``client.cancel()`` as well to abort them).

    An authentication failure (token refused after the one refresh, login failed, lockout
    risk, account locked) pauses the batch: no new row starts, calls in flight finish, then
    ``pause_on_auth(error)`` is called with nothing in flight. True continues (the refused
    rows are tried again, so a row may be reported twice: the last report wins); False, or
    no callback, stops. An exception from a callback stops the batch and propagates.

    A row refused with HTTP 429 (too many calls; EnKash's gateway rate limit) is not failed:
    the batch starts no row until the reply's Retry-After has passed (``on_rate_limit(s)`` is
    told how long), then sends the row again, up to :data:`MAX_RATE_LIMITED` times.
    """
    check_concurrency(concurrency)
    run = _Run(client, rows, cancel, done_keys, on_result, on_progress, on_rate_limit)
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="enkash-batch")
    try:
        while True:
            run.start_rows(pool, concurrency)
            if not run.in_flight:
                if run.stops_or_pauses(pause_on_auth):
                    break
                continue
            run.take_finished()
    except BaseException as exc:
        if not isinstance(exc, Exception):  # Ctrl+C and friends: abort the calls in flight
            client.cancel()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return run.summary()


class _Run:
    """The state of one :func:`run_batch` while it runs (on the calling thread only)."""

    def __init__(self, client: EnkashClient, rows: Sequence[Cardholder],
                 cancel: threading.Event, done_keys: Set[RowKey],
                 on_result: Callable[[int, SsoResult], None],
                 on_progress: Callable[[BatchProgress], None] | None,
                 on_rate_limit: Callable[[float], None] | None) -> None:
        self.client = client
        self.rows = rows
        self.cancel = cancel
        self.on_result = on_result
        self.on_progress = on_progress
        self.on_rate_limit = on_rate_limit
        self.pending: deque[int] = deque()
        seen = set(done_keys)
        for index, row in enumerate(rows):
            key = row_key(row)
            if key not in seen:
                seen.add(key)
                self.pending.append(index)
        self.tracker = _Tracker(len(rows), len(rows) - len(self.pending))
        self.final: dict[int, SsoResult] = {}
        self.attempts: Counter[int] = Counter()
        self.retry: list[int] = []
        self.rate_limited: Counter[int] = Counter()
        self.resume_at = 0.0  # time.monotonic() before which no row starts (HTTP 429)
        self.auth_error: EnkashError | None = None
        self.end = BatchEnd.COMPLETE
        self.in_flight: dict[Future[SsoResult], int] = {}
        # Finished calls arrive here (cheaper than wait(), which re-arms every future).
        self.finished: SimpleQueue[Future[SsoResult]] = SimpleQueue()
        # The client's login count when the batch began (or last continued): a login that
        # fails after it is reported by every row instead of being tried again by the next.
        self.logins_seen = client.login_attempts
        if on_progress is not None:
            on_progress(self.tracker.progress(len(self.pending)))

    def start_rows(self, pool: ThreadPoolExecutor, concurrency: int) -> None:
        """Start rows until ``concurrency`` are in flight (not while paused or cancelled)."""
        while (self.pending and len(self.in_flight) < concurrency and self.auth_error is None
               and not self.cancel.is_set() and time.monotonic() >= self.resume_at):
            index = self.pending.popleft()
            self.attempts[index] += 1
            future = pool.submit(self.client.send_sso, self.rows[index],
                                 logins_seen=self.logins_seen)
            self.in_flight[future] = index
            future.add_done_callback(self.finished.put)

    def stops_or_pauses(self, pause_on_auth: Callable[[EnkashError], bool] | None) -> bool:
        """Nothing is in flight: True when the batch ends; False to go on (after a wait for
        a rate limit, or when the user chose to continue after an authentication failure)."""
        if self.cancel.is_set() and (self.pending or self.retry):
            self.end = BatchEnd.CANCELLED
            return True
        wait_s = self.resume_at - time.monotonic()
        if self.pending and self.auth_error is None and wait_s > 0:
            self.cancel.wait(wait_s)
            return False
        if self.auth_error is None or not (self.pending or self.retry):
            return True
        asked = time.perf_counter()
        go_on = pause_on_auth is not None and pause_on_auth(self.auth_error)
        self.tracker.paused_s += time.perf_counter() - asked
        if not go_on or self.cancel.is_set():
            self.end = BatchEnd.CANCELLED if self.cancel.is_set() else BatchEnd.AUTHENTICATION
            return True
        self.pending.extendleft(reversed(self.retry))
        self.retry.clear()
        self.auth_error = None
        self.logins_seen = self.client.login_attempts  # the user chose to go on: may log in
        self.tracker.restart_window()
        return False

    def take_finished(self) -> None:
        """Wait for a call to finish; report it (and any others already done)."""
        ready = [self.finished.get()]
        while not self.finished.empty():
            ready.append(self.finished.get())
        for future in ready:
            index = self.in_flight.pop(future)
            result = future.result()
            if not self._waits_for_rate_limit(index, result):
                self._report(index, result)

    def _waits_for_rate_limit(self, index: int, result: SsoResult) -> bool:
        """A 429: the row goes back to the front, and no row starts until Retry-After."""
        error = result.error
        if (error is None or error.http_status != 429
                or self.rate_limited[index] >= MAX_RATE_LIMITED or self.cancel.is_set()):
            return False
        self.rate_limited[index] += 1
        pause = DEFAULT_RATE_PAUSE_S if error.retry_after_s is None else error.retry_after_s
        self.resume_at = max(self.resume_at, time.monotonic() + pause)
        self.pending.appendleft(index)
        if self.on_rate_limit is not None:
            self.on_rate_limit(pause)
        return True

    def _report(self, index: int, result: SsoResult) -> None:
        self.final[index] = result
        error = result.error
        if error is not None and error.kind in AUTH_KINDS:
            self.auth_error = self.auth_error or error
            if self.attempts[index] < MAX_ATTEMPTS:
                self.retry.append(index)
        self.tracker.record(index, result.ok)
        self.on_result(index, result)
        if self.on_progress is not None:
            self.on_progress(self.tracker.progress(len(self.pending) + len(self.in_flight)))

    def summary(self) -> BatchSummary:
        kinds = Counter(r.error.kind for r in self.final.values() if r.error is not None)
        complete = self.end is BatchEnd.COMPLETE
        return BatchSummary(
            progress=self.tracker.progress(0 if complete else len(self.pending)),
            end=self.end,
            not_started=len(self.pending),
            failures=tuple(sorted(kinds.items(), key=lambda kv: kv[0].value)),
            auth_error=self.auth_error if self.end is BatchEnd.AUTHENTICATION else None,
        )


# ------------------------------------------------------------------ the results file


def _utc(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).isoformat(timespec="seconds")


class BatchResults:
    """The results CSV of a batch, one row per cardholder key (the last result wins).

    ``write(path, data)`` must replace the file atomically with owner-only permissions:
    pass :func:`enkash_desktop.store.write_atomic`. Not thread-safe: use it from the thread
    that runs :func:`run_batch` (its callbacks run there).
    """

    def __init__(self, path: str | Path, *, write: Callable[[Path, bytes], None]) -> None:
        self.path = Path(path)
        self._write = write
        self._rows: dict[RowKey, list[str]] = {}
        self._problems: list[list[str]] = []  # input rows not sent, this run's only
        self._dirty = False
        self._saved_at = 0.0
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self._journal_fd: int | None = None
        self._journal_failed = False

    @classmethod
    def load(cls, path: str | Path, *, write: Callable[[Path, bytes], None]) -> BatchResults:
        """The results already in ``path`` (none if it does not exist), for resuming.

        Raises BAD_INPUT when ``path`` exists but is not a results file, so no other file
        is ever overwritten. Rows of bad input from an earlier run are dropped: this run
        reports the input's problems afresh.
        """
        results = cls(path, write=write)
        target = results.path
        if not target.exists():
            results._read_journal()
            return results
        try:
            text = target.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise _not_results(target, str(exc)) from None
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
            if header is None:
                results._read_journal()
                return results
            if tuple(h.strip().lstrip(BOM) for h in header) != RESULT_COLUMNS:
                raise _not_results(target, f"header {header!r}")
            for record in reader:
                if not any(record):
                    continue
                cells = [restore_cell(c) for c in record[:len(RESULT_COLUMNS)]]
                cells += [""] * (len(RESULT_COLUMNS) - len(cells))
                if cells[_ADMIN + 1] == ErrorKind.BAD_INPUT.value:
                    continue
                key = _key_of(cells)
                results._rows[key] = cells
        except csv.Error as exc:
            raise _not_results(target, str(exc)) from None
        results._read_journal()
        return results

    def _read_journal(self) -> None:
        """Merge the rows a killed run had journaled but not yet saved in the file."""
        try:
            data = self.journal_path.read_bytes()
        except OSError:  # none (the usual case), or unreadable: those rows are sent again
            return
        for line in data.decode("utf-8", errors="replace").splitlines():
            try:
                cells = json.loads(line)
            except ValueError:  # a line cut short by the kill: its row is sent again
                continue
            if (isinstance(cells, list) and len(cells) == len(RESULT_COLUMNS)
                    and all(isinstance(c, str) for c in cells)):
                self._set(_key_of(cells), cells)

    def __len__(self) -> int:
        return len(self._rows) + len(self._problems)

    def rows(self) -> list[list[str]]:
        """Every row as written (before neutralisation): results first-seen first, then
        the input's problems."""
        return [list(r) for r in (*self._rows.values(), *self._problems)]

    def done_keys(self) -> frozenset[RowKey]:
        """The rows that succeeded: a resumed batch skips them."""
        return frozenset(k for k, r in self._rows.items() if r[4] == "success")

    def add(self, result: SsoResult) -> None:
        """Record a call's outcome (replacing an earlier one for the same cardholder)."""
        card = result.cardholder
        message = result.message
        if result.ok and not result.sso_url:
            message = NO_LINK_MESSAGE
        cells = [*card.ids(), "admin" if card.admin else "employee", result.outcome,
                 message, result.sso_url, _utc(result.started_at)]
        self._set(row_key(card), cells)
        if result.ok:
            self._journal(cells)

    def _journal(self, cells: list[str]) -> None:
        """Append a succeeded row to the journal: one write, so a kill never halves it."""
        if self._journal_failed:
            return
        line = (json.dumps(cells, ensure_ascii=True) + "\n").encode("ascii")
        try:
            if self._journal_fd is None:
                self._journal_fd = os.open(
                    self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.write(self._journal_fd, line)
        except OSError as exc:  # the rows still reach the file at the next save
            log.warning("batch: the journal of %s cannot be written (%s); results are saved "
                        "once a second instead", self.path.name, exc)
            self._journal_failed = True

    def add_problems(self, problems: Iterable[RowProblem]) -> None:
        """Record input rows that were not sent, with their line and reason."""
        now = _utc(time.time())
        for p in problems:
            card = p.cardholder or Cardholder("", "", "")
            self._problems.append([*card.ids(), "admin" if card.admin else "employee",
                                   ErrorKind.BAD_INPUT.value, p.text, "", now])
        self._dirty = True

    def _set(self, key: RowKey, cells: list[str]) -> None:
        self._rows[key] = cells
        self._dirty = True

    def encode(self) -> bytes:
        """The file's bytes: UTF-8 with a byte-order mark, every cell neutralised."""
        return encode_csv(RESULT_COLUMNS, [*self._rows.values(), *self._problems])

    def save(self) -> None:
        """Write the file now (atomically, through the writer given at construction); the
        journal's rows are in it then, so the journal is removed."""
        self._write(self.path, self.encode())
        self._dirty = False
        self._saved_at = time.monotonic()
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        with contextlib.suppress(OSError):  # one left behind only repeats rows in the file
            self.journal_path.unlink()

    def save_if_due(self, interval_s: float = 1.0) -> None:
        """Save when something changed and ``interval_s`` has passed since the last save."""
        if self._dirty and time.monotonic() - self._saved_at >= interval_s:
            self.save()


def _not_results(path: Path, detail: str) -> EnkashError:
    return EnkashError(
        ErrorKind.BAD_INPUT,
        f"The output file {path} already exists and is not a results file of a batch, so it "
        "was left alone. Please choose another output file.",
        detail=detail,
        field="output",
    )
