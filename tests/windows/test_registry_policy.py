"""The policy read from the real Windows registry (HKCU; HKLM when the job may write it)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator

import pytest

from enkash_desktop.store.policy import REGISTRY_KEY, load_policy, read_windows_registry

assert sys.platform == "win32"  # collected on Windows only (see conftest.py)
import winreg  # noqa: E402


def _clear(hive: int) -> None:
    with contextlib.suppress(OSError):
        winreg.DeleteKey(hive, REGISTRY_KEY)


@pytest.fixture
def policy_keys() -> Iterator[None]:
    for hive in (winreg.HKEY_CURRENT_USER, winreg.HKEY_LOCAL_MACHINE):
        _clear(hive)
    yield
    for hive in (winreg.HKEY_CURRENT_USER, winreg.HKEY_LOCAL_MACHINE):
        _clear(hive)


def _write(hive: int, values: list[tuple[str, int, object]]) -> None:
    with winreg.CreateKey(hive, REGISTRY_KEY) as key:
        for name, kind, data in values:
            winreg.SetValueEx(key, name, 0, kind, data)


def test_no_key_means_no_policy(policy_keys: None) -> None:
    assert read_windows_registry() is None


def test_the_user_key_is_read_with_types(policy_keys: None) -> None:
    _write(winreg.HKEY_CURRENT_USER, [
        ("allow_production", winreg.REG_DWORD, 0),
        ("allowed_hosts", winreg.REG_MULTI_SZ, ["pay-uat.enkash.in", "*.enkash.com"]),
        ("history_retention_days", winreg.REG_DWORD, 30),
        ("update_feed_url", winreg.REG_SZ, "https://it.example.com/feed.json"),
        ("profiles", winreg.REG_SZ, json.dumps([{"name": "Team UAT",
                                                  "base_url": "https://pay-uat.enkash.in"}])),
        ("colour", winreg.REG_SZ, "red"),
    ])
    policy = load_policy("win32")
    assert policy.get("allow_production") is False
    assert policy.get("allowed_hosts") == ("pay-uat.enkash.in", "*.enkash.com")
    assert policy.get("history_retention_days") == 30
    assert policy.get("update_feed_url") == "https://it.example.com/feed.json"
    assert [p.name for p in policy.profiles] == ["Team UAT"]
    assert policy.unknown_keys == ("colour",)


def test_the_machine_key_wins(policy_keys: None) -> None:
    try:
        _write(winreg.HKEY_LOCAL_MACHINE, [("allow_copy_with_secrets", winreg.REG_DWORD, 0)])
    except PermissionError:
        pytest.fail("The Windows job runs as an administrator and must be able to write HKLM.")
    _write(winreg.HKEY_CURRENT_USER, [("allow_copy_with_secrets", winreg.REG_DWORD, 1),
                                      ("log_level", winreg.REG_SZ, "DEBUG")])
    policy = load_policy("win32")
    assert policy.get("allow_copy_with_secrets") is False
    assert policy.get("log_level") == "DEBUG"
