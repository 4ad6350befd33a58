from __future__ import annotations

import json
from pathlib import Path

import pytest

from enkash_desktop.core.models import Environment, Profile
from enkash_desktop.store import (
    Settings,
    SettingsError,
    SettingsStore,
    default_defaults_paths,
    load_admin_defaults,
)
from enkash_desktop.store.settings import SCHEMA_VERSION


def _profile(name: str, **kw: object) -> Profile:
    return Profile(name=name, base_url="https://pay-uat.enkash.in", partner_id="P1", **kw)  # type: ignore[arg-type]


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config" / "settings.json")
    assert store.load().settings == Settings()
    settings = Settings(
        profiles=(_profile("uat"), _profile("prod", environment=Environment.PRODUCTION)),
        current_profile="prod",
        preferences={"geometry": "AdnQywADAAA=", "history_days": 90, "history_rows": 100000},
    )
    store.save(settings)
    loaded = SettingsStore(store.path).load()
    assert loaded.notice == ""
    assert not loaded.read_only
    assert loaded.settings == settings
    document = json.loads(store.path.read_text())
    assert document["version"] == SCHEMA_VERSION


def test_no_secret_key_is_ever_written(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    with pytest.raises(SettingsError):
        store.save(Settings(preferences={"nested": {"client_secret": "x"}}))
    with pytest.raises(SettingsError):
        store.save(Settings(preferences={"password": "x"}))
    assert not store.path.exists()
    store.save(Settings(profiles=(_profile("uat", token_path="data.token"),)))
    text = store.path.read_text()
    for word in ("password", "secret", "cookie", "authorization"):
        assert word not in text


def test_corrupt_file_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"version": 1, "profiles": [')
    loaded = SettingsStore(path).load()
    assert loaded.settings == Settings()
    assert not loaded.read_only
    aside = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_text() == '{"version": 1, "profiles": ['
    assert aside[0].name in loaded.notice
    assert loaded.notice.endswith(".")
    assert not path.exists()
    SettingsStore(path).save(Settings(current_profile="x"))  # a fresh start may save


def test_wrong_shape_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('["not", "an", "object"]')
    loaded = SettingsStore(path).load()
    assert "could not be read" in loaded.notice
    assert list(tmp_path.glob("settings.json.corrupt-*"))


def test_newer_version_is_read_only_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    document = {
        "version": SCHEMA_VERSION + 1,
        "current_profile": "uat",
        "profiles": [{"name": "uat", "base_url": "https://x", "future_field": 1}],
        "preferences": {"theme": "dark"},
        "something_new": True,
    }
    original = json.dumps(document)
    path.write_text(original)
    store = SettingsStore(path)
    loaded = store.load()
    assert loaded.read_only
    assert "newer version" in loaded.notice
    assert [p.name for p in loaded.settings.profiles] == ["uat"]
    assert loaded.settings.preferences == {"theme": "dark"}
    with pytest.raises(SettingsError, match="newer version"):
        store.save(loaded.settings)
    # Even a store that never loaded it refuses.
    with pytest.raises(SettingsError):
        SettingsStore(path).save(Settings())
    assert path.read_text() == original


def test_admin_defaults_are_merged_and_managed(tmp_path: Path) -> None:
    admin = tmp_path / "defaults.json"
    admin.write_text(json.dumps({
        "version": 1,
        "profiles": [
            {"name": "corp-uat", "base_url": "https://admin.example", "partner_id": "ADM",
             "environment": "uat", "portal_url": "https://portal.example"},
            {"name": "corp-prod", "base_url": "https://prod.example", "environment": "production"},
        ],
    }))  # fmt: skip
    path = tmp_path / "settings.json"
    user = SettingsStore(path)
    # The user edited a managed profile: a URL (not allowed) and the partner id (allowed).
    user.save(Settings(
        profiles=(
            Profile(name="mine", base_url="https://mine.example"),
            Profile(name="corp-uat", base_url="https://evil.example", partner_id="EDITED",
                    username="agent7", managed=True),
            Profile(name="gone", base_url="https://old.example", managed=True),
        ),
        current_profile="corp-uat",
    ))  # fmt: skip
    store = SettingsStore(path, defaults_paths=[tmp_path / "missing.json", admin])
    loaded = store.load()
    assert loaded.notice == ""
    by_name = {p.name: p for p in loaded.settings.profiles}
    assert list(by_name) == ["mine", "corp-uat", "gone", "corp-prod"]
    corp = by_name["corp-uat"]
    assert corp.managed
    assert corp.base_url == "https://admin.example"
    assert corp.portal_url == "https://portal.example"
    assert corp.partner_id == "EDITED"
    assert corp.username == "agent7"
    assert by_name["corp-prod"].managed
    assert by_name["corp-prod"].environment is Environment.PRODUCTION
    assert not by_name["mine"].managed
    assert not by_name["gone"].managed  # the administrator removed it: now the user's own
    assert loaded.settings.current_profile == "corp-uat"


def test_admin_defaults_order_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = tmp_path / "env.json"
    first.write_text(json.dumps({"profiles": [{"name": "a", "base_url": "https://env"}]}))
    program = tmp_path / "program"
    program.mkdir()
    (program / "defaults.json").write_text(json.dumps({"profiles": [
        {"name": "a", "base_url": "https://program"}, {"name": "b"}, "junk",
    ]}))  # fmt: skip
    monkeypatch.setenv("ENKASH_DESKTOP_DEFAULTS", str(first))
    paths = default_defaults_paths(program)
    assert paths[0] == first
    assert paths[1] == program / "defaults.json"
    assert paths[2] == Path("/etc/enkash-desktop/defaults.json")
    notices: list[str] = []
    profiles = load_admin_defaults(paths[:2], notices=notices)
    assert [(p.name, p.base_url, p.managed) for p in profiles] == [
        ("a", "https://env", True),
        ("b", "", True),
    ]
    assert len(notices) == 1  # the "junk" entry

    broken = tmp_path / "broken.json"
    broken.write_text("{{{")
    notices = []
    assert load_admin_defaults([broken], notices=notices) == ()
    assert "administrator" in notices[0]
    # A broken defaults file never stops the settings from loading.
    loaded = SettingsStore(tmp_path / "settings.json", defaults_paths=[broken, first]).load()
    assert [p.name for p in loaded.settings.profiles] == ["a"]
    assert "administrator" in loaded.notice
