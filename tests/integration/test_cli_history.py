"""The command line keeps the desk's audit trail too: `send`, `token` and `cards` record
their calls in the same history as the window (a real SQLite file), and `enkash-sso
history` reads it back, redacted, as text or one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

from enkash_desktop.sandbox import DEMO, Sandbox
from enkash_desktop.store import AppPaths, HistoryStore

from .test_cli import IDS, run

AD_HOC = ["--partner-id", DEMO.partner_id, "--portal-partner", DEMO.portal_partner]


def history(home: Path, *args: str) -> list[dict[str, object]]:
    proc = run(["history", "--json", *args], home)
    assert proc.returncode == 0, proc.stderr
    calls = json.loads(proc.stdout)["calls"]
    assert isinstance(calls, list)
    return calls


def test_send_token_and_a_failed_call_are_in_the_history(tmp_path: Path) -> None:
    ok = run(["send", "--demo", "--json"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    token = json.loads(ok.stdout)["sso_token"]
    with Sandbox() as sb:
        sb.set_fault("http_500", endpoint="sso", times=1)
        failed = run(["send", "--base-url", sb.base_url, *AD_HOC, *IDS, "--json"], tmp_path,
                     env={"ENKASH_AUTHORIZATION": f"Bearer {sb.issue_token()}"})
    assert failed.returncode == 5
    login = run(["token", "--demo", "--json"], tmp_path)
    assert login.returncode == 0
    bearer = json.loads(login.stdout)["access_token"]

    calls = history(tmp_path)
    assert [(c["kind"], c["outcome"]) for c in calls] == [
        ("login", "success"), ("sso", "server"), ("sso", "success")]
    assert calls[2]["profile"] == "Demo (sandbox)" and calls[1]["http_status"] == 500
    assert calls[2]["card_account_id"] == IDS[1] and calls[2]["time"]
    file_bytes = AppPaths.under(tmp_path).history_file.read_bytes()
    assert token.encode() not in file_bytes and bearer.encode() not in file_bytes
    text = run(["history"], tmp_path)
    assert text.returncode == 0 and token not in text.stdout and bearer not in text.stdout
    assert "login" in text.stdout and "HTTP 500" in text.stdout
    # The window reads the same file.
    with HistoryStore(AppPaths.under(tmp_path).history_file) as store:
        assert store.count() == 3


def test_no_history_keeps_nothing_and_search_and_limit_filter(tmp_path: Path) -> None:
    assert run(["send", "--demo", "--json", "--no-history"], tmp_path).returncode == 0
    assert history(tmp_path) == []
    assert run(["history"], tmp_path).stdout.strip() == "The history is empty."
    for _ in range(3):
        assert run(["send", "--demo", "--json"], tmp_path).returncode == 0
    assert run(["send", "--demo", "--admin", "--json"], tmp_path).returncode == 0
    assert len(history(tmp_path)) == 4
    assert len(history(tmp_path, "--limit", "2")) == 2
    admin_card = [c for c in history(tmp_path) if c["admin"]]
    assert len(admin_card) == 1
    found = history(tmp_path, "--search", str(admin_card[0]["enkash_card_id"]))
    assert [c["id"] for c in found] == [admin_card[0]["id"]]
    assert history(tmp_path, "--search", "NO-SUCH-ID") == []
    bad = run(["history", "--limit", "0"], tmp_path)
    assert bad.returncode == 2 and "--limit" in bad.stderr and "Traceback" not in bad.stderr
