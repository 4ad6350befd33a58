"""The locked state of a login, as the guard keeps it: a model of the rules, checked against
the memory counter and the file every process shares, for any sequence of attempts."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.core.lockout import (
    LOCK_AFTER,
    FailureCounter,
    LoginIdentity,
    MemoryFailureCounter,
    guarded_attempt,
    is_locked,
    unlock,
)
from enkash_desktop.core.replies import parse_token_reply
from enkash_desktop.store import FileFailureCounter

UAT = LoginIdentity("auth.example.com", "9876543210", "client-a", profile_name="uat")

# What one step does: an attempt ending one way, confirmed or not, or the user's unlock.
ENDINGS = ("succeeded", "refused", "not_sent", "locked_reply", "cancelled")
STEPS = st.one_of(st.tuples(st.sampled_from(ENDINGS), st.booleans()), st.just(("unlock", True)))


def _attempt(counter: FailureCounter, ending: str, confirmed: bool) -> ErrorKind | None:
    """One login attempt through the guard; the refusal's kind, or None when it was sent."""
    try:
        with guarded_attempt(counter, UAT, confirmed=confirmed, wait_s=5) as attempt:
            if ending == "succeeded":
                attempt.succeeded()
            elif ending == "not_sent":
                attempt.not_sent()
            elif ending == "locked_reply":
                raise EnkashError(ErrorKind.ACCOUNT_LOCKED, http_status=423)
            elif ending == "refused":
                raise EnkashError(ErrorKind.LOGIN_FAILED, http_status=400)
            # "cancelled": it may have reached the server, so it counts
    except EnkashError as exc:
        if exc.kind is ErrorKind.LOCKOUT_RISK or (exc.kind is ErrorKind.ACCOUNT_LOCKED
                                                  and not exc.reached_server):
            return exc.kind  # the guard's refusals, made before anything is sent
    return None


def _model(count: int, ending: str, confirmed: bool) -> tuple[int, ErrorKind | None]:
    """The rules, as the issue states them."""
    if ending == "unlock":
        return 0, None
    if count >= LOCK_AFTER:
        return count, ErrorKind.ACCOUNT_LOCKED  # no confirmation overrides a lock
    if count == LOCK_AFTER - 1 and not confirmed:
        return count, ErrorKind.LOCKOUT_RISK
    after = {"succeeded": 0, "not_sent": count, "refused": count + 1,
             "cancelled": count + 1, "locked_reply": max(count + 1, LOCK_AFTER)}[ending]
    return after, None


def _check(counter: FailureCounter, steps: list[tuple[str, bool]]) -> int:
    """Run ``steps`` against ``counter`` and the model side by side; the final count."""
    count = 0
    for ending, confirmed in steps:
        expected, refusal = _model(count, ending, confirmed)
        if ending == "unlock":
            assert unlock(counter, UAT) is is_locked(count)
        else:
            assert _attempt(counter, ending, confirmed) is refusal
        count = expected
        assert counter.failures(UAT) == count
        assert is_locked(counter.failures(UAT)) is (count >= LOCK_AFTER)
    return count


@settings(max_examples=150, deadline=None)
@given(st.lists(STEPS, max_size=25))
def test_the_memory_counter_follows_the_rules(steps: list[tuple[str, bool]]) -> None:
    _check(MemoryFailureCounter(), steps)


@settings(max_examples=60, deadline=None)
@given(st.lists(STEPS, max_size=15))
def test_the_shared_file_follows_the_rules_and_every_reader_sees_the_lock(
        steps: list[tuple[str, bool]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "login_state.json"
        count = _check(FileFailureCounter(path), steps)
        fresh = FileFailureCounter(path)  # another window or process, reading the file
        assert fresh.failures(UAT) == count
        assert is_locked(fresh.failures(UAT)) is (count >= LOCK_AFTER)


def test_a_lock_is_final_until_unlocked_even_when_confirmed(tmp_path: Path) -> None:
    counter = FileFailureCounter(tmp_path / "login_state.json")
    for confirmed in (False, False, True):
        assert _attempt(counter, "refused", confirmed) is None
    assert counter.failures(UAT) == LOCK_AFTER
    for ending in ENDINGS:
        assert _attempt(counter, ending, True) is ErrorKind.ACCOUNT_LOCKED
    assert FileFailureCounter(tmp_path / "login_state.json").failures(UAT) == LOCK_AFTER
    assert unlock(counter, UAT) is True
    assert unlock(counter, UAT) is False  # twice is harmless
    assert _attempt(counter, "refused", False) is None and counter.failures(UAT) == 1


def test_check_and_reserve_stay_one_step_at_the_third_attempt(tmp_path: Path) -> None:
    """Threads racing at two failures: exactly one confirmed third attempt is reserved;
    after it failed, every other is refused as locked (none sent)."""
    counter = FileFailureCounter(tmp_path / "login_state.json")
    counter.update(UAT, lambda _count: LOCK_AFTER - 1)
    results: list[ErrorKind | None] = []
    lock = threading.Lock()

    def one() -> None:
        outcome = _attempt(counter, "refused", True)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results.count(None) == 1
    assert results.count(ErrorKind.ACCOUNT_LOCKED) == 5
    assert counter.failures(UAT) == LOCK_AFTER


@pytest.mark.parametrize(("status", "body", "kind"), [
    (423, b'{"error": "account_locked"}', ErrorKind.ACCOUNT_LOCKED),
    (423, b"{}", ErrorKind.ACCOUNT_LOCKED),
    (400, b'{"error": "invalid_grant", "error_description": "User account is LOCKED"}',
     ErrorKind.ACCOUNT_LOCKED),
    (401, b'{"response_code": 1, "response_message": "User is locked."}',
     ErrorKind.ACCOUNT_LOCKED),
    (400, b'{"error": "invalid_grant", "error_description": "Client is blocked"}',
     ErrorKind.LOGIN_FAILED),
    (400, b'{"error": "invalid_grant", "error_description": "Account unlocked; bad '
          b'credentials"}', ErrorKind.LOGIN_FAILED),
])
def test_the_token_service_says_locked(status: int, body: bytes, kind: ErrorKind) -> None:
    with pytest.raises(EnkashError) as info:
        parse_token_reply(status, body)
    assert info.value.kind is kind
    if kind is ErrorKind.ACCOUNT_LOCKED:
        assert info.value.message.startswith("EnKash has locked this login.")


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
       st.sampled_from(["locked", "Locked", "LOCKED", "account_locked"]))
def test_locked_in_any_words_of_a_refusal_locks(before: str, word: str) -> None:
    import json

    text = f"{before.rstrip('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')} {word}."
    body = json.dumps({"error": "invalid_grant", "error_description": text}).encode()
    with pytest.raises(EnkashError) as info:
        parse_token_reply(400, body)
    assert info.value.kind is ErrorKind.ACCOUNT_LOCKED
