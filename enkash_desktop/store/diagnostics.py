"""Export diagnostics: one zip a user can attach to a support ticket, with no secret in it.

It holds the redacted log files, the settings (profiles never hold secrets; redacted once
more anyway), and a report of versions and paths. Written atomically, owner-only.
"""

from __future__ import annotations

import io
import json
import platform
import sys
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path

from enkash_desktop import __version__

from .atomic import write_atomic
from .logs import redact_known
from .paths import AppPaths


def export_diagnostics(paths: AppPaths, target: Path,
                       extra: Mapping[str, str] | None = None) -> Path:
    """Write the diagnostics zip to ``target``; ``extra`` adds lines (e.g. Qt's version)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        report = {
            "app_version": __version__,
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "created": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "config_dir": str(paths.config_dir),
            "data_dir": str(paths.data_dir),
            "log_dir": str(paths.log_dir),
            **dict(extra or {}),
        }
        archive.writestr("report.json", redact_known(json.dumps(report, indent=2)))
        if paths.settings_file.is_file():
            text = paths.settings_file.read_text(encoding="utf-8", errors="replace")
            archive.writestr("settings.json", redact_known(text))
        if paths.log_dir.is_dir():
            for log in sorted(paths.log_dir.glob("*.log*")):
                text = log.read_text(encoding="utf-8", errors="replace")
                archive.writestr(f"logs/{log.name}", redact_known(text))
    write_atomic(target, buffer.getvalue(), mode=0o600)
    return target
