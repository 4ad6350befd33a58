"""`--timeout` and the profile's timeout bound the whole call, not each read.

A server sending one byte a second, in the headers or in the body, ends the call at the
deadline with the timeout sentence: in the client, the command line, and a batch per row.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from enkash_desktop.core import Cardholder, EnkashClient, ErrorKind, Secrets
from enkash_desktop.core.batch import run_batch
from enkash_desktop.sandbox import DEMO, DEMO_CARDHOLDERS, demo_profile
from tests.trickle import TrickleServer

HOLDER = DEMO_CARDHOLDERS[0]
IDS = ["--card-account-id", HOLDER.card_account_id, "--company-id", HOLDER.company_id,
       "--enkash-card-id", HOLDER.enkash_card_id]
SLACK_S = 1.5  # the deadline plus one byte's wait at most, plus process noise


@pytest.mark.parametrize("mode", ["headers", "body"])
def test_the_client_ends_a_trickling_call_at_the_deadline(mode: str) -> None:
    with TrickleServer(mode) as server:
        profile = demo_profile(server.base_url).with_changes(timeout_s=2.0)
        with EnkashClient(profile, Secrets(authorization="Bearer abc")) as client:
            start = time.monotonic()
            result = client.send_sso(HOLDER)
            held = time.monotonic() - start
    assert result.error is not None and result.error.kind is ErrorKind.TIMEOUT
    assert result.error.message == "The EnKash server did not answer within 2 seconds."
    assert 2.0 <= held < 2.0 + SLACK_S, held
    assert server.connections == 1


@pytest.mark.parametrize("mode", ["headers", "body"])
def test_cli_timeout_is_a_deadline(tmp_path: Path, mode: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    env.update({"ENKASH_DESKTOP_HOME": str(tmp_path), "ENKASH_AUTHORIZATION": "Bearer abc"})
    with TrickleServer(mode) as server:
        start = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "enkash_desktop.cli", "send", "--json", "--timeout", "2",
             "--base-url", server.base_url, "--partner-id", DEMO.partner_id, *IDS],
            env=env, capture_output=True, text=True, timeout=60)
        held = time.monotonic() - start
    assert proc.returncode == 3, proc.stdout + proc.stderr
    error = json.loads(proc.stdout)["error"]
    assert error["kind"] == "timeout" and "within 2 seconds" in error["message"]
    assert "Traceback" not in proc.stderr
    assert held < 2.0 + SLACK_S + 2.0, held  # plus the interpreter's start


def test_a_batch_ends_each_trickling_row_at_the_deadline() -> None:
    rows = [Cardholder(f"CA{i:07d}", DEMO.company_id, f"EK{i:07d}") for i in range(3)]
    with TrickleServer("body") as server:
        profile = demo_profile(server.base_url).with_changes(timeout_s=1.0)
        with EnkashClient(profile, Secrets(authorization="Bearer abc")) as client:
            kinds: list[ErrorKind | None] = []
            start = time.monotonic()
            summary = run_batch(client, rows, on_result=lambda _i, r: kinds.append(
                r.error.kind if r.error else None), cancel=threading.Event(), concurrency=1)
            held = time.monotonic() - start
    assert kinds == [ErrorKind.TIMEOUT] * 3
    assert summary.progress.failed == 3 and summary.exit_code == 3
    assert held < 3 * (1.0 + SLACK_S), held
