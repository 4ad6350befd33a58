"""Killing the program at any moment loses no saved history row and corrupts nothing.

A child process saves settings and records history rows in a loop, printing each row id
once ``record()`` has returned; it is killed with SIGKILL at a random moment, again and
again. Afterwards the settings file must still load without a "corrupt" notice, SQLite's
integrity check must pass, and every id a child printed must be in the history.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from enkash_desktop.store import HistoryStore, SettingsStore
from tests.processes import child

ROUNDS = 50
ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from enkash_desktop.core.errors import EnkashError, ErrorKind
    from enkash_desktop.core.models import Cardholder, Environment, Profile, SsoResult
    from enkash_desktop.store import HistoryStore, Settings, SettingsStore

    settings_store = SettingsStore(Path(sys.argv[1]))
    history = HistoryStore(Path(sys.argv[2]))
    child = int(sys.argv[3])
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        profiles = tuple(
            Profile(name=f"child{child}-call{n}-profile{k}", partner_id=f"PARTNER{k}")
            for k in range(1 + n % 4)
        )
        settings_store.save(
            Settings(
                profiles=profiles,
                current_profile=profiles[-1].name,
                preferences={"child": child, "n": n, "note": "x" * (n % 300)},
            )
        )
        ok = n % 3 != 0
        record_id = history.record(
            SsoResult(
                ok=ok,
                profile_name=profiles[-1].name,
                environment=Environment.SANDBOX,
                cardholder=Cardholder(f"CA{child:03d}{n:06d}", "CO1", f"EC{child:03d}{n:06d}"),
                started_at=1_700_000_000.0 + n,
                elapsed_ms=1.0,
                http_status=200 if ok else 422,
                response_code=0 if ok else 1,
                message="Success" if ok else "Card not found",
                error=None if ok else EnkashError(ErrorKind.REJECTED, detail="code 1"),
                request_redacted="curl -X POST https://sandbox.invalid/sso",
                reply_redacted='{"responseCode": 0}',
            )
        )
        sys.stdout.write(f"{record_id}\\n")
        sys.stdout.flush()
    """
)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is a POSIX signal")
def test_kill_9_loses_nothing_that_was_saved(tmp_path: Path) -> None:
    settings_path = tmp_path / "config" / "settings.json"
    history_path = tmp_path / "data" / "history.sqlite3"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    rng = random.Random(20240301)
    printed: list[int] = []
    started = time.monotonic()

    for round_ in range(ROUNDS):
        with child(
            [sys.executable, "-c", CHILD, str(settings_path), str(history_path), str(round_)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env=env,
        ) as proc:
            assert proc.stdout is not None
            assert proc.stdout.readline() == b"ready\n", "the child did not start"
            time.sleep(rng.uniform(0.05, 0.4))
            os.kill(proc.pid, signal.SIGKILL)
            output = proc.stdout.read()
            proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        # A line counts only when complete: the id was printed after record() returned.
        lines = output.split(b"\n")[:-1]
        printed += [int(line) for line in lines]

        loaded = SettingsStore(settings_path).load()
        assert loaded.notices == (), f"round {round_}: {loaded.notice}"

    elapsed = time.monotonic() - started
    assert len(printed) > ROUNDS, "the children hardly wrote anything"
    assert len(set(printed)) == len(printed), "an id was handed out twice"

    loaded = SettingsStore(settings_path).load()
    assert loaded.notices == ()
    assert loaded.settings.profiles, "the settings file lost its profiles"
    assert not list(settings_path.parent.glob("*.corrupt-*"))

    conn = sqlite3.connect(history_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = {row[0] for row in conn.execute("SELECT id FROM calls")}
    finally:
        conn.close()
    missing = sorted(set(printed) - stored)
    assert not missing, f"{len(missing)} saved rows are gone, e.g. {missing[:5]}"

    with HistoryStore(history_path) as history:
        assert history.notice == ""  # not set aside as damaged
        assert history.count() >= len(printed)
        assert history.get(printed[-1]) is not None

    print(f"\n{ROUNDS} kills in {elapsed:.1f} s, {len(printed)} acknowledged rows all present")
    assert elapsed < 90
