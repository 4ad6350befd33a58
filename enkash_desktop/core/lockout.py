"""The lockout guard: three failed logins in a row lock the partner's account.

The guard counts consecutive failed logins per profile (persisted by the store, see
:class:`enkash_desktop.store.FileFailureCounter`) and refuses an attempt that could be the
third unless the caller confirms it. Nothing here ever retries a login.
"""

from __future__ import annotations

import threading
from typing import Protocol

from .errors import EnkashError, ErrorKind

LOCK_AFTER = 3


class FailureCounter(Protocol):
    """Where consecutive failed logins are counted, per profile name."""

    def failures(self, profile_name: str) -> int: ...

    def record(self, profile_name: str, failed: bool) -> int: ...


class MemoryFailureCounter:
    """A counter that lives for the process (tests, the sandbox demo)."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def failures(self, profile_name: str) -> int:
        with self._lock:
            return self._counts.get(profile_name, 0)

    def record(self, profile_name: str, failed: bool) -> int:
        with self._lock:
            count = self._counts.get(profile_name, 0) + 1 if failed else 0
            self._counts[profile_name] = count
            return count


def needs_confirmation(failures: int) -> bool:
    """True when the next failed login could lock the account (it would be the third)."""
    return failures >= LOCK_AFTER - 1


def check_attempt(failures: int, *, confirmed: bool) -> None:
    """Raise LOCKOUT_RISK when an attempt needs a confirmation it does not have."""
    if needs_confirmation(failures) and not confirmed:
        if failures >= LOCK_AFTER:
            message = (f"{failures} logins in a row have failed, so the account may already "
                       "be locked; another failure will certainly keep it locked.")
        else:
            message = ("Two logins in a row have failed; one more failure will lock the "
                       "partner's account.")
        raise EnkashError(ErrorKind.LOCKOUT_RISK, message)
