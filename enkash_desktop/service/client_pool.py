"""One HTTP client for the settings on screen, reused while they stay the same.

A client keeps its connections (keep-alive) and its bearer token, so it lives as long as
the profile and secrets it was made for. Any change of a field means a new client; the old
one is closed at once when idle, or by :meth:`ClientPool.finished` when its call ends.
The demo's failed logins are counted apart from the user's, in memory only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.core.lockout import FailureCounter
    from enkash_desktop.core.models import Profile, Secrets


class ClientPool:
    """The client for ``(profile, secrets)``; at most one besides a client still running."""

    def __init__(self, failures: FailureCounter | None = None) -> None:
        self.failures = failures
        self._demo_failures: FailureCounter | None = None
        self._client: EnkashClient | None = None
        self._key: tuple[Profile, Secrets] | None = None
        self._busy: set[int] = set()

    def client_for(self, profile: Profile, secrets: Secrets, *,
                   demo: bool = False) -> EnkashClient:
        """The client for these exact settings, made (and the old one closed) on a change."""
        key = (profile, secrets)
        if self._client is not None and self._key == key:
            return self._client
        from enkash_desktop.core.client import EnkashClient
        from enkash_desktop.store.logs import remember_secrets

        remember_secrets(secrets.values())  # the log filter masks them wherever they appear
        old = self._client
        if old is not None and id(old) not in self._busy:
            old.close()
        self._client = EnkashClient(profile, secrets, failures=self._counter(demo))
        self._key = key
        return self._client

    def _counter(self, demo: bool) -> FailureCounter:
        from enkash_desktop.core.lockout import MemoryFailureCounter

        if demo:
            self._demo_failures = self._demo_failures or MemoryFailureCounter()
            return self._demo_failures
        self.failures = self.failures or MemoryFailureCounter()
        return self.failures

    def login_failures(self, profile: Profile, *, demo: bool = False) -> int:
        """Failed logins in a row for ``profile``'s login identity (reads the counter: call
        it off the GUI thread when the counter is a file)."""
        from enkash_desktop.core.lockout import LoginIdentity

        return self._counter(demo).failures(LoginIdentity.of(profile))

    def unlock(self, profile: Profile, *, demo: bool = False) -> bool:
        """The user says EnKash has unlocked ``profile``'s login; whether it was locked."""
        from enkash_desktop.core.lockout import LoginIdentity, unlock

        return unlock(self._counter(demo), LoginIdentity.of(profile))

    def current(self, profile: Profile, secrets: Secrets) -> EnkashClient | None:
        """The client made for exactly these settings, if there is one (no new client)."""
        return self._client if self._client is not None and self._key == (profile,
                                                                            secrets) else None

    def started(self, client: EnkashClient) -> None:
        """``client`` runs a call: it is not closed while it does."""
        self._busy.add(id(client))

    def finished(self, client: EnkashClient) -> None:
        """``client``'s call ended; close it if it was replaced meanwhile."""
        self._busy.discard(id(client))
        if client is not self._client:
            client.close()

    def close(self) -> Iterable[Exception]:
        """Close the current client; returns what went wrong (closing never raises)."""
        problems: list[Exception] = []
        if self._client is not None:
            try:
                self._client.close()
            except Exception as exc:  # closing must never stop the window from closing
                problems.append(exc)
        self._client = None
        self._key = None
        return problems
