"""Consecutive failed logins per login identity, kept on disk so a restart cannot reset them.

Three failed logins in a row lock a partner's EnKash account; the core asks this counter
before each login (it implements the core's lockout counter protocol). Every process of the
user shares the file: each change is a read-change-write under a file lock, and a login
holds a second lock of its own identity while it is in flight.

A count of three or more is a locked login (see :mod:`enkash_desktop.core.lockout`): it
stays in the file until the user says EnKash has unlocked it (the count goes back to 0).

File format 2: ``{"version": 2, "logins": {identity key: count}, "failures": {...}}``.
``failures`` holds the counts version 1 kept per profile name: they stay readable after an
upgrade, and the first login of such a profile takes its old count over (the higher of the
two) and drops the old entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.core.lockout import LoginIdentity

from .atomic import write_atomic
from .filelock import file_lock

log = logging.getLogger(__name__)

_VERSION = 2
# A read-change-write takes milliseconds; waiting longer means another process is stuck.
_UPDATE_WAIT_S = 10.0


class FileFailureCounter:
    """Failed-login counts per login identity in a small JSON file, written atomically.

    The file is re-read on every call, under a lock, so that windows and command lines see
    each other's counts. If it cannot be read or written, the count is still kept in memory
    for this session (and the problem logged) rather than lost.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._memory: dict[str, Any] = {"logins": {}, "failures": {}}

    @property
    def _lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _in_flight_path(self, identity: LoginIdentity) -> Path:
        digest = hashlib.sha256(identity.key.encode("utf-8", "surrogatepass")).hexdigest()
        return self.path.with_name("login_locks") / f"{digest[:32]}.lock"

    # ------------------------------------------------------------------ protocol

    def failures(self, identity: LoginIdentity) -> int:
        """How many logins in a row have failed for the identity."""
        with self._lock:
            return _count(self._read(), identity)

    def update(self, identity: LoginIdentity, change: Callable[[int], int]) -> int:
        """Change the identity's count atomically across processes; return the new count."""
        with self._lock, self._locked():
            document = self._read()
            count = max(0, change(_count(document, identity)))
            document["failures"].pop(identity.profile_name, None)
            if count:
                document["logins"][identity.key] = count
            else:
                document["logins"].pop(identity.key, None)
            self._write(document)
            return count

    @contextlib.contextmanager
    def exclusive(self, identity: LoginIdentity, wait_s: float) -> Iterator[bool]:
        """Hold the identity's in-flight lock (all processes), waiting at most ``wait_s``."""
        stack = contextlib.ExitStack()
        try:
            held = stack.enter_context(file_lock(self._in_flight_path(identity), wait_s))
        except OSError as exc:
            raise self._unusable(exc) from None
        with stack:
            yield held

    # ------------------------------------------------------------------ the old interface

    def record(self, identity: LoginIdentity, failed: bool) -> int:
        """Count a login attempt (a success resets to 0) and return the new count."""
        return self.update(identity, lambda count: count + 1 if failed else 0)

    def reset(self, identity: LoginIdentity) -> None:
        """Forget the identity's failures (after an unlock by EnKash support); see the
        core's ``lockout.unlock``, which also says whether it was locked."""
        self.update(identity, lambda _count: 0)

    # ------------------------------------------------------------------ file

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            with file_lock(self._lock_path, _UPDATE_WAIT_S) as held:
                if not held:
                    raise EnkashError(
                        ErrorKind.TIMEOUT,
                        "The login was not sent, because another Enkash Desktop program has "
                        "held the record of failed logins for too long. Please try again.",
                        reached_server=False,
                    )
                yield
        except OSError as exc:
            raise self._unusable(exc) from None

    def _unusable(self, exc: OSError) -> EnkashError:
        log.warning("login state lock beside %s unusable: %s", self.path, exc)
        return EnkashError(
            ErrorKind.BAD_INPUT,
            "The record of failed logins cannot be used, so no login was sent (the data "
            f"folder {self.path.parent} cannot be written). Please check that folder.",
            detail=f"{type(exc).__name__}: {exc}", reached_server=False,
        )

    def _read(self) -> dict[str, Any]:
        try:
            document = json.loads(self.path.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            return _copy(self._memory) if self._memory["logins"] else _empty()
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning(
                "login state %s unreadable, using this session's counts: %s", self.path, exc
            )
            return _copy(self._memory)
        result = _empty()
        if isinstance(document, dict):
            for section in ("logins", "failures"):
                raw = document.get(section)
                if isinstance(raw, dict):
                    result[section] = {k: v for k, v in raw.items()
                                       if isinstance(k, str) and isinstance(v, int)
                                       and not isinstance(v, bool) and v > 0}
        return result

    def _write(self, document: dict[str, Any]) -> None:
        self._memory = _copy(document)
        data = json.dumps({"version": _VERSION, **document}, indent=2, sort_keys=True)
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(self.path, data.encode("utf-8") + b"\n")
        except OSError as exc:
            log.warning("login state %s not saved, kept for this session: %s", self.path, exc)


def _empty() -> dict[str, Any]:
    return {"logins": {}, "failures": {}}


def _copy(document: dict[str, Any]) -> dict[str, Any]:
    return {"logins": dict(document["logins"]), "failures": dict(document["failures"])}


def _count(document: dict[str, Any], identity: LoginIdentity) -> int:
    count: int = document["logins"].get(identity.key, 0)
    legacy: int = document["failures"].get(identity.profile_name, 0) if identity.profile_name \
        else 0
    return max(count, legacy)
