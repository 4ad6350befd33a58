"""The settings file: profiles (never secrets), the current profile and preferences.

One JSON object with a top-level ``version``, written atomically. A corrupt file is kept
aside and defaults are used; a file from a newer version is shown read-only and never
overwritten. Administrators may ship read-only ``defaults.json`` files whose profiles are
merged in as *managed*: their URLs always come from the administrator's file.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from enkash_desktop.core.models import Profile

from .atomic import write_atomic
from .errors import SettingsError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SETTINGS_FILE_NAME = "settings.json"
DEFAULTS_FILE_NAME = "defaults.json"
DEFAULTS_ENV = "ENKASH_DESKTOP_DEFAULTS"
SYSTEM_DEFAULTS = Path("/etc/enkash-desktop") / DEFAULTS_FILE_NAME

# Fields of a managed profile that only the administrator's file may set. The environment
# is included because it decides the portal URL and the production marker.
MANAGED_FIELDS = ("environment", "base_url", "auth_base_url", "portal_url")

# Keys that must never reach the settings file, whatever nests them.
_SECRET_KEY = re.compile(
    r"password|passwd|secret|cookie|authori[sz]ation|bearer|access_token|sso_token|api_key",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Settings:
    """Everything the settings file holds. ``preferences`` must be JSON-ready."""

    version: int = SCHEMA_VERSION
    profiles: tuple[Profile, ...] = ()
    current_profile: str = ""
    preferences: dict[str, Any] = field(default_factory=dict)

    def profile(self, name: str) -> Profile | None:
        """The profile called ``name``, or None."""
        return next((p for p in self.profiles if p.name == name), None)


@dataclass(frozen=True)
class LoadedSettings:
    """What :meth:`SettingsStore.load` found, with sentences to show the user if any."""

    settings: Settings
    read_only: bool = False
    notices: tuple[str, ...] = ()

    @property
    def notice(self) -> str:
        """All notices as one paragraph; empty when there is nothing to tell the user."""
        return " ".join(self.notices)


class SettingsStore:
    """Reads and writes ``settings.json``; merges administrator defaults on load."""

    def __init__(self, path: Path, *, defaults_paths: Sequence[Path] = (),
                 policy_profiles: Sequence[Profile] = ()) -> None:
        self.path = Path(path)
        self.defaults_paths = tuple(defaults_paths)
        # Profiles from the administrator's policy: managed, and ahead of defaults.json.
        self.policy_profiles = tuple(policy_profiles)
        self._read_only = False

    @property
    def read_only(self) -> bool:
        """True after loading a file this version must not overwrite."""
        return self._read_only

    def load(self) -> LoadedSettings:
        """Read the settings, recovering from every problem with defaults and a notice."""
        notices: list[str] = []
        managed = load_admin_defaults(list(self.defaults_paths), notices=notices)
        if self.policy_profiles:
            names = {p.name for p in self.policy_profiles}
            managed = (*(p.with_changes(managed=True) for p in self.policy_profiles),
                       *(p for p in managed if p.name not in names))
        self._read_only = False
        settings, read_only = self._load_user_file(notices)
        self._read_only = read_only
        settings = _merge_managed(settings, managed)
        return LoadedSettings(settings=settings, read_only=read_only, notices=tuple(notices))

    def save(self, settings: Settings) -> None:
        """Write ``settings`` atomically; refuse rather than overwrite a newer or unread file."""
        if self._read_only or self._on_disk_version() > SCHEMA_VERSION:
            raise SettingsError(
                "Your settings were not saved, because the settings file belongs to a newer "
                "version of Enkash Desktop. Please update Enkash Desktop to change them.",
                f"refusing to overwrite {self.path}",
            )
        document = {
            "version": SCHEMA_VERSION,
            "current_profile": settings.current_profile,
            "profiles": [p.to_dict() for p in settings.profiles],
            "preferences": settings.preferences,
        }
        _check_no_secrets(document)
        try:
            data = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
        except (TypeError, ValueError) as exc:
            raise SettingsError(
                "Your settings could not be saved because a preference has an unexpected value.",
                str(exc),
            ) from exc
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(self.path, data)
        except OSError as exc:
            raise SettingsError(
                "Your settings could not be saved. Please check that the disk is not full "
                "and that you may write to the settings folder.",
                f"{self.path}: {exc}",
            ) from exc

    def _load_user_file(self, notices: list[str]) -> tuple[Settings, bool]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Settings(), False
        except OSError as exc:
            return self._set_aside(f"unreadable: {exc}", notices)
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            return self._set_aside(f"not JSON: {exc}", notices)
        if not isinstance(document, dict):
            return self._set_aside("the top level is not an object", notices)
        version = document.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            return self._set_aside(f"bad version {version!r}", notices)
        newer = version > SCHEMA_VERSION
        if newer:
            notices.append(
                "Your settings were saved by a newer version of Enkash Desktop, so they are "
                "shown read-only and your changes will not be saved. Please update Enkash "
                "Desktop to change them."
            )
        raw_profiles = document.get("profiles", [])
        raw_preferences = document.get("preferences", {})
        current = document.get("current_profile", "")
        if not newer and not (
            isinstance(raw_profiles, list)
            and isinstance(raw_preferences, dict)
            and isinstance(current, str)
        ):
            return self._set_aside("profiles, preferences or current_profile malformed", notices)
        profiles, skipped = _profiles_from(raw_profiles)
        if skipped and not newer:
            notices.append(
                f"{skipped} profile(s) in your settings could not be read and were left out."
            )
        settings = Settings(
            version=version,
            profiles=profiles,
            current_profile=current if isinstance(current, str) else "",
            preferences=dict(raw_preferences) if isinstance(raw_preferences, dict) else {},
        )
        return settings, newer

    def _set_aside(self, reason: str, notices: list[str]) -> tuple[Settings, bool]:
        """Rename a damaged settings file so it is kept, and fall back to defaults."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        log.warning("settings file %s is damaged (%s)", self.path, reason)
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            log.warning("could not move %s aside: %s", self.path, exc)
            notices.append(
                "Your settings file could not be read, so Enkash Desktop started with default "
                f"settings. It could not be moved aside either, so it was left at {self.path} "
                "and your changes in this session will not be saved."
            )
            return Settings(), True
        notices.append(
            "Your settings file could not be read, so Enkash Desktop started with default "
            f"settings. The old file was kept as {aside}."
        )
        return Settings(), False

    def _on_disk_version(self) -> int:
        """The version of the file on disk, or 0 when there is none we can read."""
        try:
            document = json.loads(self.path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return 0
        version = document.get("version") if isinstance(document, dict) else None
        return version if isinstance(version, int) else 0


def default_defaults_paths(program_dir: Path | None) -> list[Path]:
    """Where ``defaults.json`` is looked for, first wins: the environment, the program, /etc."""
    paths: list[Path] = []
    env = os.environ.get(DEFAULTS_ENV, "").strip()
    if env:
        paths.append(Path(env).expanduser())
    if program_dir is not None:
        paths.append(Path(program_dir) / DEFAULTS_FILE_NAME)
    paths.append(SYSTEM_DEFAULTS)
    return paths


def installed_defaults_paths() -> list[Path]:
    """:func:`default_defaults_paths` for this process: an installed (frozen) program looks
    beside its executable, where IT puts ``defaults.json``."""
    frozen = getattr(sys, "frozen", False)
    return default_defaults_paths(Path(sys.executable).parent if frozen else None)


def load_admin_defaults(
    paths: list[Path], *, notices: list[str] | None = None
) -> tuple[Profile, ...]:
    """The administrator's profiles (``managed=True``) from the ``defaults.json`` files.

    Files are read in order and a profile name found earlier wins, so the environment's file
    overrides the program's, which overrides /etc. A damaged file is skipped with a notice
    appended to ``notices``; this never raises.
    """
    found: dict[str, Profile] = {}
    for path in paths:
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            _defaults_problem(path, f"unreadable: {exc}", notices)
            continue
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            _defaults_problem(path, f"not JSON: {exc}", notices)
            continue
        raw_profiles = document.get("profiles") if isinstance(document, dict) else None
        if not isinstance(raw_profiles, list):
            _defaults_problem(path, "no profiles list", notices)
            continue
        profiles, skipped = _profiles_from(raw_profiles)
        if skipped:
            _defaults_problem(path, f"{skipped} profile(s) malformed", notices)
        for profile in profiles:
            found.setdefault(profile.name, profile.with_changes(managed=True))
    return tuple(found.values())


def _defaults_problem(path: Path, reason: str, notices: list[str] | None) -> None:
    log.warning("administrator defaults %s skipped: %s", path, reason)
    if notices is not None:
        notices.append(
            f"The administrator's defaults file {path} could not be read completely, so some "
            "shared profiles may be missing. Please tell your administrator."
        )


def _profiles_from(raw_profiles: Any) -> tuple[tuple[Profile, ...], int]:
    """Profiles from a JSON list, skipping malformed entries and repeated names."""
    if not isinstance(raw_profiles, list):
        return (), 0
    profiles: dict[str, Profile] = {}
    skipped = 0
    for item in raw_profiles:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            skipped += 1
            continue
        try:
            profile = Profile.from_dict(item)
        except (TypeError, ValueError):
            skipped += 1
            continue
        if not profile.name.strip():
            skipped += 1
            continue
        profiles.setdefault(profile.name, profile)
    return tuple(profiles.values()), skipped


def _merge_managed(settings: Settings, managed: tuple[Profile, ...]) -> Settings:
    """Overlay administrator profiles: their locked fields win, the user's other edits stay."""
    by_name = {p.name: p for p in managed}
    merged: list[Profile] = []
    for profile in settings.profiles:
        admin = by_name.pop(profile.name, None)
        if admin is None:
            # An administrator removed it: it becomes the user's own profile.
            merged.append(profile.with_changes(managed=False) if profile.managed else profile)
        else:
            locked = {name: getattr(admin, name) for name in MANAGED_FIELDS}
            merged.append(profile.with_changes(managed=True, **locked))
    merged.extend(by_name.values())
    current = settings.current_profile
    if merged and current not in {p.name for p in merged}:
        current = merged[0].name
    return Settings(
        version=settings.version,
        profiles=tuple(merged),
        current_profile=current,
        preferences=settings.preferences,
    )


def _check_no_secrets(value: Any, where: str = "settings") -> None:
    """Refuse to write any key named like a secret; a bug, never user data, would cause it."""
    if isinstance(value, dict):
        for key, item in value.items():
            if _SECRET_KEY.search(str(key)):
                raise SettingsError(
                    "Your settings were not saved, because they unexpectedly contained a "
                    "secret. Secrets belong in the keyring only.",
                    f"key {key!r} under {where}",
                )
            _check_no_secrets(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for item in value:
            _check_no_secrets(item, where)
