"""Consecutive failed logins per profile, kept on disk so a restart cannot reset them.

Three failed logins in a row lock a partner's EnKash account; the core asks this counter
before each login (it implements the core's lockout counter protocol).
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from .atomic import write_atomic

log = logging.getLogger(__name__)

_VERSION = 1


class FileFailureCounter:
    """Failed-login counts per profile name in a small JSON file, written atomically.

    The file is re-read on every call so that the window and the command line see each
    other's counts. If it cannot be read or written, the count is still kept in memory for
    this session (and the problem logged) rather than lost.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._memory: dict[str, int] = {}

    def failures(self, profile_name: str) -> int:
        """How many logins in a row have failed for the profile."""
        with self._lock:
            return self._read().get(profile_name, 0)

    def record(self, profile_name: str, failed: bool) -> int:
        """Count a login attempt (a success resets to 0) and return the new count."""
        with self._lock:
            counts = self._read()
            count = counts.get(profile_name, 0) + 1 if failed else 0
            self._store(counts, profile_name, count)
            return count

    def reset(self, profile_name: str) -> None:
        """Forget the profile's failures (after a successful login or an unlock)."""
        with self._lock:
            self._store(self._read(), profile_name, 0)

    def _read(self) -> dict[str, int]:
        try:
            document = json.loads(self.path.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            return dict(self._memory)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning(
                "login state %s unreadable, using this session's counts: %s", self.path, exc
            )
            return dict(self._memory)
        raw = document.get("failures") if isinstance(document, dict) else None
        counts: dict[str, int] = {}
        if isinstance(raw, dict):
            for name, value in raw.items():
                if isinstance(name, str) and isinstance(value, int) and value > 0:
                    counts[name] = value
        # Never forget a failure this session saw, even if another writer lost it.
        for name, value in self._memory.items():
            counts[name] = max(counts.get(name, 0), value)
        return counts

    def _store(self, counts: dict[str, int], profile_name: str, count: int) -> None:
        if count > 0:
            counts[profile_name] = count
        else:
            counts.pop(profile_name, None)
        self._memory = dict(counts)
        data = json.dumps({"version": _VERSION, "failures": counts}, indent=2, sort_keys=True)
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(self.path, data.encode("utf-8") + b"\n")
        except OSError as exc:
            log.warning("login state %s not saved, kept for this session: %s", self.path, exc)
