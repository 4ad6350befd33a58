"""Profile secrets in the system keyring, or in memory for the session when there is none.

Entries: service ``enkash-desktop``, user name ``"{profile}:{kind}"`` for each kind of
:attr:`Secrets.KINDS`. Every keyring call runs on a daemon thread with a time limit, because
a locked gnome-keyring with a display waits forever on an invisible prompt. Any keyring
failure, at start or later, is translated here into the session-only fallback plus a
notice; callers never see a keyring exception. Secrets are never written to a file.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from enkash_desktop import APP_NAME
from enkash_desktop.core.models import Secrets

from .logs import remember_secrets

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = APP_NAME
PROBE_USER = "__enkash-desktop-probe__"

NO_KEYRING_NOTICE = (
    "No usable keyring was found, so secrets are kept for this session only and will be "
    "forgotten when you quit."
)
KEYRING_FAILED_NOTICE = (
    "The keyring stopped working, so secrets are now kept for this session only and will be "
    "forgotten when you quit."
)

_T = TypeVar("_T")


class _KeyringTimeout(Exception):
    """A keyring call did not return within the time limit."""


class SecretStore:
    """Load and save a profile's secrets; falls back to session memory when needed.

    The first call (or :meth:`probe`) checks the keyring and may take up to ``timeout_s``:
    make it off the GUI thread. ``backend=None`` means the default keyring.
    """

    def __init__(self, backend: KeyringBackend | None = None, *, timeout_s: float = 3.0) -> None:
        self._backend = backend
        self.timeout_s = timeout_s
        self._lock = threading.RLock()
        self._probed = False
        self._persistent = True
        self._notice = ""
        self.detail = ""  # technical reason for the fallback, for the log
        self._memory: dict[tuple[str, str], str] = {}

    @property
    def persistent(self) -> bool:
        """True when secrets go to a working keyring, False when kept for the session only."""
        self.probe()
        return self._persistent

    @property
    def notice(self) -> str:
        """A sentence for the user when secrets are session-only; empty otherwise."""
        self.probe()
        return self._notice

    @property
    def backend_name(self) -> str:
        """The keyring backend's class (``keyring.backends.SecretService.Keyring``), or
        ``"none"`` before a probe found one (for the log and the diagnostics)."""
        backend = self._backend
        if backend is None:
            return "none"
        return f"{type(backend).__module__}.{type(backend).__qualname__}"

    def probe(self) -> bool:
        """Check once that the keyring answers; returns :attr:`persistent`."""
        with self._lock:
            if self._probed:
                return self._persistent
            self._probed = True
            try:
                backend = self._backend
                if backend is None:
                    import keyring

                    backend = keyring.get_keyring()
                    self._backend = backend
                from keyring.backends import fail

                if isinstance(backend, fail.Keyring):
                    self._fall_back(NO_KEYRING_NOTICE, "no keyring backend (fail.Keyring)")
                    return False
                probe_backend = backend
                self._call(lambda: probe_backend.get_password(SERVICE, PROBE_USER))
                log.info("keyring: %s answers; secrets are kept there", self.backend_name)
            except _KeyringTimeout:
                self._fall_back(
                    NO_KEYRING_NOTICE, f"keyring probe took longer than {self.timeout_s} s"
                )
            except Exception as exc:  # the keyring boundary: any failure means "unusable"
                self._fall_back(NO_KEYRING_NOTICE, f"keyring probe failed: {exc!r}")
            return self._persistent

    def load(self, profile_name: str) -> Secrets:
        """The profile's secrets; missing entries are empty strings."""
        with self._lock:
            if self._use_keyring():
                backend = self._require_backend()

                def read() -> dict[str, str]:
                    values: dict[str, str] = {}
                    for kind in Secrets.KINDS:
                        value = backend.get_password(SERVICE, _user(profile_name, kind))
                        values[kind] = value or ""
                    return values

                ok, values = self._guarded(read)
                if ok and values is not None:
                    remember_secrets(values.values())
                    return Secrets(**values)
            return Secrets(**{k: self._memory.get((profile_name, k), "") for k in Secrets.KINDS})

    def save(self, profile_name: str, secrets: Secrets) -> None:
        """Store each secret; an empty value deletes that entry."""
        remember_secrets(secrets.values())
        with self._lock:
            values = {kind: str(getattr(secrets, kind)) for kind in Secrets.KINDS}
            if self._use_keyring():
                backend = self._require_backend()

                def write() -> None:
                    for kind, value in values.items():
                        if value:
                            backend.set_password(SERVICE, _user(profile_name, kind), value)
                        else:
                            _delete_quietly(backend, _user(profile_name, kind))

                ok, _ = self._guarded(write)
                if ok:
                    return
            for kind, value in values.items():
                if value:
                    self._memory[(profile_name, kind)] = value
                else:
                    self._memory.pop((profile_name, kind), None)

    def delete_profile(self, profile_name: str) -> None:
        """Forget every secret of the profile (used when the profile is deleted)."""
        with self._lock:
            for kind in Secrets.KINDS:
                self._memory.pop((profile_name, kind), None)
            if self._use_keyring():
                backend = self._require_backend()

                def delete() -> None:
                    for kind in Secrets.KINDS:
                        _delete_quietly(backend, _user(profile_name, kind))

                self._guarded(delete)

    def rename_profile(self, old: str, new: str) -> None:
        """Move the secrets of profile ``old`` to ``new``."""
        if old == new:
            return
        with self._lock:
            secrets = self.load(old)
            self.save(new, secrets)
            self.delete_profile(old)

    # -- the keyring boundary -------------------------------------------------------------

    def _use_keyring(self) -> bool:
        self.probe()
        return self._persistent

    def _require_backend(self) -> KeyringBackend:
        assert self._backend is not None  # set by probe() whenever _persistent is True
        return self._backend

    def _guarded(self, fn: Callable[[], _T]) -> tuple[bool, _T | None]:
        """Run a keyring call as ``(True, value)``; on failure fall back, ``(False, None)``."""
        try:
            return True, self._call(fn)
        except _KeyringTimeout:
            self._fall_back(KEYRING_FAILED_NOTICE, f"a keyring call took over {self.timeout_s} s")
        except Exception as exc:  # the keyring boundary: never let it reach the caller
            self._fall_back(KEYRING_FAILED_NOTICE, f"keyring call failed: {exc!r}")
        return False, None

    def _call(self, fn: Callable[[], _T]) -> _T:
        """Run ``fn`` on a daemon thread and wait at most ``timeout_s`` for it."""
        done = threading.Event()
        box: dict[str, object] = {}

        def run() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:  # handed to the waiting thread
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=run, name="enkash-keyring", daemon=True).start()
        if not done.wait(self.timeout_s):
            raise _KeyringTimeout
        error = box.get("error")
        if isinstance(error, BaseException):
            raise error
        return box["value"]  # type: ignore[return-value]

    def _fall_back(self, notice: str, detail: str) -> None:
        log.warning("secrets are session-only from now on (keyring %s): %s",
                    self.backend_name, detail)
        self._persistent = False
        self._notice = notice
        self.detail = detail


def _user(profile_name: str, kind: str) -> str:
    return f"{profile_name}:{kind}"


def _delete_quietly(backend: KeyringBackend, user: str) -> None:
    """Delete an entry; an entry that is not there is not an error."""
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):
        backend.delete_password(SERVICE, user)
