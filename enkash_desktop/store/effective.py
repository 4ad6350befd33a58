"""Every setting in effect and where it comes from: policy, defaults, user or built-in.

The window (Help → Settings in effect), ``enkash-sso settings`` and the diagnostics zip all
show this one list. Values are never secrets: profiles hold none by construction, and a web
address loses any password or query it carries before it is shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from enkash_desktop.core.models import Profile

from .policy import KNOWN_KEYS, Policy, PolicyValueError, parse_value
from .settings import LoadedSettings, Settings, SettingsStore, load_admin_defaults

SOURCES = ("policy", "defaults", "user", "built-in")

# What the program does when nobody set a key. ``allowed_hosts`` None allows every host;
# ``update_feed_url`` None means no update checks; ``clipboard_clear_seconds`` 0 never clears
# (copied links and tokens are cleared after a minute unless somebody says otherwise).
BUILT_IN: dict[str, Any] = {
    "allowed_hosts": None,
    "allow_production": True,
    "allow_copy_with_secrets": True,
    "history_retention_days": 365,
    "history_retention_rows": 1_000_000,
    "clipboard_clear_seconds": 60,
    "update_feed_url": None,
    "update_checks": True,
    "log_level": "INFO",
}
SCALAR_KEYS = tuple(k for k in KNOWN_KEYS if k != "profiles")


@dataclass(frozen=True)
class EffectiveSetting:
    """One setting as the program uses it. ``value`` is JSON-ready."""

    key: str
    value: Any
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "source": self.source}


@dataclass(frozen=True)
class EffectiveSettings:
    """All settings in effect, in a stable order, with the policy that shaped them."""

    items: tuple[EffectiveSetting, ...]
    policy: Policy
    raw: Mapping[str, Any]
    defaults_names: frozenset[str] = frozenset()

    def refreshed(self, settings: Settings) -> EffectiveSettings:
        """The same policy and defaults over the user's settings as they are now."""
        return resolve(settings, self.policy, self.defaults_names)

    def value(self, key: str) -> Any:
        """The effective value of a scalar setting (typed, unmasked: not for display)."""
        return self.raw.get(key, BUILT_IN.get(key))

    def source(self, key: str) -> str:
        found = self._find(key)
        return found.source if found is not None else "built-in"

    def locked(self, key: str) -> bool:
        """True when the administrator's policy sets ``key``: the user cannot change it."""
        return self.policy.is_set(key)

    def _find(self, key: str) -> EffectiveSetting | None:
        return next((item for item in self.items if item.key == key), None)

    def as_json(self) -> dict[str, Any]:
        return {"settings": [item.as_dict() for item in self.items]}

    def as_text(self) -> str:
        """One line per setting: key, value and source, aligned for a terminal or a zip."""
        width = max((len(item.key) for item in self.items), default=0)
        lines = [f"{item.key.ljust(width)}  {_shown(item.value)}  ({item.source})"
                 for item in self.items]
        if self.policy.source:
            lines.append(f"Policy read from {self.policy.source}.")
        lines.extend(self.policy.notices)
        return "\n".join(lines)


def resolve(settings: Settings, policy: Policy,
            defaults_profiles: Iterable[Profile | str] = ()) -> EffectiveSettings:
    """The settings in effect: policy over the user's preferences over the built-in values.

    ``defaults_profiles`` are the profiles (or their names) read from ``defaults.json``, to
    name their source.
    """
    items: list[EffectiveSetting] = []
    raw: dict[str, Any] = {}
    preferences: Mapping[str, Any] = settings.preferences
    for key in SCALAR_KEYS:
        if key in policy.values:
            raw[key] = policy.values[key]
            items.append(EffectiveSetting(key, _display(key, policy.values[key]), "policy"))
            continue
        if key in preferences:
            try:
                value = parse_value(key, preferences[key])
            except PolicyValueError:
                value = None  # an unreadable preference is not used
            else:
                raw[key] = value
                items.append(EffectiveSetting(key, _display(key, value), "user"))
                continue
        raw[key] = BUILT_IN[key]
        items.append(EffectiveSetting(key, _display(key, BUILT_IN[key]), "built-in"))
    items.append(EffectiveSetting("current_profile", settings.current_profile or None,
                                  "user" if settings.current_profile else "built-in"))
    policy_names = {p.name for p in policy.profiles}
    defaults_names = frozenset(p if isinstance(p, str) else p.name for p in defaults_profiles)
    for profile in settings.profiles:
        source = ("policy" if profile.name in policy_names else
                  "defaults" if profile.name in defaults_names else "user")
        shown = profile.to_dict()
        for key in ("base_url", "auth_base_url", "portal_url"):
            shown[key] = _safe_url(shown[key])
        items.append(EffectiveSetting(f"profiles.{profile.name}", shown, source))
    return EffectiveSettings(items=tuple(items), policy=policy, raw=raw,
                             defaults_names=defaults_names)


def load_settings(settings_file: Path, *, defaults_paths: Sequence[Path],
                  policy: Policy) -> tuple[SettingsStore, LoadedSettings, EffectiveSettings]:
    """The settings store, what it loaded (with the policy's notices first) and the
    settings in effect, for the window and the command line alike."""
    store = SettingsStore(settings_file, defaults_paths=defaults_paths,
                          policy_profiles=policy.profiles)
    loaded = store.load()
    if policy.notices:
        loaded = replace(loaded, notices=(*policy.notices, *loaded.notices))
    defaults = load_admin_defaults(list(defaults_paths))
    return store, loaded, resolve(loaded.settings, policy, defaults)


def _display(key: str, value: Any) -> Any:
    if key == "allowed_hosts":
        return list(value) if value is not None else None
    if key == "update_feed_url" and isinstance(value, str):
        return _safe_url(value)
    return value


def _safe_url(url: str) -> str:
    """``url`` without a password in it and without its query (which may carry a key)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(not a valid web address)" if url else ""
    if not parts.scheme or not host:
        return url if "@" not in url and "?" not in url else "(hidden)"
    if ":" in host:
        host = f"[{host}]"
    user = f"{parts.username}@" if parts.username else ""
    query = "…" if parts.query else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, query, ""))


def _shown(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
