"""Diagnostics that answer a ticket: a terminal session with failures against the sandbox
(a 500, a timeout, failed logins up to the lockout guard, a batch), then
`enkash-sso diagnostics --output FILE.zip`, opened and read as support would read it, and
scanned for every secret of the session in every form."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from enkash_desktop.core import Environment, Profile
from enkash_desktop.core.redaction import secret_forms
from enkash_desktop.sandbox import DEMO, DEMO_CARDHOLDERS, Sandbox
from enkash_desktop.store import AppPaths, Settings, SettingsStore

HOLDER = DEMO_CARDHOLDERS[0]
IDS = ["--card-account-id", HOLDER.card_account_id, "--company-id", HOLDER.company_id,
       "--enkash-card-id", HOLDER.enkash_card_id]
PROXY_PASSWORD = "proxy-pass-7f3a91"


def cli(args: list[str], home: Path, env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items()
            if not k.startswith("ENKASH_") and k.lower() not in ("http_proxy", "https_proxy")}
    full.update({"ENKASH_DESKTOP_HOME": str(home), **(env or {})})
    return subprocess.run([sys.executable, "-m", "enkash_desktop.cli", *args], env=full,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def sandbox() -> Sandbox:  # type: ignore[misc]
    with Sandbox() as sb:
        yield sb


def test_zip_after_a_session_with_failures_answers_a_ticket(sandbox: Sandbox,
                                                             tmp_path: Path) -> None:
    home = tmp_path / "home"
    paths = AppPaths.under(home)
    profile = Profile(name="Team UAT", environment=Environment.UAT, base_url=sandbox.base_url,
                      partner_id=DEMO.partner_id, portal_partner="hrms",
                      portal_url=sandbox.base_url, username=DEMO.username,
                      oauth_client_id=DEMO.oauth_client_id,
                      login_client_id=DEMO.login_client_id)
    SettingsStore(paths.settings_file).save(Settings(profiles=(profile,),
                                                     current_profile=profile.name))
    good = {"ENKASH_PASSWORD": DEMO.password, "ENKASH_CLIENT_SECRET": DEMO.oauth_client_secret}
    bad_password = "wrong-pw-5d1c0e"
    secrets = [DEMO.password, DEMO.oauth_client_secret, bad_password, PROXY_PASSWORD,
               f"{DEMO.oauth_client_id}:{DEMO.oauth_client_secret}"]

    # The session: a token, good sends, a 500, a timeout, a batch, failed logins.
    token = cli(["token", "--json"], home, good)
    assert token.returncode == 0, token.stderr
    secrets.append(json.loads(token.stdout)["access_token"])
    for _ in range(3):
        sent = cli(["send", "--json", *IDS], home, good)
        assert sent.returncode == 0, sent.stderr
        secrets.append(json.loads(sent.stdout)["sso_token"])
    sandbox.set_fault("http_500", endpoint="sso", times=1)
    assert cli(["send", *IDS], home, good).returncode == 5
    sandbox.set_fault("hang", endpoint="sso", times=1)
    assert cli(["send", "--timeout", "1", *IDS], home, good).returncode == 3
    rows = tmp_path / "in.csv"
    rows.write_text("Card Account ID,Company ID,EnKash Card ID\n" + "".join(
        f"{c.card_account_id},{c.company_id},{c.enkash_card_id}\n" for c in DEMO_CARDHOLDERS))
    sandbox.set_fault("http_500", endpoint="sso", times=1)
    batch = cli(["batch", "--input", str(rows), "--output", str(tmp_path / "out.csv"),
                 "--concurrency", "1"], home, good)
    assert batch.returncode == 5, batch.stderr
    links = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    secrets += [urlsplit(u).path.split("/")[2] for u in re.findall(r"https?://\S+?/sso/\S+", links)]
    bad = {**good, "ENKASH_PASSWORD": bad_password}
    assert cli(["token"], home, bad).returncode == 4
    assert cli(["token"], home, bad).returncode == 4
    refused = cli(["token"], home, bad)  # the third would lock the account: refused
    assert refused.returncode == 2 and "--confirm-lockout-risk" in refused.stderr
    secrets += sandbox_tokens(sandbox)

    # A proxy with credentials is in use when the zip is made.
    proxy = {"https_proxy": f"http://support:{PROXY_PASSWORD}@proxy.example:3128"}
    target = tmp_path / "ticket.zip"
    made = cli(["diagnostics", "--output", str(target)], home, proxy)
    assert made.returncode == 0, made.stderr
    assert "no secrets" in made.stdout and made.stderr == ""

    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        text = {name: archive.read(name).decode("utf-8") for name in names}
    assert {"README.txt", "report.json", "settings.json", "history.json",
            "logs/enkash-desktop.log"} <= names
    for name in ("report.json", "settings.json", "history.json", "logs/"):
        assert name in text["README.txt"]

    report = json.loads(text["report.json"])
    for key in ("app_version", "python", "platform", "httpx", "keyring", "keyring_backend"):
        assert report[key] and report[key] != "unknown", key
    assert report["proxy"] == "https=http://***@proxy.example:3128"
    assert report["settings_in_effect"] and "could not" not in report["settings_in_effect"]

    settings = json.loads(text["settings.json"])
    assert settings["current_profile"] == "Team UAT"
    assert settings["profiles"][0]["base_url"] == sandbox.base_url

    history = json.loads(text["history.json"])
    # Every call: 3 logins (the refused third was never sent), 5 sends and the batch's rows.
    kinds = [r["kind"] for r in history]
    assert kinds.count("login") == 3 and kinds.count("sso") == 5 + len(DEMO_CARDHOLDERS)
    assert len(history) == len(kinds)
    assert sorted(r["outcome"] for r in history).count("server") == 2
    assert all(r["time_utc"].endswith("Z") for r in history)

    log = text["logs/enkash-desktop.log"]
    assert "start-up facts:" in log and "command enkash-sso send" in log
    calls = [line for line in log.splitlines() if "SSO call: profile 'Team UAT' (uat)" in line]
    assert len(calls) == 3 + 1 + 1 + len(DEMO_CARDHOLDERS)
    assert sum("outcome success, HTTP 200" in line for line in calls) == 3 + 3
    assert sum("outcome server, HTTP 500" in line for line in calls) == 2
    assert sum("outcome timeout, HTTP none" in line for line in calls) == 1
    assert all(re.search(r", \d+ ms", line) for line in calls)
    logins = [line for line in log.splitlines() if "Login: profile 'Team UAT'" in line]
    assert sum("outcome success, HTTP 200" in line for line in logins) >= 1
    assert sum("outcome login_failed" in line for line in logins) == 2
    assert sum("outcome lockout_risk" in line for line in logins) == 1

    everything = target.read_bytes() + b"".join(t.encode() for t in text.values())
    assert len(secrets) >= 12
    assert leaks(everything, secrets) == []
    assert leaks(base64.b64encode(DEMO.password.encode()), [DEMO.password])  # it would see one


def leaks(data: bytes, secrets: list[str]) -> list[str]:
    """The secrets (first characters only) found in ``data`` raw, URL-encoded, in base64 or
    JSON-escaped."""
    return [s[:6] + "…" for s in secrets
            if s and any(f.encode("utf-8", "surrogatepass") in data for f in secret_forms(s))]


def sandbox_tokens(sandbox: Sandbox) -> list[str]:
    """Every bearer token the sandbox issued (read from its replies' records)."""
    found = []
    for call in sandbox.calls:
        value = call.headers.get("Authorization", "")
        if value.startswith("Bearer "):
            found.append(value.removeprefix("Bearer "))
    return found
