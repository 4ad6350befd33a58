"""The lockout guard counts per login, whatever profile or process sends it.

Real `enkash-sso` processes, a real settings file and the sandbox over loopback: a
duplicated profile cannot add failures of its own, and processes started together never
send more than two unconfirmed failed logins in a row.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from enkash_desktop.core import Environment, Profile
from enkash_desktop.core.lockout import LoginIdentity
from enkash_desktop.sandbox import DEMO, Sandbox
from enkash_desktop.store import AppPaths, Settings, SettingsStore
from tests.processes import child

BAD = {"ENKASH_PASSWORD": "wrong-password", "ENKASH_CLIENT_SECRET": DEMO.oauth_client_secret}
GOOD = {**BAD, "ENKASH_PASSWORD": DEMO.password}


def _env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    env.update({"ENKASH_DESKTOP_HOME": str(home), **extra})
    return env


def run(args: list[str], home: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "enkash_desktop.cli", *args],
                          env=_env(home, extra), capture_output=True, text=True, timeout=60)


def _profile(sb: Sandbox, name: str) -> Profile:
    return Profile(name=name, environment=Environment.CUSTOM, base_url=sb.base_url,
                   partner_id=DEMO.partner_id, portal_partner="hrms", portal_url=sb.base_url,
                   username=DEMO.username, oauth_client_id=DEMO.oauth_client_id,
                   login_client_id=DEMO.login_client_id)


def _save(home: Path, *profiles: Profile) -> None:
    SettingsStore(AppPaths.under(home).settings_file).save(
        Settings(profiles=profiles, current_profile=profiles[0].name))


def _stored_count(home: Path, profile: Profile) -> int:
    document = json.loads(AppPaths.under(home).login_state_file.read_text())
    count: int = document["logins"].get(LoginIdentity.of(profile).key, 0)
    return count


def _logins(sb: Sandbox) -> int:
    return [c.path for c in sb.calls].count("/oauth/token")


def test_a_duplicated_profile_shares_the_count(tmp_path: Path) -> None:
    with Sandbox() as sb:
        original = _profile(sb, "A")
        copy = _profile(sb, "A (copy)")
        _save(tmp_path, original, copy)
        for name in ("A", "A"):
            assert run(["token", "--profile", name], tmp_path, BAD).returncode == 4
        for name in ("A (copy)", "A (copy)"):
            refused = run(["token", "--profile", name, "--json"], tmp_path, BAD)
            assert refused.returncode == 2, refused.stdout
            assert json.loads(refused.stdout)["error"]["kind"] == "lockout_risk"
        assert _logins(sb) == 2
        assert _stored_count(tmp_path, copy) == 2
        assert DEMO.username not in sb.locked_users
        ok = run(["token", "--profile", "A (copy)", "--confirm-lockout-risk"], tmp_path, GOOD)
        assert ok.returncode == 0, ok.stderr
        assert _stored_count(tmp_path, original) == 0


@pytest.mark.parametrize("failed_before", [0, 1])
def test_processes_started_together_never_pass_the_guard(tmp_path: Path,
                                                         failed_before: int) -> None:
    with Sandbox() as sb:
        profile = _profile(sb, "Team UAT")
        _save(tmp_path, profile)
        for _ in range(failed_before):
            assert run(["token"], tmp_path, BAD).returncode == 4
        # Each login takes a while at the server, so the three processes overlap.
        sb.set_fault("delay", endpoint="token", delay_s=0.4)
        outs: list[tuple[int, str]] = []
        with contextlib.ExitStack() as stack:
            procs = [stack.enter_context(child(
                [sys.executable, "-m", "enkash_desktop.cli", "token", "--json"],
                env=_env(tmp_path, BAD), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True)) for _ in range(3)]
            for proc in procs:
                stdout, _ = proc.communicate(timeout=60)
                outs.append((proc.returncode, stdout))
        codes = sorted(code for code, _ in outs)
        sent = 2 - failed_before  # the logins the guard still allows without a question
        assert codes == sorted([4] * sent + [2] * (3 - sent)), outs
        refused = [json.loads(out)["error"] for code, out in outs if code == 2]
        assert {e["kind"] for e in refused} == {"lockout_risk"}
        assert _logins(sb) == 2  # never more than two unconfirmed failures in a row
        assert _stored_count(tmp_path, profile) == _logins(sb)
        assert DEMO.username not in sb.locked_users


def test_at_most_one_login_per_identity_is_in_flight(tmp_path: Path) -> None:
    """Two processes logging in with the same user: the second waits for the first."""
    with Sandbox() as sb:
        _save(tmp_path, _profile(sb, "Team UAT"), _profile(sb, "Team UAT (copy)"))
        sb.set_fault("delay", endpoint="token", delay_s=1.0)
        with contextlib.ExitStack() as stack:
            procs = [stack.enter_context(child(
                [sys.executable, "-m", "enkash_desktop.cli", "token", "--profile", name],
                env=_env(tmp_path, GOOD), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True)) for name in ("Team UAT", "Team UAT (copy)")]
            errors = [proc.communicate(timeout=60)[1] for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0], errors
        times = sorted(c.time for c in sb.calls if c.path == "/oauth/token")
        assert len(times) == 2
        assert times[1] - times[0] >= 0.9  # the second was sent after the first's answer


def test_a_locked_login_stays_locked_until_enkash_sso_unlock(tmp_path: Path) -> None:
    """Three failures in a row lock the login for every process until `unlock` says EnKash
    has unlocked it; `unlock` asks first (or takes --yes) and sends nothing."""
    with Sandbox() as sb:
        profile = _profile(sb, "Team UAT")
        _save(tmp_path, profile, _profile(sb, "Team UAT (copy)"))
        for _ in range(2):
            assert run(["token"], tmp_path, BAD).returncode == 4
        third = run(["token", "--json", "--confirm-lockout-risk"], tmp_path, BAD)
        assert third.returncode == 4, third.stderr
        error = json.loads(third.stdout)["error"]
        assert error["kind"] == "account_locked"
        assert "EnKash has now locked this login" in error["message"]
        assert "enkash-sso unlock" in error["hint"]
        assert _stored_count(tmp_path, profile) == 3 and _logins(sb) == 3

        # Locked: no login leaves, whatever profile, password or confirmation.
        sb.unlock(DEMO.username)  # EnKash has unlocked it, but nobody has said so yet
        for args in (["token", "--confirm-lockout-risk"],
                     ["token", "--profile", "Team UAT (copy)", "--confirm-lockout-risk"],
                     ["send", "--card-account-id", "CAQL8YCV3", "--company-id", "CEK1PU9AOO",
                      "--enkash-card-id", "EKCDM5AVZY", "--confirm-lockout-risk"]):
            refused = run(args, tmp_path, GOOD)
            assert refused.returncode == 4, (args, refused.stderr)
            assert "EnKash has locked this login, so no login was sent." in refused.stderr
            assert "enkash-sso unlock" in refused.stderr and "Traceback" not in refused.stderr
        assert _logins(sb) == 3 and [c.path for c in sb.calls if "sso" in c.path] == []

        # A script that did not confirm changes nothing; --yes does.
        unconfirmed = run(["unlock", "--profile", "Team UAT (copy)"], tmp_path, {})
        assert unconfirmed.returncode == 2
        assert "--yes" in unconfirmed.stderr and "still marked as locked" in unconfirmed.stderr
        assert _stored_count(tmp_path, profile) == 3
        unlocked = run(["unlock", "--profile", "Team UAT (copy)", "--yes"], tmp_path, {})
        assert unlocked.returncode == 0, unlocked.stderr
        assert "no longer marked as locked" in unlocked.stdout and "1 of 3" in unlocked.stdout
        assert _stored_count(tmp_path, profile) == 0
        again = run(["unlock", "--yes"], tmp_path, {})
        assert again.returncode == 0 and "does not count" in again.stdout

        failed = run(["token"], tmp_path, BAD)  # sent again; counts as the first failure
        assert failed.returncode == 4 and "locked" not in failed.stderr
        assert _logins(sb) == 4 and _stored_count(tmp_path, profile) == 1
        assert run(["token"], tmp_path, GOOD).returncode == 0
        assert _stored_count(tmp_path, profile) == 0


def test_a_locked_reply_locks_every_process_at_once(tmp_path: Path) -> None:
    with Sandbox() as sb:
        profile = _profile(sb, "Team UAT")
        _save(tmp_path, profile)
        sb.set_fault("http_status", endpoint="token", value="423 Account locked", times=1)
        first = run(["token", "--json"], tmp_path, GOOD)
        assert first.returncode == 4
        assert json.loads(first.stdout)["error"]["kind"] == "account_locked"
        assert _stored_count(tmp_path, profile) == 3
        refused = run(["token"], tmp_path, GOOD)
        assert refused.returncode == 4 and "no login was sent" in refused.stderr
        assert _logins(sb) == 1


@pytest.mark.parametrize(("args", "says"), [
    (["unlock", "--profile", "Nobody\x1b[31m"], "There is no profile called"),
    (["unlock", "--profile", "No login", "--yes"], "has no login user"),
])
def test_unlock_refuses_in_a_sentence(tmp_path: Path, args: list[str], says: str) -> None:
    with Sandbox() as sb:
        _save(tmp_path, _profile(sb, "Team UAT"),
              _profile(sb, "No login").with_changes(username=""))
        proc = run(args, tmp_path, {})
    assert proc.returncode == 2 and says in proc.stderr and "Traceback" not in proc.stderr


def test_unlock_is_in_the_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "enkash_desktop.cli", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert "unlock" in proc.stdout
    sub = subprocess.run([sys.executable, "-m", "enkash_desktop.cli", "unlock", "--help"],
                         capture_output=True, text=True, timeout=60)
    assert "--yes" in sub.stdout and "--profile" in sub.stdout and "1 of 3" in sub.stdout
