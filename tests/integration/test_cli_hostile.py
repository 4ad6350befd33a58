"""No `enkash-sso` command prints a Python traceback for the inputs that once crashed it:
replies with lone surrogates, base URLs httpx or IDNA refuse, and a batch against such a
server still sends every row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from enkash_desktop.core import Environment, Profile
from enkash_desktop.sandbox import DEMO, DEMO_CARDHOLDERS
from enkash_desktop.store import AppPaths, Settings, SettingsStore
from tests.netdoubles import CannedServer

HOLDER = DEMO_CARDHOLDERS[0]
IDS = ["--card-account-id", HOLDER.card_account_id, "--company-id", HOLDER.company_id,
       "--enkash-card-id", HOLDER.enkash_card_id]
SURROGATE_SSO = b'{"response_code": 0, "payload": {"ssoToken": "\\ud800"}}'
SURROGATE_BEARER = b'{"access_token": "\\ud800", "token_type": "bearer", "expires_in": 300}'


def run(args: list[str], home: Path, extra: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    env.update({"ENKASH_DESKTOP_HOME": str(home), "ENKASH_AUTHORIZATION": "Bearer abc",
                "ENKASH_COOKIE": "JSESSIONID=1", **(extra or {})})
    return subprocess.run([sys.executable, "-m", "enkash_desktop.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.returncode in (0, 2, 3, 4, 5), proc.returncode


@pytest.mark.parametrize("as_json", [False, True])
def test_send_with_a_surrogate_token_is_a_reply_error(tmp_path: Path, as_json: bool) -> None:
    with CannedServer(SURROGATE_SSO) as server:
        proc = run(["send", "--base-url", server.base_url, "--partner-id", DEMO.partner_id,
                    "--portal-partner", "hrms", *IDS, *(["--json"] if as_json else [])],
                   tmp_path)
    no_traceback(proc)
    assert proc.returncode == 5
    if as_json:
        assert json.loads(proc.stdout)["error"]["kind"] == "no_token"


def test_token_with_a_surrogate_access_token(tmp_path: Path) -> None:
    with CannedServer(SURROGATE_BEARER) as server:
        profile = Profile(name="P", environment=Environment.CUSTOM, base_url=server.base_url,
                          partner_id=DEMO.partner_id, username="u", oauth_client_id="c")
        SettingsStore(AppPaths.under(tmp_path).settings_file).save(
            Settings(profiles=(profile,), current_profile="P"))
        proc = run(["token"], tmp_path, {"ENKASH_PASSWORD": "p", "ENKASH_CLIENT_SECRET": "s"})
    no_traceback(proc)
    assert proc.returncode == 5 and "no access token" in proc.stderr


@pytest.mark.parametrize("url", ["https://xn--a.com",
                                 "https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54",
                                 "https://a..b", "https://[::1]x"])
@pytest.mark.parametrize("command", ["send", "batch"])
def test_unsendable_base_urls_are_refused(tmp_path: Path, url: str, command: str) -> None:
    extra = (["--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / "out.csv")]
             if command == "batch" else IDS)
    (tmp_path / "in.csv").write_text("Card Account ID,Company ID,EnKash Card ID\n"
                                     f"{HOLDER.card_account_id},{HOLDER.company_id},"
                                     f"{HOLDER.enkash_card_id}\n")
    proc = run([command, "--base-url", url, "--partner-id", DEMO.partner_id, *extra],
               tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    said = (tmp_path / "out.csv").read_text() if command == "batch" else proc.stderr
    assert "Base URL is not a valid web address" in said


def test_a_batch_against_surrogate_replies_sends_every_row(tmp_path: Path) -> None:
    rows = [f"CA{i:07d},{HOLDER.company_id},EK{i:07d}" for i in range(3)]
    (tmp_path / "in.csv").write_text("Card Account ID,Company ID,EnKash Card ID\n"
                                     + "\n".join(rows) + "\n")
    with CannedServer(SURROGATE_SSO) as server:
        proc = run(["batch", "--json", "--base-url", server.base_url, "--partner-id",
                    DEMO.partner_id, "--input", str(tmp_path / "in.csv"),
                    "--output", str(tmp_path / "out.csv")], tmp_path)
        sent = len(server.requests)
    no_traceback(proc)
    out = json.loads(proc.stdout)
    assert sent == 3 and out["failed"] == 3 and out["failures"] == {"no_token": 3}
