"""The administrator's policy: one parser for every source, restrictive when unreadable."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enkash_desktop.core.models import Environment, Profile
from enkash_desktop.store.effective import load_settings, resolve
from enkash_desktop.store.policy import (
    KNOWN_KEYS,
    POLICY_ENV,
    REG_DWORD,
    REG_MULTI_SZ,
    REG_SZ,
    RESTRICTIVE,
    Policy,
    load_policy,
    macos_policy_paths,
    merge_registry_layers,
    parse_policy,
    read_json_policy,
    read_plist_policy,
    registry_values_to_dict,
)
from enkash_desktop.store.settings import Settings, SettingsStore

UAT = Profile(name="Team UAT", environment=Environment.UAT,
              base_url="https://pay-uat.enkash.in", partner_id="CRMXWB3ZM")
FULL: dict[str, Any] = {
    "profiles": [UAT.to_dict()],
    "allowed_hosts": ["pay-uat.enkash.in", "*.enkash.com"],
    "allow_production": False,
    "allow_copy_with_secrets": False,
    "history_retention_days": 30,
    "history_retention_rows": 5000,
    "clipboard_clear_seconds": 45,
    "update_feed_url": "https://it.example.com/enkash/feed.json",
    "update_checks": True,
    "log_level": "warning",
}


def test_a_full_policy_is_read_with_types() -> None:
    policy = parse_policy(FULL, "test")
    assert policy.problems == () and policy.unknown_keys == ()
    assert policy.get("allowed_hosts") == ("pay-uat.enkash.in", "*.enkash.com")
    assert policy.get("allow_production") is False
    assert policy.get("history_retention_days") == 30
    assert policy.get("log_level") == "WARNING"
    assert [p.name for p in policy.profiles] == ["Team UAT"]
    assert all(p.managed for p in policy.profiles)
    assert set(policy.values) == set(KNOWN_KEYS)


def test_unknown_keys_are_reported_never_fatal() -> None:
    policy = parse_policy({"allow_production": False, "telemetry": True, "colour": "red"})
    assert policy.get("allow_production") is False
    assert policy.unknown_keys == ("telemetry", "colour")
    assert any("telemetry, colour" in n and "ignored" in n for n in policy.notices)


@pytest.mark.parametrize("key, value", [
    ("allow_production", "yes"),
    ("allow_copy_with_secrets", 2),
    ("update_checks", None),
    ("allowed_hosts", "not a host!"),
    ("allowed_hosts", [1, 2]),
    ("allowed_hosts", {"a": 1}),
    ("update_feed_url", "ftp://x.example.com/feed"),
    ("update_feed_url", 12),
])
def test_a_bad_value_gets_the_restrictive_reading_and_a_sentence(key: str, value: object) -> None:
    policy = parse_policy({key: value})
    assert policy.get(key) == RESTRICTIVE[key]
    assert len(policy.problems) == 1 and key in policy.problems[0]
    assert policy.problems[0].endswith(".")


@pytest.mark.parametrize("key, value", [
    ("history_retention_days", -1), ("history_retention_rows", "many"),
    ("clipboard_clear_seconds", True), ("log_level", "LOUD"), ("profiles", "[oops"),
])
def test_a_bad_number_or_level_is_left_to_the_user_with_a_sentence(key: str,
                                                                    value: object) -> None:
    policy = parse_policy({key: value})
    assert not policy.is_set(key)
    assert "your own setting is used" in policy.problems[0]


@pytest.mark.parametrize("raw", [None, [], "text", 42, ["allow_production"]])
def test_a_policy_that_is_not_a_dict_is_fully_restrictive(raw: object) -> None:
    policy = parse_policy(raw, "somewhere")
    assert dict(policy.values) == RESTRICTIVE
    assert "most restrictive" in policy.problems[0]
    assert policy.host_refusal("https://pay-uat.enkash.in")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children,
                                                                        max_size=4),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(), json_values, max_size=8))
def test_garbage_never_raises_and_never_allows_more_than_it_says(raw: dict[str, Any]) -> None:
    policy = parse_policy(raw, "garbage")
    for key, value in policy.values.items():
        assert key in KNOWN_KEYS
        if key in RESTRICTIVE and raw.get(key) != value:
            # A value the parser changed is either cleaned up or the restrictive one.
            assert value == RESTRICTIVE[key] or key in ("allowed_hosts", "update_feed_url")
    for sentence in policy.notices:
        assert sentence.endswith(".") and "Traceback" not in sentence
        sentence.encode("utf-8")  # no lone surrogate reaches a sentence


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_a_damaged_file_never_raises(tmp_path_factory: pytest.TempPathFactory,
                                     data: bytes) -> None:
    path = tmp_path_factory.mktemp("p") / "policy.json"
    path.write_bytes(data)
    policy = read_json_policy(path)
    assert isinstance(policy, Policy)
    plist = path.with_suffix(".plist")
    plist.write_bytes(data)
    assert isinstance(read_plist_policy(plist), Policy)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_url_is_judged_without_raising(url: str) -> None:
    policy = parse_policy({"allowed_hosts": ["pay-uat.enkash.in"]})
    refusal = policy.host_refusal(url)
    assert refusal == "" or refusal.endswith(".")
    refusal.encode("utf-8", errors="surrogatepass")


def test_hosts_match_exactly_or_under_a_wildcard() -> None:
    policy = parse_policy({"allowed_hosts": ["pay-uat.enkash.in", "*.enkash.com", "[::1]"]})
    assert policy.host_refusal("https://PAY-UAT.enkash.in/api") == ""
    assert policy.host_refusal("https://home.enkash.com") == ""
    assert policy.host_refusal("http://[::1]:8080") == ""
    assert "evil.example" in policy.host_refusal("https://evil.example/x")
    assert policy.host_refusal("https://enkash.com")  # the wildcard is for sub-domains
    assert policy.host_refusal("https://pay-uat.enkash.in.evil.example")
    assert policy.host_refusal("https://evilenkash.com")
    assert policy.host_refusal("not a url")


def test_production_and_foreign_profiles_are_refused() -> None:
    policy = parse_policy({"allow_production": False, "allowed_hosts": ["pay-uat.enkash.in"]})
    assert policy.profile_refusal(UAT) == ""
    prod = UAT.with_changes(environment=Environment.PRODUCTION)
    assert "production" in policy.profile_refusal(prod)
    auth_elsewhere = UAT.with_changes(auth_base_url="https://login.other.example")
    assert "login.other.example" in policy.profile_refusal(auth_elsewhere)
    assert Policy().profile_refusal(auth_elsewhere) == ""  # no policy, no limit


def test_linux_json_file_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(FULL))
    monkeypatch.setenv(POLICY_ENV, str(path))
    policy = load_policy("linux")
    assert policy.source == str(path) and policy.get("clipboard_clear_seconds") == 45
    path.write_text("{not json")
    damaged = load_policy("linux")
    assert dict(damaged.values) == RESTRICTIVE and str(path) in damaged.problems[0]
    path.unlink()
    assert load_policy("linux") == Policy()  # no file: nothing is set by policy


def test_macos_managed_preferences_source(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "com.enkash.desktop.plist"
    # An MDM's plist: our keys plus its bookkeeping (Payload*), which is not reported.
    path.write_bytes(plistlib.dumps({**FULL, "update_feed_url": "https://it.example.com/f",
                                     "PayloadUUID": "ABC", "PayloadVersion": 1}))
    monkeypatch.setenv(POLICY_ENV, str(path))
    policy = load_policy("darwin")
    assert policy.unknown_keys == () and policy.get("allow_copy_with_secrets") is False
    assert policy.get("allowed_hosts") == ("pay-uat.enkash.in", "*.enkash.com")
    binary = tmp_path / "binary.plist"
    binary.write_bytes(plistlib.dumps({"allow_production": False}, fmt=plistlib.FMT_BINARY))
    assert read_plist_policy(binary) == parse_policy({"allow_production": False}, str(binary))


def test_macos_paths_are_per_user_then_per_computer() -> None:
    assert [str(p) for p in macos_policy_paths("ana")] == [
        "/Library/Managed Preferences/ana/com.enkash.desktop.plist",
        "/Library/Managed Preferences/com.enkash.desktop.plist"]


def test_registry_values_become_the_same_policy() -> None:
    machine = registry_values_to_dict([
        ("allow_production", 0, REG_DWORD),
        ("allowed_hosts", ["pay-uat.enkash.in", "*.enkash.com"], REG_MULTI_SZ),
        ("history_retention_days", 30, REG_DWORD),
        ("profiles", json.dumps([UAT.to_dict()]), REG_SZ),
        ("update_feed_url", "", REG_SZ),  # an empty string: not set
    ])
    user = registry_values_to_dict([
        ("allow_production", 1, REG_DWORD),  # the machine's value wins
        ("log_level", "DEBUG", REG_SZ),
        ("allowed_hosts", "a.example.com, b.example.com", REG_SZ),
    ])
    policy = parse_policy(merge_registry_layers(machine, user), "registry")
    assert policy.problems == ()
    assert policy.get("allow_production") is False
    assert policy.get("allowed_hosts") == ("pay-uat.enkash.in", "*.enkash.com")
    assert policy.get("log_level") == "DEBUG"
    assert not policy.is_set("update_feed_url")
    assert [p.name for p in policy.profiles] == ["Team UAT"]
    only_user = parse_policy(merge_registry_layers({}, user))
    assert only_user.get("allowed_hosts") == ("a.example.com", "b.example.com")


def test_policy_profiles_are_managed_and_win_over_defaults_json(tmp_path: Path) -> None:
    defaults = tmp_path / "defaults.json"
    defaults.write_text(json.dumps({"version": 1, "profiles": [
        UAT.with_changes(base_url="https://old.enkash.in").to_dict(),
        {"name": "Shared", "base_url": "https://pay.enkash.in"}]}))
    settings_file = tmp_path / "settings.json"
    user = UAT.with_changes(base_url="https://mine.example", partner_id="MINE")
    SettingsStore(settings_file).save(Settings(profiles=(
        user, Profile(name="Mine", base_url="https://x.example")), current_profile="Mine"))
    policy = parse_policy({"profiles": [UAT.to_dict()], "history_retention_days": 30})
    _, loaded, effective = load_settings(settings_file, defaults_paths=[defaults],
                                         policy=policy)
    team = loaded.settings.profile("Team UAT")
    assert team is not None and team.managed and team.base_url == "https://pay-uat.enkash.in"
    assert team.partner_id == "MINE"  # the user's own edits to unlocked fields stay
    sources = {i.key: i.source for i in effective.items}
    assert sources["profiles.Team UAT"] == "policy"
    assert sources["profiles.Shared"] == "defaults"
    assert sources["profiles.Mine"] == "user"
    assert sources["history_retention_days"] == "policy"
    assert sources["history_retention_rows"] == "built-in"
    assert sources["current_profile"] == "user"
    assert effective.locked("history_retention_days")
    assert not effective.locked("history_retention_rows")


def test_effective_settings_sources_and_no_secret() -> None:
    settings = Settings(preferences={"history_retention_rows": 10, "log_level": "nope",
                                     "update_feed_url": "https://u:pw@it.example/f?key=abc"})
    effective = resolve(settings, parse_policy({"update_checks": False}))
    sources = {i.key: (i.value, i.source) for i in effective.items}
    assert sources["update_checks"] == (False, "policy")
    assert sources["history_retention_rows"] == (10, "user")
    assert sources["log_level"] == ("INFO", "built-in")  # an unreadable preference is unused
    assert sources["update_feed_url"] == ("https://u@it.example/f?…", "user")
    # The checker still gets the real address; only what is shown is cut.
    assert effective.value("update_feed_url") == "https://u:pw@it.example/f?key=abc"
    text = json.dumps(effective.as_json()) + effective.as_text()
    assert "pw" not in text and "abc" not in text


registry_data = (st.none() | st.integers(-(2**63), 2**64) | st.text(max_size=60)
                 | st.lists(st.text(max_size=30), max_size=4) | st.binary(max_size=20))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KNOWN_KEYS) | st.text(max_size=20), registry_data,
                          st.sampled_from([REG_SZ, REG_DWORD, REG_MULTI_SZ, 2, 3, 11])),
                max_size=8))
def test_any_registry_values_never_raise(values: list[tuple[str, object, int]]) -> None:
    policy = parse_policy(registry_values_to_dict(values), "registry")
    for sentence in policy.notices:
        assert sentence.endswith(".")


@settings(max_examples=300, deadline=None)
# Passwords of capitals and digits: nothing else in the shown address can contain them.
@given(st.text(max_size=200), st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                                      min_size=6, max_size=20))
def test_a_shown_url_never_raises_and_never_shows_a_password(url: str, password: str) -> None:
    from enkash_desktop.store.effective import _safe_url

    _safe_url(url)
    shown = _safe_url(f"https://user:{password}@it.example.com/feed?key={password}")
    assert password not in shown
