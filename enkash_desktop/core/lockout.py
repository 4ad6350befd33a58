"""The lockout guard: three failed logins in a row lock the partner's account.

EnKash counts failures per login, not per profile: the guard counts consecutive failed logins
per *login identity* (the token service's host, the login user and the OAuth client id), so
two profiles, two windows or two `enkash-sso` processes sending the same login share one
count. An attempt that could be the third failure in a row is refused unless the caller
confirms it. Nothing here ever retries a login.

After the third failure in a row, or a reply saying the account is locked, the identity is
*locked*: its count stays at :data:`LOCK_AFTER` or more, and every attempt is refused
(ACCOUNT_LOCKED, nothing sent, no confirmation can override it) until the user says EnKash
has unlocked it (:func:`unlock`), which starts the count from nothing again. The state is
the count itself, so it is kept wherever the count is (the store's file: every window and
process sees it).

Check and reserve are one step: :func:`guarded_attempt` holds the identity's in-flight lock
for the whole attempt (at most one login per identity is in flight, in every process) and,
under the counter's own lock, reads the count, decides and writes it one higher before
anything is sent. The attempt then settles the count: a success resets it, a request that
certainly never left keeps the old count, and anything else (a failure, a cancel, a crash)
leaves the failure counted; a reply saying the login is locked locks it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from .errors import EnkashError, ErrorKind, followed_by

if TYPE_CHECKING:
    from .models import Profile

LOCK_AFTER = 3
# How long a login waits, beyond its own timeout, for another login of the same identity.
IN_FLIGHT_MARGIN_S = 5.0
LOCKED_MESSAGE = "EnKash has locked this login, so no login was sent."
# Said after the failed login that locked it.
LOCKED_NOW = "This was the third failed login in a row, so EnKash has now locked this login."


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
    """How a reserved login attempt ended; unsettled means it counts as a failure (and an
    ACCOUNT_LOCKED error raised out of the attempt locks the identity at once)."""

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
    """Reserve one login attempt for ``identity``, or raise ACCOUNT_LOCKED (a locked
    identity), LOCKOUT_RISK (a third attempt not confirmed) or TIMEOUT.

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
        except EnkashError as exc:
            if exc.kind is ErrorKind.ACCOUNT_LOCKED:  # EnKash says so: locked at once
                attempt.outcome = "locked"
            raise
        finally:
            if attempt.outcome == "succeeded":
                counter.update(identity, lambda _count: 0)
            elif attempt.outcome == "not_sent":
                counter.update(identity, lambda _count: before)
            elif attempt.outcome == "locked":
                counter.update(identity, lambda count: max(count, LOCK_AFTER))


def is_locked(failures: int) -> bool:
    """True when the identity is locked: no login is sent until the user unlocks it."""
    return failures >= LOCK_AFTER


def unlock(counter: FailureCounter, identity: LoginIdentity) -> bool:
    """The user says EnKash has unlocked ``identity``: forget its failures, so the next
    failed login counts as the first again. Returns whether it was locked."""
    was = 0

    def clear(count: int) -> int:
        nonlocal was
        was = count
        return 0

    counter.update(identity, clear)
    return is_locked(was)


def locked_now(error: EnkashError, failures: int, *,
               words: Callable[[str], str] = str) -> EnkashError:
    """A refused login that was the one to lock the login (``failures`` is the count after
    it) says so, and is reported as ACCOUNT_LOCKED; any other error is returned as it is.
    ``words`` puts the two sentences in the reader's language (the window's tr_core)."""
    if error.kind is not ErrorKind.LOGIN_FAILED or not is_locked(failures):
        return error
    return replace(error, kind=ErrorKind.ACCOUNT_LOCKED,
                   message=followed_by(words(error.message), words(LOCKED_NOW)))


def locked_error() -> EnkashError:
    """The refusal of an attempt on a locked identity (nothing was sent); the window and the
    command line each add how to say it is unlocked."""
    return EnkashError(ErrorKind.ACCOUNT_LOCKED, LOCKED_MESSAGE, reached_server=False)


def is_locked_refusal(error: EnkashError) -> bool:
    """True for the guard's own refusal of a locked identity (not EnKash's reply)."""
    return error.kind is ErrorKind.ACCOUNT_LOCKED and not error.reached_server


def needs_confirmation(failures: int) -> bool:
    """True when the next failed login could lock the account (it would be the third)."""
    return failures == LOCK_AFTER - 1


def check_attempt(failures: int, *, confirmed: bool) -> None:
    """Raise ACCOUNT_LOCKED for a locked identity (whatever was confirmed), LOCKOUT_RISK
    when an attempt needs a confirmation it does not have."""
    if is_locked(failures):
        raise locked_error()
    if needs_confirmation(failures) and not confirmed:
        raise EnkashError(ErrorKind.LOCKOUT_RISK, "Two logins in a row have failed; one more "
                          "failure will lock the partner's account.")
