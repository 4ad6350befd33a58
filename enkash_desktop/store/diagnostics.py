"""Export diagnostics: one zip a user can attach to a support ticket, with no secret in it.

It holds a README.txt saying what is inside, report.json (versions, platform, proxy without
credentials, keyring backend, folders, and what the caller adds, such as Qt's platform), the
effective settings (profiles never hold secrets; administrator defaults merged in; redacted
once more anyway), the last 200 calls of the history (already redacted when recorded,
redacted again) and the log files (redacted as they were written, and again here). Written
atomically, owner-only. The window and ``enkash-sso diagnostics`` make the same zip.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import time
import zipfile
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .facts import all_facts
from .logs import redact_known
from .paths import AppPaths

HISTORY_ROWS = 200

README = """\
Enkash Desktop diagnostics
==========================

This zip was made by Enkash Desktop ({created}) for a support ticket. It holds no password,
client secret, bearer token, cookie or SSO token: those were masked before anything was
written, and masked again when this zip was made.

README.txt     this file.
report.json    the program's version and its libraries' versions, the Python, the operating
               system, the proxy in use (host only: never a user name or password), the
               keyring that keeps the secrets, the folders the program uses{extra_note}.
settings.json  the settings in effect: every profile (URLs, partner id, login user, options;
               never a secret), including the ones an administrator preconfigured, and any
               notice the settings gave when they were read.
history.json   the last {rows} calls of the history, newest first: time, profile, environment,
               cardholder ids, HTTP status, response code, message, time taken, outcome, and
               the request and reply with their secrets masked.
logs/          the program's log: its start-up facts, each call and each login (time,
               profile, environment, outcome, HTTP status, time taken), and each error with
               its details.
"""


def export_diagnostics(paths: AppPaths, target: Path,
                       extra: Mapping[str, str] | None = None, *,
                       defaults_paths: list[Path] | None = None,
                       keyring: str | None = None) -> Path:
    """Write the diagnostics zip to ``target`` and return it.

    ``extra`` adds facts to the report (the window adds Qt's versions and platform);
    ``defaults_paths`` are where administrator defaults are looked for (default: the
    installed places); ``keyring`` names the keyring backend in use, probed when not given.
    """
    from .settings import installed_defaults_paths

    created = time.strftime("%Y-%m-%d %H:%M:%S %z")
    report: dict[str, Any] = {
        **all_facts(),
        "keyring_backend": keyring if keyring is not None else _keyring_backend(),
        "created": created,
        "config_dir": str(paths.config_dir),
        "data_dir": str(paths.data_dir),
        "log_dir": str(paths.log_dir),
        **dict(extra or {}),
    }
    if defaults_paths is None:
        defaults_paths = installed_defaults_paths()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        extra_note = ", and " + ", ".join(sorted(extra)) if extra else ""
        archive.writestr("README.txt", README.format(created=created, rows=HISTORY_ROWS,
                                                     extra_note=extra_note))
        archive.writestr("report.json", redact_known(json.dumps(report, indent=2)))
        archive.writestr("settings.json",
                         redact_known(json.dumps(_effective_settings(paths, defaults_paths),
                                                 indent=2, ensure_ascii=False)))
        archive.writestr("history.json",
                         redact_known(json.dumps(_last_calls(paths), indent=2,
                                                 ensure_ascii=False)))
        if paths.log_dir.is_dir():
            for log in sorted(paths.log_dir.glob("*.log*")):
                text = log.read_text(encoding="utf-8", errors="replace")
                archive.writestr(f"logs/{log.name}", redact_known(text))
    write_atomic(target, buffer.getvalue(), mode=0o600)
    return target


def _keyring_backend() -> str:
    from .secrets import SecretStore

    store = SecretStore(timeout_s=2.0)
    usable = store.probe()
    return store.backend_name + ("" if usable else f" (not usable: {store.detail})")


def _effective_settings(paths: AppPaths, defaults_paths: list[Path]) -> dict[str, Any]:
    """The settings as the program would load them, read from a copy: loading may set a
    damaged file aside, and making diagnostics must change nothing."""
    from .settings import SettingsStore

    with tempfile.TemporaryDirectory(prefix="enkash-diagnostics-") as scratch:
        copy = Path(scratch) / "settings.json"
        try:
            if paths.settings_file.is_file():
                shutil.copyfile(paths.settings_file, copy)
        except OSError as exc:
            return {"error": f"The settings file could not be read: {exc}"}
        loaded = SettingsStore(copy, defaults_paths=defaults_paths).load()
    settings = loaded.settings
    return {
        "version": settings.version,
        "current_profile": settings.current_profile,
        "profiles": [p.to_dict() for p in settings.profiles],
        "preferences": settings.preferences,
        "read_only": loaded.read_only,
        "notices": list(loaded.notices),
    }


def _last_calls(paths: AppPaths) -> list[dict[str, Any]] | dict[str, str]:
    """The newest :data:`HISTORY_ROWS` calls (an empty list when there is no history yet)."""
    from .errors import StoreError
    from .history import HistoryStore

    if not paths.history_file.is_file():
        return []
    try:
        with HistoryStore(paths.history_file) as history:
            records = history.page(None, HISTORY_ROWS)
    except StoreError as exc:
        return {"error": f"The history could not be read: {exc}"}
    rows = []
    for record in records:
        row = asdict(record)
        row["time_utc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.time))
        rows.append(row)
    return rows
