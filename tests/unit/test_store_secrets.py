from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends import fail

from enkash_desktop.core.models import Secrets
from enkash_desktop.store import NO_KEYRING_NOTICE, SecretStore
from enkash_desktop.store.secrets import KEYRING_FAILED_NOTICE, SERVICE
from tests.doubles import MemoryKeyring

SECRETS = Secrets(
    authorization="Bearer-tok-9f8e7d",
    cookie="SESSION=c00k1e-value",
    password="hunter2-pa55",
    client_secret="cl1ent-s3cret-xyz",
)


class HangingKeyring(MemoryKeyring):
    """Like gnome-keyring waiting on an invisible unlock prompt."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(10)
        return None


@pytest.fixture
def hanging() -> Iterator[HangingKeyring]:
    backend = HangingKeyring()
    yield backend
    backend.release.set()


def test_round_trip_with_a_working_keyring() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    assert store.persistent
    assert store.notice == ""
    store.save("uat", SECRETS)
    assert backend.entries[(SERVICE, "uat:password")] == "hunter2-pa55"
    assert set(backend.entries) == {(SERVICE, f"uat:{k}") for k in Secrets.KINDS}
    assert SecretStore(backend).load("uat") == SECRETS
    assert store.load("other") == Secrets()


def test_empty_value_deletes_the_entry() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    store.save("uat", SECRETS)
    store.save("uat", Secrets(password="new-pw"))
    assert set(backend.entries) == {(SERVICE, "uat:password")}
    assert store.load("uat") == Secrets(password="new-pw")


def test_delete_and_rename_profile() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    store.save("old", SECRETS)
    store.save("keep", Secrets(cookie="k"))
    store.rename_profile("old", "new")
    assert store.load("old") == Secrets()
    assert store.load("new") == SECRETS
    store.delete_profile("new")
    store.delete_profile("never-existed")
    assert set(backend.entries) == {(SERVICE, "keep:cookie")}


def _assert_not_on_disk(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for value in SECRETS.values():
                assert value.encode() not in data, path


def test_no_keyring_keeps_secrets_for_the_session_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENKASH_DESKTOP_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    store = SecretStore(fail.Keyring())
    assert not store.persistent
    assert store.notice == NO_KEYRING_NOTICE
    store.save("uat", SECRETS)
    assert store.load("uat") == SECRETS
    store.rename_profile("uat", "uat2")
    assert store.load("uat2") == SECRETS
    assert store.load("uat") == Secrets()
    _assert_not_on_disk(tmp_path)
    assert SecretStore(fail.Keyring()).load("uat2") == Secrets()  # forgotten on "quit"
    store.delete_profile("uat2")
    assert store.load("uat2") == Secrets()


def test_a_hanging_keyring_is_detected_within_the_time_limit(hanging: HangingKeyring) -> None:
    store = SecretStore(hanging, timeout_s=0.5)
    started = time.monotonic()
    assert not store.persistent
    assert time.monotonic() - started < 1.5
    assert store.notice == NO_KEYRING_NOTICE
    store.save("uat", SECRETS)  # no further keyring calls: answers at once
    assert store.load("uat") == SECRETS
    assert time.monotonic() - started < 1.5
    assert hanging.entries == {}


def test_keyring_failing_later_falls_back_with_a_notice() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    assert store.persistent
    backend.broken = True
    store.save("uat", SECRETS)  # must not raise
    assert not store.persistent
    assert store.notice == KEYRING_FAILED_NOTICE
    assert "KeyringLocked" in store.detail
    assert store.load("uat") == SECRETS
