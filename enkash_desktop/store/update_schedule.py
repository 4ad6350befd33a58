"""When the update feed was last read, so it is read at most once a day."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from .atomic import write_atomic

log = logging.getLogger(__name__)

CHECK_INTERVAL_S = 24 * 3600.0


class UpdateSchedule:
    """A tiny JSON file in the cache folder holding the time of the last feed check."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def last_check(self) -> float | None:
        """Epoch seconds of the last check, or None when unknown (no file, damaged file)."""
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        value = document.get("last_check") if isinstance(document, dict) else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    def due(self, now: float | None = None) -> bool:
        """True when a day has passed since the last check (or the clock went backwards)."""
        now = time.time() if now is None else now
        last = self.last_check()
        return last is None or not 0 <= now - last < CHECK_INTERVAL_S

    def mark(self, now: float | None = None) -> None:
        """Remember that the feed was read now; a full disk only means asking again."""
        now = time.time() if now is None else now
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps({"last_check": now}).encode("utf-8"))
        except OSError as exc:
            log.warning("the time of the update check could not be saved: %s", exc)
