"""The lockout guard: three failed logins in a row lock the partner's account.

EnKash counts failures per login, not per profile: the guard counts consecutive failed logins
per *login identity* (the token service's host, the login user and the OAuth client id), so
two profiles, two windows or two `enkash-sso` processes sending the same login share one
count. An attempt that could be the third failure in a row is refused unless the caller
confirms it. Nothing here ever retries a login.

Check and reserve are one step: :func:`guarded_attempt` holds the identity's in-flight lock
for the whole attempt (at most one login per identity is in flight, in every process) and,
under the counter's own lock, reads the count, decides and writes it one higher before
anything is sent. The attempt then settles the count: a success resets it, a request that
certainly never left keeps the old count, and anything else (a failure, a cancel, a crash)
leaves the failure counted.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from .errors import EnkashError, ErrorKind

if TYPE_CHECKING:
    from .models import Profile

LOCK_AFTER = 3
# How long a login waits, beyond its own timeout, for another login of the same identity.
IN_FLIGHT_MARGIN_S = 5.0


@dataclass(frozen=True)
class LoginIdentity:
    """Whose failures count together: the token service's host, the user, the client id.

    ``profile_name`` is only where the count was kept before it was per identity (the
    counts of older versions are read under the profile's name; see the store).
    """

    host: str
    username: str
    client_id: str
    profile_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.host} {self.username} {self.client_id}"

    @classmethod
    def of(cls, profile: Profile) -> LoginIdentity:
        """The identity a login with ``profile`` speaks for."""
        return cls(
            host=_host_of(profile.effective_auth_base_url),
            # User names are compared without case: counting two spellings together only
            # ever asks one question more, never one less.
            username=profile.username.strip().casefold(),
            client_id=profile.oauth_client_id.strip(),
            profile_name=profile.name,
        )


def _host_of(url: str) -> str:
    """``host[:port]`` of ``url`` in lower case; the whole text when it cannot be split."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return text.lower()
    if not host:
        return text.lower()
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    return host if port is None or port == default else f"{host}:{port}"


class FailureCounter(Protocol):
    """Where consecutive failed logins are counted, per login identity.

    ``update`` is an atomic read-change-write (across processes for a persistent counter):
    when ``change`` raises, nothing is written. ``exclusive`` holds the identity's in-flight
    lock, waiting at most ``wait_s``; it yields False when the lock could not be had.
    """

    def failures(self, identity: LoginIdentity) -> int: ...

    def update(self, identity: LoginIdentity, change: Callable[[int], int]) -> int: ...

    def exclusive(self, identity: LoginIdentity,
                  wait_s: float) -> contextlib.AbstractContextManager[bool]: ...


class MemoryFailureCounter:
    """A counter that lives for the process (tests, the sandbox demo)."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._in_flight: dict[str, threading.Lock] = {}

    def failures(self, identity: LoginIdentity) -> int:
        with self._lock:
            return self._counts.get(identity.key, 0)

    def update(self, identity: LoginIdentity, change: Callable[[int], int]) -> int:
        with self._lock:
            count = max(0, change(self._counts.get(identity.key, 0)))
            self._counts[identity.key] = count
            return count

    @contextlib.contextmanager
    def exclusive(self, identity: LoginIdentity, wait_s: float) -> Iterator[bool]:
        with self._lock:
            lock = self._in_flight.setdefault(identity.key, threading.Lock())
        held = lock.acquire(timeout=max(0.0, wait_s))
        try:
            yield held
        finally:
            if held:
                lock.release()


class LoginAttempt:
    """How a reserved login attempt ended; unsettled means it counts as a failure."""

    def __init__(self) -> None:
        self.outcome: str = "failed"

    def succeeded(self) -> None:
        self.outcome = "succeeded"

    def not_sent(self) -> None:
        """The request certainly never reached the server (no connection, TLS refused)."""
        self.outcome = "not_sent"


@contextlib.contextmanager
def guarded_attempt(counter: FailureCounter, identity: LoginIdentity, *, confirmed: bool,
                    wait_s: float) -> Iterator[LoginAttempt]:
    """Reserve one login attempt for ``identity``, or raise LOCKOUT_RISK (or TIMEOUT).

    The count is raised by one before the caller sends anything, and settled when the block
    ends according to :class:`LoginAttempt`.
    """
    with counter.exclusive(identity, wait_s) as held:
        if not held:
            raise EnkashError(
                ErrorKind.TIMEOUT,
                "Another login with the same user name is still in progress, so this one was "
                "not sent. Please wait for it to finish and try again.",
                reached_server=False,
            )
        before = 0

        def reserve(count: int) -> int:
            nonlocal before
            before = count
            check_attempt(count, confirmed=confirmed)
            return count + 1

        counter.update(identity, reserve)
        attempt = LoginAttempt()
        try:
            yield attempt
        finally:
            if attempt.outcome == "succeeded":
                counter.update(identity, lambda _count: 0)
            elif attempt.outcome == "not_sent":
                counter.update(identity, lambda _count: before)


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
