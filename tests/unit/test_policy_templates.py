"""The policy templates IT deploys say exactly what the program reads.

The ADMX/ADML pair (Group Policy, Intune), the macOS configuration profile and the Linux
example all use the policy keys of enkash_desktop.store.policy, and parse without a problem.
"""

from __future__ import annotations

import json
import plistlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from enkash_desktop.store.policy import (
    KNOWN_KEYS,
    REG_DWORD,
    REG_MULTI_SZ,
    REG_SZ,
    REGISTRY_KEY,
    parse_policy,
    registry_values_to_dict,
)

ROOT = Path(__file__).resolve().parents[2]
ADMX = ROOT / "packaging/windows/policy/EnkashDesktop.admx"
ADML = ROOT / "packaging/windows/policy/en-US/EnkashDesktop.adml"
MOBILECONFIG = ROOT / "packaging/macos/enkash-desktop.mobileconfig"
LINUX_EXAMPLE = ROOT / "packaging/linux/policy.json.example"
NS = {"p": "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"}


def test_admx_covers_every_key_and_every_string_is_defined() -> None:
    admx = ET.parse(ADMX).getroot()
    adml = ET.parse(ADML).getroot()
    strings = {s.get("id"): s.text or "" for s in adml.iterfind(".//p:stringTable/p:string", NS)}
    presentations = {p.get("id") for p in adml.iterfind(".//p:presentationTable/*", NS)}
    value_names = set()
    for policy in admx.iterfind(".//p:policies/p:policy", NS):
        assert policy.get("key") == REGISTRY_KEY
        assert policy.get("class") == "Both"  # computer (HKLM) and user (HKCU)
        names = [policy.get("valueName")] + [e.get("valueName") for e in
                                              policy.iterfind("p:elements/*", NS)]
        value_names |= {n for n in names if n}
        presentation = policy.get("presentation")
        if presentation:
            assert presentation.removeprefix("$(presentation.").removesuffix(")") in \
                presentations
    assert value_names == set(KNOWN_KEYS)
    text = ADMX.read_text(encoding="utf-8")
    for ref in re.findall(r"\$\(string\.([A-Za-z0-9_]+)\)", text):
        assert strings.get(ref, "").strip(), f"string {ref} is missing from the ADML"
    for help_id in (k for k in strings if k.endswith("_Help")):
        assert strings[help_id].rstrip().endswith("."), help_id


def test_the_registry_values_an_admx_writes_parse_cleanly() -> None:
    # What Group Policy writes for each element type, as winreg returns it.
    values = registry_values_to_dict([
        ("allowed_hosts", ["pay-uat.enkash.in", "*.enkash.in"], REG_MULTI_SZ),
        ("allow_production", 0, REG_DWORD),
        ("allow_copy_with_secrets", 1, REG_DWORD),
        ("history_retention_days", 90, REG_DWORD),
        ("history_retention_rows", 100000, REG_DWORD),
        ("clipboard_clear_seconds", 60, REG_DWORD),
        ("update_checks", 1, REG_DWORD),
        ("update_feed_url", "https://it.example.com/feed.json", REG_SZ),
        ("log_level", "WARNING", REG_SZ),
        ("profiles", '[{"name": "Team UAT", "base_url": "https://pay-uat.enkash.in"}]', REG_SZ),
    ])
    policy = parse_policy(values, "registry")
    assert policy.problems == () and policy.unknown_keys == ()
    assert set(policy.values) == set(KNOWN_KEYS)


def test_mobileconfig_payload_is_a_clean_policy() -> None:
    profile = plistlib.loads(MOBILECONFIG.read_bytes())
    assert profile["PayloadType"] == "Configuration"
    (payload,) = profile["PayloadContent"]
    assert payload["PayloadType"] == "com.enkash.desktop"
    settings = {k: v for k, v in payload.items() if not k.startswith("Payload")}
    assert set(settings) == set(KNOWN_KEYS)
    policy = parse_policy(settings, str(MOBILECONFIG))
    assert policy.problems == () and policy.unknown_keys == ()


def test_linux_example_is_a_clean_policy() -> None:
    document = json.loads(LINUX_EXAMPLE.read_text(encoding="utf-8"))
    policy = parse_policy(document, str(LINUX_EXAMPLE))
    assert policy.problems == () and policy.unknown_keys == ()
    assert set(document) == set(KNOWN_KEYS)
