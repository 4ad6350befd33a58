"""`enkash-sso` as a user runs it: a real process, the sandbox over loopback, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from enkash_desktop.core import Environment, Profile
from enkash_desktop.sandbox import DEMO, DEMO_CARDHOLDERS, Sandbox
from enkash_desktop.store import AppPaths, Settings, SettingsStore
from tests.processes import child

HOLDER = DEMO_CARDHOLDERS[0]
IDS = ["--card-account-id", HOLDER.card_account_id, "--company-id", HOLDER.company_id,
       "--enkash-card-id", HOLDER.enkash_card_id]


def run(args: list[str], home: Path, env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    full_env.update({"ENKASH_DESKTOP_HOME": str(home), **(env or {})})
    # No terminal on stdin: `send --demo` in a terminal would wait for Enter (its link).
    return subprocess.run([sys.executable, "-m", "enkash_desktop.cli", *args], env=full_env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def test_send_demo_json_works_out_of_the_box(tmp_path: Path) -> None:
    proc = run(["send", "--demo", "--json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"ok", "http_status", "response_code", "message", "sso_token",
                        "sso_url", "elapsed_ms", "error"}
    assert out["ok"] is True and out["error"] is None and out["http_status"] == 200
    assert out["sso_url"].endswith(f"/sso/{out['sso_token']}/employee_rewards/hrms")


def test_send_demo_human_output(tmp_path: Path) -> None:
    proc = run(["send", "--demo", "--admin"], tmp_path)
    assert proc.returncode == 0
    assert "Portal link:" in proc.stdout and "/reward_account/hrms" in proc.stdout


def test_bad_input_exits_2_and_sends_nothing(tmp_path: Path) -> None:
    proc = run(["send", "--demo", "--json", "--card-account-id", "CA QL", "--company-id", "X",
                "--enkash-card-id", "Y"], tmp_path)
    assert proc.returncode == 2
    out = json.loads(proc.stdout)
    assert out["ok"] is False and out["error"]["kind"] == "bad_input"
    assert "Card account id" in out["error"]["message"]
    missing = run(["send", "--demo", "--card-account-id", "CAQL8YCV3"], tmp_path)
    assert missing.returncode == 2 and "--company-id" in missing.stderr
    no_profile = run(["send", *IDS], tmp_path)
    assert no_profile.returncode == 2 and "--demo" in no_profile.stderr


def test_rejected_exits_4(tmp_path: Path) -> None:
    proc = run(["send", "--demo", "--json", "--card-account-id", "CANOTKNOWN",
                "--company-id", HOLDER.company_id, "--enkash-card-id", "EKNOTKNOWN"], tmp_path)
    assert proc.returncode == 4
    assert json.loads(proc.stdout)["response_code"] == 1


def test_ad_hoc_profile_with_secrets_from_the_environment(tmp_path: Path) -> None:
    with Sandbox() as sb:
        env = {"ENKASH_AUTHORIZATION": sb.issue_token(), "ENKASH_COOKIE": "JSESSIONID=42"}
        ok = run(["send", "--json", "--base-url", sb.base_url, "--partner-id", DEMO.partner_id,
                  *IDS], tmp_path, env)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert json.loads(ok.stdout)["sso_url"] is None  # no portal partner given
        sb.set_fault("http_500", endpoint="sso", times=1)
        server = run(["send", "--json", "--base-url", sb.base_url, "--partner-id",
                      DEMO.partner_id, *IDS], tmp_path, env)
        assert server.returncode == 5
        sb.set_fault("http_401", endpoint="sso", times=1)
        expired = run(["send", "--base-url", sb.base_url, "--partner-id", DEMO.partner_id,
                       *IDS], tmp_path, env)
        assert expired.returncode == 4 and "enkash-sso token" in expired.stderr
        url = sb.base_url
    down = run(["send", "--json", "--base-url", url, "--partner-id", DEMO.partner_id, *IDS],
               tmp_path, env)
    assert down.returncode == 3
    assert json.loads(down.stdout)["error"]["kind"] == "network"
    leaked = [p for p in tmp_path.rglob("*") if p.is_file()
              and env["ENKASH_AUTHORIZATION"].encode() in p.read_bytes()]
    assert leaked == []


def test_timeout_exits_3(tmp_path: Path) -> None:
    with Sandbox() as sb:
        sb.set_fault("hang", endpoint="sso")
        env = {"ENKASH_AUTHORIZATION": sb.issue_token(), "ENKASH_COOKIE": "JSESSIONID=42"}
        proc = run(["send", "--json", "--timeout", "1", "--base-url", sb.base_url,
                    "--partner-id", DEMO.partner_id, *IDS], tmp_path, env)
    assert proc.returncode == 3
    assert json.loads(proc.stdout)["error"]["kind"] == "timeout"


def _save_profile(home: Path, profile: Profile) -> None:
    paths = AppPaths.under(home)
    SettingsStore(paths.settings_file).save(
        Settings(profiles=(profile,), current_profile=profile.name))


def test_saved_profiles_token_and_lockout_guard(tmp_path: Path) -> None:
    with Sandbox() as sb:
        profile = Profile(name="Team UAT", environment=Environment.CUSTOM, base_url=sb.base_url,
                          partner_id=DEMO.partner_id, portal_partner="hrms",
                          portal_url=sb.base_url, username=DEMO.username,
                          oauth_client_id=DEMO.oauth_client_id,
                          login_client_id=DEMO.login_client_id)
        _save_profile(tmp_path, profile)
        listed = run(["profiles"], tmp_path)
        assert listed.returncode == 0 and "* Team UAT" in listed.stdout
        good = {"ENKASH_PASSWORD": DEMO.password,
                "ENKASH_CLIENT_SECRET": DEMO.oauth_client_secret}
        token = run(["token", "--json"], tmp_path, good)
        assert token.returncode == 0, token.stderr
        assert json.loads(token.stdout)["expires_in_s"] > 250
        sent = run(["send", "--profile", "Team UAT", "--json", *IDS], tmp_path, good)
        assert json.loads(sent.stdout)["ok"] is True
        bad = {**good, "ENKASH_PASSWORD": "wrong-password"}
        assert run(["token"], tmp_path, bad).returncode == 4
        assert run(["token"], tmp_path, bad).returncode == 4
        third = run(["token", "--json"], tmp_path, bad)  # persisted count: 2 failures
        assert third.returncode == 2
        assert "--confirm-lockout-risk" in json.loads(third.stdout)["error"]["message"]
        assert DEMO.username not in sb.locked_users
        assert [c.path for c in sb.calls].count("/oauth/token") == 4
        unknown = run(["send", "--profile", "Nope", *IDS], tmp_path)
        assert unknown.returncode == 2 and "Team UAT" in unknown.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert DEMO.password.encode() not in data and b"wrong-password" not in data


def test_sandbox_command_prints_its_url_first(tmp_path: Path) -> None:
    with child([sys.executable, "-m", "enkash_desktop.cli", "sandbox"],
               stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first.startswith("http://127.0.0.1:")
        env = {"ENKASH_PASSWORD": DEMO.password, "ENKASH_CLIENT_SECRET": DEMO.oauth_client_secret}
        out = run(["token", "--base-url", first, "--partner-id", DEMO.partner_id, "--json"],
                  tmp_path, env)
        assert out.returncode == 2  # an ad hoc profile has no login user: said clearly
        assert "Login user" in json.loads(out.stdout)["error"]["message"]
        proc.terminate()
        assert proc.wait(timeout=10) == 0


@pytest.mark.parametrize("args", [["--version"], ["send", "--help"]])
def test_help_and_version(tmp_path: Path, args: list[str]) -> None:
    proc = run(args, tmp_path)
    assert proc.returncode == 0 and proc.stdout


def test_sandbox_on_a_taken_port_is_bad_input(tmp_path: Path) -> None:
    with Sandbox() as sb:
        port = sb.base_url.rsplit(":", 1)[1]
        proc = run(["sandbox", "--port", port], tmp_path, timeout=30)
    assert proc.returncode == 2 and "another --port" in proc.stderr


def test_profiles_lists_the_administrators_profiles(tmp_path: Path) -> None:
    defaults = tmp_path / "defaults.json"
    defaults.write_text(json.dumps({"version": 1, "profiles": [
        {"name": "Company UAT", "environment": "uat", "base_url": "https://pay-uat.enkash.in",
         "partner_id": "CRMXWB3ZM"}]}))
    proc = run(["profiles", "--json"], tmp_path, {"ENKASH_DESKTOP_DEFAULTS": str(defaults)})
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)["profiles"]
    assert [(p["name"], p["managed"]) for p in listed] == [("Company UAT", True)]


def test_no_usable_keyring_one_plain_notice_then_the_real_reason(tmp_path: Path) -> None:
    with Sandbox() as sb:
        _save_profile(tmp_path, Profile(name="Team UAT", environment=Environment.CUSTOM,
                                        base_url=sb.base_url, partner_id=DEMO.partner_id))
        proc = run(["send", *IDS], tmp_path,
                   {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
        assert [c.path for c in sb.calls] == []  # nothing could be sent
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 4, proc.stderr
    assert lines[0] == ("No usable keyring was found, so the secrets saved for the profile "
                        "'Team UAT' could not be read. You can give them in ENKASH_AUTHORIZATION, "
                        "ENKASH_COOKIE, ENKASH_PASSWORD, ENKASH_CLIENT_SECRET instead.")
    assert lines[1].startswith("There is no bearer token to send. Set ENKASH_AUTHORIZATION")
    assert "enkash-sso token" in lines[2] and len(lines) == 3
    assert "session-only" not in proc.stderr and "WARNING" not in proc.stderr
    log = AppPaths.under(tmp_path).log_file.read_text(encoding="utf-8")
    assert "fail.Keyring" in log  # the technical reason is in the log, for support


def test_ad_hoc_errors_name_the_option_not_a_profile(tmp_path: Path) -> None:
    with Sandbox() as sb:
        env = {"ENKASH_AUTHORIZATION": sb.issue_token(), "ENKASH_COOKIE": "JSESSIONID=42"}
        bad = run(["send", "--base-url", sb.base_url, "--partner-id", DEMO.partner_id,
                   "--portal-partner", "hr ms", *IDS], tmp_path, env)
        assert bad.returncode == 2
        assert bad.stderr.startswith("The option --portal-partner is not valid:")
        assert "profile" not in bad.stderr
        none = run(["send", "--base-url", sb.base_url, "--partner-id", DEMO.partner_id, *IDS],
                   tmp_path, env)
    assert none.returncode == 0
    assert "Pass --portal-partner NAME" in none.stderr and "profile" not in none.stderr


def test_a_bug_prints_a_sentence_and_logs_its_traceback_redacted(tmp_path: Path) -> None:
    script = (
        "import sys, enkash_desktop.cli as cli\n"
        "def broken(args):\n"
        "    raise RuntimeError('boom with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0')\n"
        "cli._cmd_profiles = broken\n"
        "sys.exit(cli.main(['profiles']))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    env["ENKASH_DESKTOP_HOME"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Something unexpected went wrong, and the command stopped.")
    assert "Traceback" not in proc.stderr and "eyJhbGci" not in proc.stderr
    log = AppPaths.under(tmp_path).log_file.read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: boom" in log and "in broken" in log
    assert "c2VjcmV0" not in log
