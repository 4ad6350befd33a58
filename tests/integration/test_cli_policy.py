"""`enkash-sso` under an administrator's policy: a real process, a real policy file, the
sandbox over loopback."""

from __future__ import annotations

import json
from pathlib import Path

from enkash_desktop.core import Environment, Profile
from enkash_desktop.sandbox import DEMO, Sandbox, demo_profile
from enkash_desktop.store import AppPaths, Settings, SettingsStore

from .test_cli import IDS, run


def _policy(tmp_path: Path, document: object) -> dict[str, str]:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return {"ENKASH_DESKTOP_POLICY": str(path)}


def _save_profiles(home: Path, *profiles: Profile, preferences: dict[str, object] | None
                   = None) -> None:
    SettingsStore(AppPaths.under(home).settings_file).save(Settings(
        profiles=profiles, current_profile=profiles[0].name if profiles else "",
        preferences=preferences or {}))


def test_allowed_hosts_refuse_a_foreign_base_url_with_exit_2(tmp_path: Path) -> None:
    with Sandbox() as sb:
        token = {"ENKASH_AUTHORIZATION": sb.issue_token(), "ENKASH_COOKIE": "JSESSIONID=42"}
        env = {**token, **_policy(tmp_path, {"allowed_hosts": ["pay-uat.enkash.in"]})}
        refused = run(["send", "--json", "--base-url", sb.base_url, "--partner-id",
                       DEMO.partner_id, *IDS], tmp_path / "home", env)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        out = json.loads(refused.stdout)
        assert out["error"]["kind"] == "bad_input"
        assert "does not allow the host 127.0.0.1" in out["error"]["message"]
        assert sb.calls == []  # nothing was sent
        # The same call with the sandbox's host allowed goes through.
        env = {**token, **_policy(tmp_path, {"allowed_hosts": ["127.0.0.1"]})}
        allowed = run(["send", "--json", "--base-url", sb.base_url, "--partner-id",
                       DEMO.partner_id, *IDS], tmp_path / "home", env)
        assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_a_saved_profile_outside_the_allowed_hosts_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Sandbox() as sb:
        _save_profiles(home, demo_profile(sb.base_url).with_changes(name="Mine"))
        env = {"ENKASH_AUTHORIZATION": sb.issue_token(), "ENKASH_COOKIE": "JSESSIONID=42",
               **_policy(tmp_path, {"allowed_hosts": ["*.enkash.in"]})}
        proc = run(["send", "--profile", "Mine", *IDS], home, env)
        assert proc.returncode == 2
        assert "does not allow the host 127.0.0.1" in proc.stderr
        assert "Traceback" not in proc.stderr
        demo = run(["send", "--demo", "--json"], home, env)  # the built-in simulator is exempt
        assert demo.returncode == 0, demo.stderr
        demo_elsewhere = run(["send", "--demo", "--base-url", "https://x.example", "--json"],
                             home, env)
        assert demo_elsewhere.returncode == 2


def test_production_is_refused_when_the_policy_forbids_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Sandbox() as sb:
        _save_profiles(home, demo_profile(sb.base_url).with_changes(name="Live",
                                               environment=Environment.PRODUCTION))
        env = {"ENKASH_AUTHORIZATION": sb.issue_token(), "ENKASH_COOKIE": "JSESSIONID=42",
               **_policy(tmp_path, {"allow_production": False})}
        proc = run(["token", "--profile", "Live", "--json"], home, env)
        assert proc.returncode == 2
        assert "production" in json.loads(proc.stdout)["error"]["message"]
        assert sb.calls == []


def test_a_damaged_policy_file_is_reported_and_restrictive(tmp_path: Path) -> None:
    with Sandbox() as sb:
        env = {"ENKASH_AUTHORIZATION": sb.issue_token(), **_policy(tmp_path, "{broken")}
        proc = run(["send", "--base-url", sb.base_url, "--partner-id", DEMO.partner_id,
                    *IDS], tmp_path / "home", env)
        assert proc.returncode == 2
        assert "could not be read" in proc.stderr and "most restrictive" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_settings_json_shows_each_source(tmp_path: Path) -> None:
    home = tmp_path / "home"
    defaults = tmp_path / "defaults.json"
    defaults.write_text(json.dumps({"version": 1, "profiles": [
        {"name": "Shared", "base_url": "https://pay.enkash.in", "environment": "uat"}]}))
    _save_profiles(home, Profile(name="Mine", base_url="https://pay-uat.enkash.in"),
                   preferences={"history_retention_rows": 500})
    env = {"ENKASH_DESKTOP_DEFAULTS": str(defaults), **_policy(tmp_path, {
        "allow_copy_with_secrets": False, "telemetry": 1,
        "profiles": [{"name": "Policy UAT", "base_url": "https://pay-uat.enkash.in"}]})}
    proc = run(["settings", "--json"], home, env)
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)
    assert list(document) == ["settings"]
    rows = {row["key"]: row for row in document["settings"]}
    assert all(set(row) == {"key", "value", "source"} for row in rows.values())
    assert rows["allow_copy_with_secrets"] == {"key": "allow_copy_with_secrets",
                                               "value": False, "source": "policy"}
    assert rows["history_retention_rows"]["source"] == "user"
    assert rows["history_retention_rows"]["value"] == 500
    assert rows["history_retention_days"] == {"key": "history_retention_days", "value": 365,
                                              "source": "built-in"}
    assert rows["profiles.Policy UAT"]["source"] == "policy"
    assert rows["profiles.Shared"]["source"] == "defaults"
    assert rows["profiles.Mine"]["source"] == "user"
    assert "telemetry" in proc.stderr  # the unknown key is reported, not fatal

    text = run(["settings"], home, env)
    assert text.returncode == 0
    assert "allow_copy_with_secrets" in text.stdout and "(policy)" in text.stdout
    assert "(built-in)" in text.stdout and "(defaults)" in text.stdout


def test_settings_never_shows_a_secret(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _save_profiles(home, Profile(name="Mine", base_url="https://pay-uat.enkash.in"),
                   preferences={"update_feed_url": "https://it:hunter2@it.example/f?sig=s3cr3t"})
    env = {"ENKASH_AUTHORIZATION": "Bearer tok3n-value", "ENKASH_PASSWORD": "pa55word"}
    proc = run(["settings", "--json"], home, env)
    everything = proc.stdout + proc.stderr
    for secret in ("hunter2", "s3cr3t", "tok3n-value", "pa55word"):
        assert secret not in everything


def test_a_batch_to_a_refused_host_sends_nothing_and_exits_2(tmp_path: Path) -> None:
    from enkash_desktop.sandbox import DEMO_CARDHOLDERS

    rows = ["Card Account ID,Company ID,EnKash Card ID"] + [
        f"{c.card_account_id},{c.company_id},{c.enkash_card_id}" for c in DEMO_CARDHOLDERS]
    source = tmp_path / "cardholders.csv"
    source.write_text("\n".join(rows) + "\n")
    with Sandbox() as sb:
        env = {"ENKASH_AUTHORIZATION": sb.issue_token(), "ENKASH_COOKIE": "JSESSIONID=42",
               **_policy(tmp_path, {"allowed_hosts": ["pay-uat.enkash.in"]})}
        proc = run(["batch", "--base-url", sb.base_url, "--partner-id", DEMO.partner_id,
                    "--input", str(source), "--output", str(tmp_path / "links.csv")],
                   tmp_path / "home", env)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "does not allow the host 127.0.0.1" in proc.stderr
        assert sb.calls == []
