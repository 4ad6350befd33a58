"""Per-user state without Qt: paths, settings, secrets (keyring), history (SQLite), logins."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .atomic import open_atomic, write_atomic
    from .errors import SettingsError, StoreError
    from .history import HistoryStore
    from .history_rows import CallRecord, HistoryFilter
    from .login_state import FileFailureCounter
    from .paths import AppPaths
    from .secrets import KEYRING_FAILED_NOTICE, NO_KEYRING_NOTICE, SecretStore
    from .settings import (
        LoadedSettings,
        Settings,
        SettingsStore,
        default_defaults_paths,
        installed_defaults_paths,
        load_admin_defaults,
    )

# Each name is imported when first asked for: `enkash-sso send --demo` needs only the log
# (store.logs), and the history's SQLite and the keyring cost tens of milliseconds.
_HOME = {
    "open_atomic": "atomic", "write_atomic": "atomic",
    "SettingsError": "errors", "StoreError": "errors",
    "CallRecord": "history_rows", "HistoryFilter": "history_rows", "HistoryStore": "history",
    "FileFailureCounter": "login_state",
    "AppPaths": "paths",
    "KEYRING_FAILED_NOTICE": "secrets", "NO_KEYRING_NOTICE": "secrets",
    "SecretStore": "secrets",
    "LoadedSettings": "settings", "Settings": "settings", "SettingsStore": "settings",
    "default_defaults_paths": "settings", "installed_defaults_paths": "settings",
    "load_admin_defaults": "settings",
}


def __getattr__(name: str) -> object:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "KEYRING_FAILED_NOTICE",
    "NO_KEYRING_NOTICE",
    "AppPaths",
    "CallRecord",
    "FileFailureCounter",
    "HistoryFilter",
    "HistoryStore",
    "LoadedSettings",
    "SecretStore",
    "Settings",
    "SettingsError",
    "SettingsStore",
    "StoreError",
    "default_defaults_paths",
    "installed_defaults_paths",
    "load_admin_defaults",
    "open_atomic",
    "write_atomic",
]
