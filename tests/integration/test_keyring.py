"""Secrets against the real default keyring (Secret Service via gnome-keyring).

Run inside ``dbus-run-session`` with an unlocked gnome-keyring (see LINUX_SETUP.md); the
tests skip, saying why, when no usable keyring is present.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail

from enkash_desktop.core.models import Secrets
from enkash_desktop.store import SecretStore
from enkash_desktop.store.secrets import SERVICE

pytestmark = pytest.mark.keyring


@pytest.fixture
def store() -> Iterator[SecretStore]:
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        pytest.skip(
            "No keyring backend is available (keyring.get_keyring() is fail.Keyring): run "
            "inside dbus-run-session with an unlocked gnome-keyring."
        )
    secret_store = SecretStore(timeout_s=10.0)
    if not secret_store.persistent:
        pytest.skip(f"The default keyring is not usable: {secret_store.detail}")
    yield secret_store


@pytest.fixture
def profile() -> Iterator[str]:
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    for kind in Secrets.KINDS:  # leave the real keyring as we found it
        for user in (f"{name}:{kind}", f"{name}-renamed:{kind}"):
            if keyring.get_password(SERVICE, user) is not None:
                keyring.delete_password(SERVICE, user)


SECRETS = Secrets(
    authorization="tok-" + uuid.uuid4().hex,
    cookie="SESSION=" + uuid.uuid4().hex,
    password="pw-" + uuid.uuid4().hex,
    client_secret="cs-" + uuid.uuid4().hex,
)


def test_round_trip(store: SecretStore, profile: str) -> None:
    assert store.notice == ""
    store.save(profile, SECRETS)
    assert keyring.get_password(SERVICE, f"{profile}:password") == SECRETS.password
    assert SecretStore(timeout_s=10.0).load(profile) == SECRETS
    store.save(profile, Secrets(password="only-this"))
    assert keyring.get_password(SERVICE, f"{profile}:cookie") is None
    assert store.load(profile) == Secrets(password="only-this")
    assert store.persistent


def test_deleted_with_the_profile(store: SecretStore, profile: str) -> None:
    store.save(profile, SECRETS)
    store.rename_profile(profile, f"{profile}-renamed")
    assert store.load(profile) == Secrets()
    assert store.load(f"{profile}-renamed") == SECRETS
    store.delete_profile(f"{profile}-renamed")
    for kind in Secrets.KINDS:
        assert keyring.get_password(SERVICE, f"{profile}-renamed:{kind}") is None
    assert SecretStore(timeout_s=10.0).load(f"{profile}-renamed") == Secrets()
    assert store.persistent
