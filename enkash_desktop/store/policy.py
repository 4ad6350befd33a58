"""The administrator's policy: one layer above the user's settings, read once at start.

IT sets it the way each system expects:

- Linux: ``/etc/enkash-desktop/policy.json`` (``$ENKASH_DESKTOP_POLICY`` names another file,
  on every system; tests use it);
- macOS: the managed preferences an MDM installs for the bundle id ``com.enkash.desktop``
  under ``/Library/Managed Preferences/`` (a property list);
- Windows: the registry, ``HKLM\\SOFTWARE\\Policies\\EnKash\\Enkash Desktop`` and then the
  same key under ``HKCU`` (the machine's value wins over the user's).

Every source becomes a plain dict and goes through :func:`parse_policy`, which never raises.
A value it cannot read gives that key its most restrictive reading (nothing is silently
allowed) and a sentence for the user and the log; an unknown key gives a sentence only.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from enkash_desktop.core.models import Profile

log = logging.getLogger(__name__)

POLICY_ENV = "ENKASH_DESKTOP_POLICY"
LINUX_POLICY_FILE = Path("/etc/enkash-desktop/policy.json")
BUNDLE_ID = "com.enkash.desktop"
MANAGED_PREFERENCES_DIR = Path("/Library/Managed Preferences")
REGISTRY_KEY = r"SOFTWARE\Policies\EnKash\Enkash Desktop"

# The largest policy file read; a bigger one is treated as damaged.
MAX_POLICY_BYTES = 1_000_000

BOOLEAN_KEYS = ("allow_production", "allow_copy_with_secrets", "update_checks")
# name -> (smallest, largest) accepted value
NUMBER_KEYS: dict[str, tuple[int, int]] = {
    "history_retention_days": (1, 36_500),
    "history_retention_rows": (1, 100_000_000),
    "clipboard_clear_seconds": (0, 86_400),
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
KNOWN_KEYS = ("profiles", "allowed_hosts", *BOOLEAN_KEYS, *NUMBER_KEYS, "update_feed_url",
              "log_level")

# What a key means when its value cannot be read: the reading that allows least. Keys not
# listed here (numbers, the log level) are left to the user's settings instead.
RESTRICTIVE: dict[str, Any] = {
    "allowed_hosts": (),
    "allow_production": False,
    "allow_copy_with_secrets": False,
    "update_checks": False,
    "update_feed_url": None,
}

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True)
class Policy:
    """What the administrator set; a key absent from ``values`` is not set by policy.

    ``values`` holds typed values only: booleans, ints, ``allowed_hosts`` as a tuple of
    lower-case host names (an empty tuple allows no host), ``update_feed_url`` as a string or
    None, ``log_level`` as a level name, ``profiles`` as managed :class:`Profile` objects.
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    problems: tuple[str, ...] = ()
    unknown_keys: tuple[str, ...] = ()

    def is_set(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    @property
    def profiles(self) -> tuple[Profile, ...]:
        return tuple(self.values.get("profiles", ()))

    @property
    def notices(self) -> tuple[str, ...]:
        """Sentences for the user: what could not be read, and which keys are unknown."""
        out = list(self.problems)
        if self.unknown_keys:
            out.append(
                "Your administrator's policy contains settings this version of Enkash "
                f"Desktop does not know ({', '.join(self.unknown_keys)}); they were ignored."
            )
        return tuple(out)

    def host_refusal(self, url: str) -> str:
        """A sentence when ``url``'s host is not allowed by ``allowed_hosts``, else ""."""
        if "allowed_hosts" not in self.values:
            return ""
        allowed: tuple[str, ...] = self.values["allowed_hosts"]
        try:
            host = (urlsplit(url.strip()).hostname or "").lower()
        except ValueError:
            host = ""
        if host and host_matches(host, allowed):
            return ""
        shown = host or url.strip()[:80] or "(none)"
        if not allowed:
            return (f"Your administrator allows no EnKash host, so {shown} cannot be used. "
                    "Please ask your administrator.")
        return (f"Your administrator does not allow the host {shown}. Allowed hosts: "
                f"{', '.join(allowed)}.")

    def profile_refusal(self, profile: Profile) -> str:
        """A sentence when the policy forbids using ``profile``, else ""."""
        return next(iter(self.profile_refusals(profile).values()), "")

    def profile_refusals(self, profile: Profile) -> dict[str, str]:
        """Why the policy forbids ``profile``, by the profile field at fault (may be empty)."""
        out: dict[str, str] = {}
        if profile.is_production and self.values.get("allow_production") is False:
            out["environment"] = ("Your administrator does not allow production profiles on "
                                  "this computer, so nothing can be sent to EnKash "
                                  "production.")
        for key in ("base_url", "auth_base_url"):
            url: str = getattr(profile, key)
            refusal = self.host_refusal(url) if url.strip() else ""
            if refusal:
                out[key] = refusal
        return out


def host_matches(host: str, allowed: Iterable[str]) -> bool:
    """True when ``host`` equals an allowed name, or is under a ``*.example.com`` entry."""
    host = host.lower().rstrip(".")
    for entry in allowed:
        if entry.startswith("*."):
            if host.endswith(entry[1:]) and len(host) > len(entry) - 1:
                return True
        elif host == entry:
            return True
    return False


def parse_policy(raw: object, source: str = "") -> Policy:
    """Turn a decoded policy (a dict from JSON, a plist or the registry) into a :class:`Policy`.

    Never raises. Anything not a dict gives the restrictive reading of every key.
    """
    if not isinstance(raw, Mapping):
        return _damaged(source, "its top level is not a set of named settings")
    values: dict[str, Any] = {}
    problems: list[str] = []
    unknown: list[str] = []
    for key, value in raw.items():
        name = key if isinstance(key, str) else repr(key)
        if name not in KNOWN_KEYS:
            unknown.append(_printable(name))
            continue
        try:
            values[name] = parse_value(name, value)
        except PolicyValueError as exc:
            problems.append(f"Your administrator's policy setting {name} could not be read "
                            f"({exc}), so {_fallback_text(name)}")
            if name in RESTRICTIVE:
                values[name] = RESTRICTIVE[name]
    return Policy(values=values, source=source, problems=tuple(problems),
                  unknown_keys=tuple(unknown))


def restrictive_policy(source: str, reason: str) -> Policy:
    """The policy used when the administrator's file cannot be read at all."""
    return _damaged(source, reason)


def _damaged(source: str, reason: str) -> Policy:
    where = f" {source}" if source else ""
    return Policy(
        values=dict(RESTRICTIVE),
        source=source,
        problems=(f"Your administrator's policy{where} could not be read ({reason}), so "
                  "Enkash Desktop runs with its most restrictive settings: no EnKash host, no "
                  "production, no copying of secrets and no update checks. Please tell your "
                  "administrator.",),
    )


class PolicyValueError(ValueError):
    """A policy or preference value that cannot be read; the message says why."""


def _fallback_text(name: str) -> str:
    if name in RESTRICTIVE:
        return "its most restrictive reading is used. Please tell your administrator."
    return "your own setting is used. Please tell your administrator."


def _printable(text: str) -> str:
    """``text`` cut short and stripped of control characters and lone surrogates."""
    cleaned = "".join(ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else "?"
                      for ch in text[:60])
    return cleaned + ("…" if len(text) > 60 else "")


def parse_value(name: str, value: object) -> Any:
    """The typed value of the known key ``name``; raises :class:`PolicyValueError`."""
    if name in BOOLEAN_KEYS:
        return _boolean(value)
    if name in NUMBER_KEYS:
        low, high = NUMBER_KEYS[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise PolicyValueError("it is not a whole number")
        if not low <= value <= high:
            raise PolicyValueError(f"it is not between {low} and {high}")
        return value
    if name == "allowed_hosts":
        return _hosts(value)
    if name == "update_feed_url":
        return _feed_url(value)
    if name == "log_level":
        if not isinstance(value, str) or value.strip().upper() not in LOG_LEVELS:
            raise PolicyValueError(f"it is not one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper()
    if name == "profiles":
        return _profiles(value)
    raise PolicyValueError("it is unknown")  # pragma: no cover - KNOWN_KEYS is checked first


def _boolean(value: object) -> bool:
    # The registry has no booleans: a DWORD 0 or 1 stands for one.
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise PolicyValueError("it is not true or false")


def _hosts(value: object) -> tuple[str, ...]:
    if isinstance(value, str):  # a registry string: names separated by commas or spaces
        value = [part for part in re.split(r"[,\s]+", value) if part]
    if not isinstance(value, list | tuple):
        raise PolicyValueError("it is not a list of host names")
    hosts: list[str] = []
    for item in value:
        host = item.strip().lower().rstrip(".") if isinstance(item, str) else None
        if host is not None and host.startswith("[") and host.endswith("]"):
            host = host[1:-1]  # an IPv6 address as written in a URL
        if host is None or not _valid_host(host):
            raise PolicyValueError(f"{_printable(str(item))!r} is not a host name")
        if host not in hosts:
            hosts.append(host)
    return tuple(hosts)


def _valid_host(host: str) -> bool:
    if not host or len(host) > 253:
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        pass
    labels = host[2:].split(".") if host.startswith("*.") else host.split(".")
    return all(_HOST_LABEL.match(label) for label in labels)


def _feed_url(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 2000:
        raise PolicyValueError("it is not a web address")
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise PolicyValueError("it is not a web address") from exc
    if parts.scheme not in ("https", "http") or not parts.hostname or not url.isascii() \
            or any(ch.isspace() or not ch.isprintable() for ch in url):
        raise PolicyValueError("it is not an http or https address")
    return url


def _profiles(value: object) -> tuple[Profile, ...]:
    if isinstance(value, str):  # the registry and ADMX hold the list as JSON text
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise PolicyValueError("it is not a JSON list of profiles") from exc
    if not isinstance(value, list):
        raise PolicyValueError("it is not a list of profiles")
    from .settings import _profiles_from

    profiles, skipped = _profiles_from(value)
    if skipped:
        raise PolicyValueError(f"{skipped} profile(s) are malformed")
    return tuple(p.with_changes(managed=True) for p in profiles)


# ------------------------------------------------------------------ sources


def read_json_policy(path: Path) -> Policy | None:
    """The policy in a JSON file, or None when there is no such file."""
    data = _read_file(path)
    if isinstance(data, Policy) or data is None:
        return data
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return _logged(restrictive_policy(str(path), f"it is not valid JSON: {exc}"))
    return _logged(parse_policy(document, str(path)))


def read_plist_policy(path: Path) -> Policy | None:
    """The policy in a property list (macOS managed preferences), or None when absent."""
    data = _read_file(path)
    if isinstance(data, Policy) or data is None:
        return data
    import plistlib  # macOS only: Linux and Windows never load it

    try:
        document = plistlib.loads(data)
    except Exception as exc:  # plistlib raises several kinds for damaged files
        return _logged(restrictive_policy(str(path), f"it is not a property list: {exc}"))
    if isinstance(document, dict):
        # An MDM adds its own bookkeeping keys to the plist; they are not ours to report.
        document = {k: v for k, v in document.items()
                    if not (isinstance(k, str) and k.startswith("Payload"))}
    return _logged(parse_policy(document, str(path)))


def _read_file(path: Path) -> bytes | Policy | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_POLICY_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return _logged(restrictive_policy(str(path), f"it cannot be opened: "
                                                     f"{exc.strerror or exc}"))
    if len(data) > MAX_POLICY_BYTES:
        return _logged(restrictive_policy(str(path), "it is too large"))
    return data


# Registry value types (winreg's constants, repeated so this runs everywhere).
REG_SZ, REG_EXPAND_SZ, REG_DWORD, REG_MULTI_SZ, REG_QWORD = 1, 2, 4, 7, 11


def registry_values_to_dict(values: Iterable[tuple[str, object, int]]) -> dict[str, object]:
    """Registry values ``(name, data, type)`` as the dict :func:`parse_policy` reads.

    Strings stay strings (lists of hosts and profiles are parsed from them), multi-strings
    become lists, DWORDs and QWORDs ints; an empty string means "not set".
    """
    out: dict[str, object] = {}
    for name, data, kind in values:
        if kind in (REG_SZ, REG_EXPAND_SZ):
            if isinstance(data, str) and not data.strip():
                continue
            out[name] = data
        elif kind == REG_MULTI_SZ:
            out[name] = list(data) if isinstance(data, list | tuple) else data
        else:
            out[name] = data
    return out


def merge_registry_layers(machine: Mapping[str, object],
                          user: Mapping[str, object]) -> dict[str, object]:
    """HKLM's values win; HKCU fills in what the machine's policy leaves unset."""
    return {**dict(user), **dict(machine)}


def read_windows_registry() -> Policy | None:  # pragma: no cover - runs in the Windows job
    """The policy under HKLM then HKCU, or None when neither key exists (or not Windows)."""
    if sys.platform != "win32":
        return None
    import winreg

    layers: list[dict[str, object]] = []
    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            key = winreg.OpenKey(hive, REGISTRY_KEY)
        except OSError:
            layers.append({})
            continue
        values: list[tuple[str, object, int]] = []
        with key:
            index = 0
            while True:
                try:
                    name, data, kind = winreg.EnumValue(key, index)
                except OSError:
                    break
                values.append((name, data, kind))
                index += 1
        layers.append(registry_values_to_dict(values))
    machine, user = layers
    if not machine and not user:
        return None
    return _logged(parse_policy(merge_registry_layers(machine, user),
                                "Windows registry (Policies\\EnKash\\Enkash Desktop)"))


def macos_policy_paths(user: str | None = None) -> list[Path]:
    """Where an MDM puts managed preferences: per user first, then for the computer."""
    name = f"{BUNDLE_ID}.plist"
    user = user or os.environ.get("USER", "")
    paths = [MANAGED_PREFERENCES_DIR / user / name] if user else []
    return [*paths, MANAGED_PREFERENCES_DIR / name]


def load_policy(platform: str | None = None) -> Policy:
    """The policy for this computer; an empty policy when the administrator set none."""
    override = os.environ.get(POLICY_ENV, "").strip()
    if override:
        path = Path(override).expanduser()
        reader = read_plist_policy if path.suffix == ".plist" else read_json_policy
        return reader(path) or Policy()
    platform = platform or sys.platform
    if platform == "darwin":
        for path in macos_policy_paths():
            found = read_plist_policy(path)
            if found is not None:
                return found
        return Policy()
    if platform == "win32":  # pragma: no cover - runs in the Windows job
        return read_windows_registry() or Policy()
    return read_json_policy(LINUX_POLICY_FILE) or Policy()


def _logged(policy: Policy) -> Policy:
    for problem in policy.problems:
        log.warning("policy: %s", problem)
    if policy.unknown_keys:
        log.warning("policy %s: unknown keys ignored: %s", policy.source,
                    ", ".join(policy.unknown_keys))
    if policy.values:
        log.info("policy %s sets %s", policy.source, ", ".join(sorted(policy.values)))
    return policy
