"""Batch sends over real loopback HTTP: faults, shared logins, pauses, cancel and resume,
the results file, the history, and `enkash-sso batch` as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enkash_desktop.core import (
    Cardholder,
    EnkashClient,
    EnkashError,
    ErrorKind,
    MemoryFailureCounter,
    Secrets,
    SsoResult,
)
from enkash_desktop.core.batch import (
    RESULT_COLUMNS,
    BatchEnd,
    BatchProgress,
    BatchResults,
    row_key,
    run_batch,
)
from enkash_desktop.core.csvsafe import read_cardholders_csv
from enkash_desktop.sandbox import (
    ALL_DEMO_CARDHOLDERS,
    DEMO,
    Sandbox,
    demo_profile,
    demo_secrets,
)
from enkash_desktop.store import AppPaths, HistoryStore, write_atomic
from tests.processes import child

SSO = "/api/v0/partner/enKashCard/sso-token"
ROWS = [Cardholder(f"CA{i:07d}", DEMO.company_id, f"EK{i:07d}", admin=i % 10 == 0)
        for i in range(200)]


@pytest.fixture
def sandbox() -> Sandbox:  # type: ignore[misc]
    with Sandbox() as sb:
        sb.add_cardholders(ROWS)
        yield sb


def client_for(sb: Sandbox, secrets: Secrets | None = None) -> EnkashClient:
    return EnkashClient(demo_profile(sb.base_url), demo_secrets() if secrets is None else secrets,
                        failures=MemoryFailureCounter())


def sso_calls(sb: Sandbox) -> list[bytes]:
    return [c.body for c in sb.calls if c.path == SSO]


def logins(sb: Sandbox) -> int:
    return sum(c.path == "/oauth/token" for c in sb.calls)


def read_results(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# After this many results, the next calls meet this fault (the sandbox spends one use of every
# matching fault per call, so they are switched on one after another).
FAULT_PLAN = {0: ("http_422", 5), 30: ("http_500", 4), 60: ("drop", 3), 90: ("code_1", 2),
              120: ("http_502_html", 2), 150: ("not_json", 1)}


def test_200_rows_with_faults_all_accounted_for(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.set_fault("delay", endpoint="sso", times=100, delay_s=0.01)
    output = tmp_path / "results.csv"
    results = BatchResults.load(output, write=write_atomic)
    history = HistoryStore(tmp_path / "history.sqlite3")
    progress: list[BatchProgress] = []
    reported: list[int] = []

    def on_result(index: int, result: SsoResult) -> None:
        reported.append(index)
        if len(reported) in FAULT_PLAN:
            kind, times = FAULT_PLAN[len(reported)]
            sandbox.set_fault(kind, endpoint="sso", times=times)
        results.add(result)
        results.save_if_due(0.05)
        history.record(result)

    kind, times = FAULT_PLAN[0]
    sandbox.set_fault(kind, endpoint="sso", times=times)
    with client_for(sandbox) as client:
        summary = run_batch(client, ROWS, on_result=on_result, cancel=threading.Event(),
                            concurrency=8, on_progress=progress.append)
    results.save()

    assert summary.end is BatchEnd.COMPLETE and summary.not_started == 0
    assert sorted(reported) == list(range(200))  # each row reported exactly once
    assert (summary.progress.done, summary.progress.ok, summary.progress.failed) == (200, 183, 17)
    assert dict(summary.failures) == {ErrorKind.REJECTED: 7, ErrorKind.SERVER: 6,
                                      ErrorKind.NETWORK: 3, ErrorKind.UNREADABLE: 1}
    assert summary.exit_code == 5  # a server error is the worst failure here
    assert len(sso_calls(sandbox)) == 200 and logins(sandbox) == 1  # no retries, one login

    rows = read_results(output)
    assert len(rows) == 200
    assert {(r["card_account_id"], r["company_id"], r["enkash_card_id"],
             r["admin"] == "admin") for r in rows} == {row_key(c) for c in ROWS}
    outcomes = Counter(r["outcome"] for r in rows)
    assert outcomes == {"success": 183, "rejected": 7, "server": 6, "network": 3,
                        "unreadable": 1}
    assert all(r["portal_link"].startswith(sandbox.base_url + "/sso/")
               for r in rows if r["outcome"] == "success")
    assert all(r["message"] for r in rows)
    assert stat.S_IMODE(output.stat().st_mode) == 0o600

    assert history.count() == 200
    history.close()
    assert progress[-1].remaining == 0 and progress[-1].eta_s == 0.0
    assert any(p.eta_s is not None and p.eta_s > 0 for p in progress[2:-1])


def test_concurrent_401s_share_one_login(sandbox: Sandbox) -> None:
    sandbox.set_fault("delay", endpoint="sso", delay_s=0.01)  # keep calls in flight together
    refused = 0
    done = 0

    def on_result(index: int, result: SsoResult) -> None:
        nonlocal done
        done += 1
        if done == 50:
            sandbox.expire_tokens()  # every call in flight now meets a 401

    with client_for(sandbox) as client:
        original = client._post

        def counting_post(url: str, headers: dict[str, str], content: bytes,
                          generation: int, **kw: bool) -> tuple[int, bytes, str]:
            nonlocal refused
            reply = original(url, headers, content, generation, **kw)
            refused += reply[0] == 401
            return reply

        client._post = counting_post  # type: ignore[method-assign]
        summary = run_batch(client, ROWS, on_result=on_result, cancel=threading.Event(),
                            concurrency=16)
    assert summary.progress.ok == 200
    assert refused >= 2, "the test should provoke several 401s at once"
    assert logins(sandbox) == 2  # the first login and one refresh, shared by every thread


def test_a_refused_token_pauses_and_continue_retries_the_refused_rows(sandbox: Sandbox) -> None:
    secrets = Secrets(authorization=sandbox.issue_token(), cookie="JSESSIONID=ABC")
    pauses: list[EnkashError] = []
    latest: dict[int, SsoResult] = {}

    def on_result(index: int, result: SsoResult) -> None:
        latest[index] = result
        if len(latest) == 30 and not pauses:
            sandbox.expire_tokens()

    with client_for(sandbox, secrets) as client:
        def pause(error: EnkashError) -> bool:
            pauses.append(error)
            # The user types a fresh token while the batch waits.
            client.secrets = replace(client.secrets, authorization=sandbox.issue_token())
            return True

        summary = run_batch(client, ROWS, on_result=on_result, cancel=threading.Event(),
                            concurrency=4, pause_on_auth=pause)
    assert len(pauses) == 1 and pauses[0].kind is ErrorKind.TOKEN_EXPIRED
    assert summary.end is BatchEnd.COMPLETE and summary.progress.ok == 200
    assert all(r.ok for r in latest.values()) and len(latest) == 200
    assert logins(sandbox) == 0
    refused = len(sso_calls(sandbox)) - 200
    # Refused: the calls in flight when the token ended (at most 4), plus at most one row
    # started after each of those that had already passed the server's check (at most 3).
    assert 1 <= refused <= 7


def test_the_time_a_pause_waits_for_the_user_is_not_the_batch_s(sandbox: Sandbox) -> None:
    """The batch took what the calls took: not the seconds the question waited."""
    secrets = Secrets(authorization=sandbox.issue_token(), cookie="JSESSIONID=ABC")
    done: list[int] = []
    thinking_s = 1.5

    def on_result(index: int, result: SsoResult) -> None:
        done.append(index)
        if len(done) == 20:
            sandbox.expire_tokens()

    with client_for(sandbox, secrets) as client:
        def pause(error: EnkashError) -> bool:
            time.sleep(thinking_s)  # the user reads the question, then types a fresh token
            client.secrets = replace(client.secrets, authorization=sandbox.issue_token())
            return True

        started = time.perf_counter()
        summary = run_batch(client, ROWS[:60], on_result=on_result,
                            cancel=threading.Event(), concurrency=4, pause_on_auth=pause)
        wall_s = time.perf_counter() - started
    assert summary.end is BatchEnd.COMPLETE and summary.progress.ok == 60
    assert wall_s >= thinking_s
    assert summary.progress.elapsed_s <= wall_s - thinking_s + 0.05


def test_stopping_on_an_authentication_failure(sandbox: Sandbox) -> None:
    secrets = Secrets(authorization=sandbox.issue_token(), cookie="JSESSIONID=ABC")
    seen: list[int] = []
    ok: list[bool] = []

    def on_result(index: int, result: SsoResult) -> None:
        seen.append(index)
        ok.append(result.ok)
        if len(seen) == 30:
            sandbox.expire_tokens()

    with client_for(sandbox, secrets) as client:
        summary = run_batch(client, ROWS, on_result=on_result, cancel=threading.Event(),
                            concurrency=4, pause_on_auth=lambda error: False)
    assert summary.end is BatchEnd.AUTHENTICATION
    assert summary.auth_error is not None and summary.auth_error.kind is ErrorKind.TOKEN_EXPIRED
    assert summary.exit_code == 4
    assert len(sso_calls(sandbox)) == len(seen)  # every call sent was reported
    first_failure = ok.index(False)
    assert len(seen) - first_failure - 1 <= 3  # only calls already in flight came after it
    assert summary.not_started == 200 - len(seen)


def test_a_failed_login_is_never_repeated_by_the_other_threads(sandbox: Sandbox) -> None:
    wrong = replace(demo_secrets(), password="wrong")
    failures = MemoryFailureCounter()
    with EnkashClient(demo_profile(sandbox.base_url), wrong, failures=failures) as client:
        summary = run_batch(client, ROWS, on_result=lambda i, r: None,
                            cancel=threading.Event(), concurrency=16)
        assert client.login_failures() == 1
    assert summary.end is BatchEnd.AUTHENTICATION
    assert summary.auth_error is not None and summary.auth_error.kind is ErrorKind.LOGIN_FAILED
    assert logins(sandbox) == 1
    assert sso_calls(sandbox) == []


def test_cancel_then_resume_gives_every_row_once(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.set_fault("delay", endpoint="sso", delay_s=0.002)
    output = tmp_path / "out.csv"
    cancel = threading.Event()

    def run(stop_after: int | None) -> tuple[BatchResults, int]:
        results = BatchResults.load(output, write=write_atomic)
        count = 0

        def on_result(index: int, result: SsoResult) -> None:
            nonlocal count
            count += 1
            results.add(result)
            if stop_after is not None and count >= stop_after:
                cancel.set()

        with client_for(sandbox) as client:
            summary = run_batch(client, ROWS, on_result=on_result, cancel=cancel,
                                concurrency=4, done_keys=results.done_keys())
        results.save()
        if stop_after is not None:
            assert summary.end is BatchEnd.CANCELLED and summary.not_started > 0
            assert summary.exit_code == 3
        else:
            assert summary.end is BatchEnd.COMPLETE and summary.exit_code == 0
            assert summary.progress.skipped == first
        return results, count

    _, first = run(50)
    assert 50 <= first <= 53  # the calls in flight finish; nothing new starts
    assert len(read_results(output)) == first
    cancel.clear()
    _, second = run(None)
    assert first + second == 200
    rows = read_results(output)
    assert len(rows) == 200 and all(r["outcome"] == "success" for r in rows)
    assert len({(r["card_account_id"], r["admin"]) for r in rows}) == 200
    assert len(sso_calls(sandbox)) == 200  # no row was sent twice


def test_concurrency_is_bounded_and_checked(sandbox: Sandbox) -> None:
    sandbox.set_fault("delay", endpoint="sso", delay_s=0.01)
    lock = threading.Lock()
    now = peak = 0
    with client_for(sandbox) as client:
        send = client.send_sso

        def counting(cardholder: Cardholder, **kw: int | None) -> SsoResult:
            nonlocal now, peak
            with lock:
                now += 1
                peak = max(peak, now)
            try:
                return send(cardholder, **kw)
            finally:
                with lock:
                    now -= 1

        client.send_sso = counting  # type: ignore[method-assign]
        run_batch(client, ROWS[:40], on_result=lambda i, r: None, cancel=threading.Event(),
                  concurrency=3)
        for bad in (0, 17):
            with pytest.raises(EnkashError) as info:
                run_batch(client, ROWS, on_result=lambda i, r: None,
                          cancel=threading.Event(), concurrency=bad)
            assert info.value.kind is ErrorKind.BAD_INPUT and "1 to 16" in info.value.message
    assert peak == 3


def test_duplicates_and_done_rows_are_skipped(sandbox: Sandbox) -> None:
    rows = [ROWS[0], ROWS[1], ROWS[0], ROWS[2]]
    with client_for(sandbox) as client:
        summary = run_batch(client, rows, on_result=lambda i, r: None, cancel=threading.Event(),
                            done_keys={row_key(ROWS[1])})
    assert (summary.progress.ok, summary.progress.skipped) == (2, 2)
    assert len(sso_calls(sandbox)) == 2


def test_the_results_file_is_neutralised_and_never_clobbers_another_file(
        tmp_path: Path) -> None:
    other = tmp_path / "precious.csv"
    other.write_text("name,value\nx,1\n")
    with pytest.raises(EnkashError) as info:
        BatchResults.load(other, write=write_atomic)
    assert "not a results file" in info.value.message
    assert other.read_text() == "name,value\nx,1\n"

    path = tmp_path / "out.csv"
    results = BatchResults.load(path, write=write_atomic)
    _, problems = read_cardholders_csv("Card Account ID,Company ID,EnKash Card ID\n"
                                       "=HYPERLINK(\"x\"),@SUM(1),+1\n")
    results.add_problems(problems)
    results.save()
    text = path.read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text and "'+1" in text
    assert text.splitlines()[0] == ",".join(RESULT_COLUMNS)
    again = BatchResults.load(path, write=write_atomic)
    assert len(again) == 0  # an earlier run's bad rows are reported afresh, not kept


# ------------------------------------------------------------------ the command line


def cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    env["ENKASH_DESKTOP_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "enkash_desktop.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_batch_command_end_to_end(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    lines = ["Card Account ID;Company ID;EnKash Card ID;Admin"]
    lines += [f"{c.card_account_id};{c.company_id};{c.enkash_card_id};"
              f"{'admin' if c.admin else 'employee'}" for c in ALL_DEMO_CARDHOLDERS]
    good.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    out = tmp_path / "out.csv"
    home = tmp_path / "home"

    first = cli(["batch", "--demo", "--input", str(good), "--output", str(out), "--json"], home)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["ok"] is True and summary["succeeded"] == 5 and summary["error"] is None
    assert "sign in as the cardholders" in summary["notice"]
    rows = read_results(out)
    assert len(rows) == 5 and {r["outcome"] for r in rows} == {"success"}
    assert sum(r["portal_link"].endswith("/reward_account/hrms") for r in rows) == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    again = cli(["batch", "--demo", "--input", str(good), "--output", str(out),
                 "--concurrency", "2"], home)
    assert again.returncode == 0, again.stderr
    assert "5 already done" in again.stdout
    assert len(read_results(out)) == 5  # no duplicates

    history = HistoryStore(AppPaths.under(home).history_file)
    assert history.count() == 5  # the resumed run sent nothing
    history.close()

    mixed = tmp_path / "mixed.csv"
    mixed.write_text(good.read_text(encoding="utf-8-sig")
                     + "CANOTKNOWN;CEK1PU9AOO;EKNOTKNOWN;\nbad id;X;Y;\n")
    rejected = cli(["batch", "--demo", "--input", str(mixed), "--output",
                    str(tmp_path / "mixed-out.csv")], home)
    assert rejected.returncode == 4
    assert "Line 8: Card account id must not contain spaces." in rejected.stderr
    assert "sign in as the cardholders" in rejected.stderr
    assert len(read_results(tmp_path / "mixed-out.csv")) == 7


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--input", "missing.csv"], "could not be read"),
        (["--input", "good.csv", "--concurrency", "99"], "1 to 16"),
        (["--input", "good.csv", "--output", "good.csv"], "not a results file"),
        (["--input", "nocols.csv"], "no column"),
    ],
)
def test_batch_command_bad_input_exits_2(tmp_path: Path, args: list[str], words: str) -> None:
    (tmp_path / "good.csv").write_text("Card Account ID,Company ID,EnKash Card ID\nA,B,C\n")
    (tmp_path / "nocols.csv").write_text("a,b\n1,2\n")
    full = ["batch", "--demo", "--output", "out.csv", *args]
    if "--output" in args:
        full = ["batch", "--demo", *args]
    proc = subprocess.run(
        [sys.executable, "-m", "enkash_desktop.cli", *full, "--json"], cwd=tmp_path,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")},
             "ENKASH_DESKTOP_HOME": str(tmp_path / "home")},
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    out = json.loads(proc.stdout)
    assert out["error"]["kind"] == "bad_input" and words in out["error"]["message"]


def test_batch_help_documents_the_exit_codes() -> None:
    proc = subprocess.run([sys.executable, "-m", "enkash_desktop.cli", "batch", "--help"],
                          capture_output=True, text=True, timeout=60)
    text = " ".join(proc.stdout.split())
    for words in ("0 every row succeeded", "2 the input file", "4 some rows were rejected",
                  "3 some rows met a network", "5 some rows met a server", "keep it private"):
        assert words in text


# ------------------------------------------------------------------ killed outright


@pytest.mark.skipif(os.name != "posix", reason="kill -9 (SIGKILL) is a POSIX signal")
def test_kill_9_re_sends_at_most_the_rows_in_flight(sandbox: Sandbox, tmp_path: Path) -> None:
    """`enkash-sso batch` killed three times mid-run, then resumed: every row that had
    succeeded before a kill is skipped, so only the calls in flight (at most the concurrency)
    are sent again, and the results file ends with each row once."""
    concurrency, kills = 4, 3
    source = tmp_path / "in.csv"
    source.write_text("Card Account ID,Company ID,EnKash Card ID,Admin\n" + "".join(
        f"{c.card_account_id},{c.company_id},{c.enkash_card_id},"
        f"{'admin' if c.admin else 'employee'}\n" for c in ROWS), encoding="utf-8")
    out = tmp_path / "out.csv"
    sandbox.set_fault("delay", endpoint="sso", delay_s=0.03)  # ~7 s for the 200 rows
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    env.update({"ENKASH_DESKTOP_HOME": str(tmp_path / "home"),
                "ENKASH_AUTHORIZATION": sandbox.issue_token(), "ENKASH_COOKIE": "JSESSIONID=42"})
    command = [sys.executable, "-m", "enkash_desktop.cli", "batch", "--base-url",
               sandbox.base_url, "--partner-id", DEMO.partner_id, "--portal-partner", "hrms",
               "--input", str(source), "--output", str(out), "--concurrency", str(concurrency)]
    for round_ in range(kills):
        target = len(sso_calls(sandbox)) + 25
        with child(command, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL) as proc:
            deadline = time.monotonic() + 60
            while len(sso_calls(sandbox)) < target:
                assert proc.poll() is None, f"round {round_}: the batch ended before the kill"
                assert time.monotonic() < deadline, f"round {round_}: too few calls were sent"
                time.sleep(0.01)
            proc.kill()  # SIGKILL: no handler, no final save
            assert proc.wait(timeout=10) == -signal.SIGKILL
    assert out.with_name("out.csv.journal").exists(), "the last kill left no journal to merge"
    last = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert last.returncode == 0, last.stderr
    re_sent = len(sso_calls(sandbox)) - len(ROWS)
    assert 0 <= re_sent <= kills * concurrency, f"{re_sent} rows were minted twice"
    rows = read_results(out)
    assert len(rows) == len(ROWS) and {r["outcome"] for r in rows} == {"success"}
    assert not out.with_name("out.csv.journal").exists()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.binary(max_size=2000) | st.text(max_size=400).map(
    lambda t: t.encode("utf-8", "surrogatepass")))
def test_a_damaged_journal_never_stops_a_resume(tmp_path: Path, garbage: bytes) -> None:
    out = tmp_path / "out.csv"
    out.unlink(missing_ok=True)
    good = ["CA1", "CO1", "EK1", "employee", "success", "ok", "https://portal/x", "t"]
    journal = out.with_name("out.csv.journal")
    journal.write_bytes(garbage + b"\n" + json.dumps(good).encode() + b"\n" + garbage)
    results = BatchResults.load(out, write=write_atomic)
    assert ("CA1", "CO1", "EK1", False) in results.done_keys()
    for row in results.rows():
        assert len(row) == len(RESULT_COLUMNS) and all(isinstance(c, str) for c in row)
    results.save()
    assert not journal.exists()
    assert len(read_results(out)) == len(results.rows())
