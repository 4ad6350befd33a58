from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from enkash_desktop.core import Environment, ErrorKind, Profile
from enkash_desktop.core.errors import EnkashError
from enkash_desktop.core.lockout import LoginIdentity, MemoryFailureCounter, guarded_attempt
from enkash_desktop.store import FileFailureCounter

UAT = LoginIdentity("auth.example.com", "9876543210", "client-a", profile_name="uat")
PROD = LoginIdentity("auth.example.com", "9876543210", "client-b", profile_name="prod")


def test_failure_counter_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "data" / "login_state.json"
    counter = FileFailureCounter(path)
    assert counter.failures(UAT) == 0
    assert counter.record(UAT, failed=True) == 1
    assert counter.record(UAT, failed=True) == 2
    assert counter.record(PROD, failed=True) == 1

    again = FileFailureCounter(path)  # a restart, or the command line
    assert again.failures(UAT) == 2
    assert again.failures(PROD) == 1
    assert again.record(UAT, failed=False) == 0
    assert FileFailureCounter(path).failures(UAT) == 0

    again.reset(PROD)
    assert FileFailureCounter(path).failures(PROD) == 0


def test_failure_counter_survives_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "login_state.json"
    path.write_text("{not json")
    counter = FileFailureCounter(path)
    assert counter.failures(UAT) == 0
    assert counter.record(UAT, failed=True) == 1
    assert FileFailureCounter(path).failures(UAT) == 1


def test_identity_is_the_login_not_the_profile_name() -> None:
    base = Profile(name="A", environment=Environment.UAT, base_url="https://api.example.com",
                   auth_base_url="https://Auth.Example.com:443/", username=" 98765 ",
                   oauth_client_id="cid")
    copy = base.with_changes(name="A (copy)", username="98765")
    assert LoginIdentity.of(base).key == LoginIdentity.of(copy).key
    other_client = base.with_changes(oauth_client_id="cid2")
    other_host = base.with_changes(auth_base_url="https://auth.example.com:8443")
    assert LoginIdentity.of(other_client).key != LoginIdentity.of(base).key
    assert LoginIdentity.of(other_host).key.endswith("98765 cid")
    assert LoginIdentity.of(other_host).key != LoginIdentity.of(base).key


def test_counts_of_version_1_carry_over_to_the_identity(tmp_path: Path) -> None:
    """Upgrade: the old per-profile count stays readable and moves to the identity."""
    path = tmp_path / "login_state.json"
    path.write_text(json.dumps({"version": 1, "failures": {"uat": 2, "other": 1}}))
    counter = FileFailureCounter(path)
    assert counter.failures(UAT) == 2
    with pytest.raises(EnkashError) as refused, \
            guarded_attempt(counter, UAT, confirmed=False, wait_s=1):
        pytest.fail("a third attempt must not be reserved without confirmation")
    assert refused.value.kind is ErrorKind.LOCKOUT_RISK
    with guarded_attempt(counter, UAT, confirmed=True, wait_s=1):
        pass  # unsettled: a failure
    document = json.loads(path.read_text())
    assert document["version"] == 2
    assert document["logins"] == {UAT.key: 3}
    assert document["failures"] == {"other": 1}


@pytest.mark.parametrize("make", ["memory", "file"])
def test_attempt_outcomes_settle_the_count(tmp_path: Path, make: str) -> None:
    counter = (MemoryFailureCounter() if make == "memory"
               else FileFailureCounter(tmp_path / "login_state.json"))
    with guarded_attempt(counter, UAT, confirmed=False, wait_s=1) as attempt:
        assert counter.failures(UAT) == 1  # reserved before anything is sent
        attempt.not_sent()
    assert counter.failures(UAT) == 0
    for _ in range(2):
        with guarded_attempt(counter, UAT, confirmed=False, wait_s=1):
            pass
    assert counter.failures(UAT) == 2
    with pytest.raises(EnkashError), guarded_attempt(counter, UAT, confirmed=False, wait_s=1):
        pass
    assert counter.failures(UAT) == 2
    with guarded_attempt(counter, UAT, confirmed=True, wait_s=1) as attempt:
        attempt.succeeded()
    assert counter.failures(UAT) == 0


@pytest.mark.parametrize("make", ["memory", "file"])
def test_one_attempt_in_flight_per_identity(tmp_path: Path, make: str) -> None:
    counter = (MemoryFailureCounter() if make == "memory"
               else FileFailureCounter(tmp_path / "login_state.json"))
    inside = threading.Event()
    release = threading.Event()
    errors: list[EnkashError] = []

    def first() -> None:
        with guarded_attempt(counter, UAT, confirmed=False, wait_s=1):
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(5)
        try:
            with guarded_attempt(counter, UAT, confirmed=False, wait_s=0.2):
                pytest.fail("a second attempt of the same identity must wait")
        except EnkashError as exc:
            errors.append(exc)
        with guarded_attempt(counter, PROD, confirmed=False, wait_s=0.2) as other:
            other.succeeded()  # another identity is not held up
    finally:
        release.set()
        thread.join(5)
    assert [e.kind for e in errors] == [ErrorKind.TIMEOUT]
    assert "still in progress" in errors[0].message and not errors[0].reached_server
    assert counter.failures(UAT) == 1
