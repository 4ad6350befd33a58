"""Per-user state without Qt: paths, settings, secrets (keyring), history (SQLite), logins."""

from __future__ import annotations

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
