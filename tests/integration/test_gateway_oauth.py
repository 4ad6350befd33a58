"""Gateways and OAuth errors as they come (ENKASH_API.md §8), over loopback to the sandbox:
Cloudflare's HTML pages, a 429 with Retry-After (and a batch that waits for it), and Spring
Security OAuth2's invalid_grant, invalid_client and invalid_token."""

from __future__ import annotations

import threading
import time

import pytest

from enkash_desktop.core import (
    Cardholder,
    EnkashClient,
    EnkashError,
    ErrorKind,
    MemoryFailureCounter,
    Secrets,
)
from enkash_desktop.core.batch import run_batch
from enkash_desktop.sandbox import DEMO, DEMO_CARDHOLDERS, Sandbox, demo_profile, demo_secrets

HOLDER = DEMO_CARDHOLDERS[0]
GATEWAY = "EnKash's gateway refused or blocked the call"


def client_for(sb: Sandbox, secrets: Secrets | None = None,
               failures: MemoryFailureCounter | None = None) -> EnkashClient:
    return EnkashClient(demo_profile(sb.base_url), demo_secrets() if secrets is None else secrets,
                        failures=failures or MemoryFailureCounter())


@pytest.mark.parametrize(("status", "kind"), [("403", ErrorKind.REJECTED),
                                               ("503", ErrorKind.SERVER),
                                               ("429", ErrorKind.REJECTED)])
def test_a_gateway_page_on_the_sso_call_has_its_own_sentence(
        sandbox: Sandbox, status: str, kind: ErrorKind) -> None:
    sandbox.set_fault("gateway_html", value=status, times=1)
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
        assert result.error is not None and result.error.kind is kind
        assert result.http_status == int(status)
        assert result.error.message.startswith(f"{GATEWAY} (HTTP {status}).")
        assert "not JSON" not in result.error.message
        assert "could not be understood" not in result.error.message
        assert result.error.hint.endswith(".")
        assert "Cloudflare" in result.reply_redacted  # the raw page is still shown
        assert client.send_sso(HOLDER).ok


def test_a_429_says_when_to_try_again(sandbox: Sandbox) -> None:
    sandbox.set_fault("gateway_html", value="429:7", times=1)
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.retry_after_s == 7
    assert "Please try again in 7 seconds." in result.error.message
    assert "wait" in result.error.hint


def test_a_gateway_page_on_the_login_does_not_count(sandbox: Sandbox) -> None:
    failures = MemoryFailureCounter()
    sandbox.set_fault("gateway_html", endpoint="token", value="403", times=3)
    with client_for(sandbox, failures=failures) as client:
        for _ in range(3):
            with pytest.raises(EnkashError) as info:
                client.fetch_token()
            assert info.value.message.startswith(GATEWAY)
        assert client.login_failures() == 0 and not client.login_needs_confirmation()
        client.fetch_token()  # the gateway let it through: no confirmation was needed


def test_bad_credentials_is_a_wrong_login_and_counts(sandbox: Sandbox) -> None:
    wrong = Secrets(password="wrong", client_secret=DEMO.oauth_client_secret)
    with client_for(sandbox, wrong) as client:
        with pytest.raises(EnkashError) as info:
            client.fetch_token()
        assert info.value.kind is ErrorKind.LOGIN_FAILED
        assert "Bad credentials" in info.value.message
        assert client.login_failures() == 1


def test_invalid_client_has_its_own_sentence_and_counts(sandbox: Sandbox) -> None:
    wrong = Secrets(password=DEMO.password, client_secret="not-the-client-secret")
    with client_for(sandbox, wrong) as client:
        with pytest.raises(EnkashError) as info:
            client.fetch_token()
        error = info.value
        assert error.kind is ErrorKind.LOGIN_FAILED and error.http_status == 401
        assert error.message.startswith(
            "The token service refused the OAuth client id or the client secret.")
        assert "OAuth client id" in error.hint and "counted" in error.hint
        assert "not-the-client-secret" not in error.message + error.hint
        # Counted, on the safe side: EnKash does not say whether its lockout counts it.
        assert client.login_failures() == 1
    assert sandbox.locked_users == set()  # the sandbox, like Spring, never tried the user


def test_an_oauth_fault_switch_on_the_token_call(sandbox: Sandbox) -> None:
    sandbox.set_fault("oauth_error", endpoint="token", value="invalid_grant", times=1)
    with client_for(sandbox) as client:
        with pytest.raises(EnkashError) as info:
            client.fetch_token()
        assert info.value.kind is ErrorKind.LOGIN_FAILED
        assert client.login_failures() == 1
        client.fetch_token()
        assert client.login_failures() == 0


def test_invalid_token_on_the_sso_call_is_expired_and_logs_in_once(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        assert client.send_sso(HOLDER).ok
        sandbox.set_fault("oauth_error", value="invalid_token", times=1)
        assert client.send_sso(HOLDER).ok  # one fresh login, then the call again
        sandbox.set_fault("oauth_error", value="invalid_token")
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.kind is ErrorKind.TOKEN_EXPIRED
    assert [c.path for c in sandbox.calls].count("/oauth/token") == 3  # never a loop


def test_a_batch_waits_for_retry_after_instead_of_failing_rows(sandbox: Sandbox) -> None:
    rows = [Cardholder(f"CARL{i:05d}", DEMO.company_id, f"EKRL{i:05d}") for i in range(8)]
    sandbox.add_cardholders(rows)
    sandbox.set_fault("gateway_html", value="429:1", times=2)
    pauses: list[float] = []
    results: dict[int, bool] = {}
    with client_for(sandbox) as client:
        t0 = time.monotonic()
        summary = run_batch(client, rows, cancel=threading.Event(), concurrency=2,
                            on_result=lambda i, r: results.__setitem__(i, r.ok),
                            on_rate_limit=pauses.append)
        elapsed = time.monotonic() - t0
    assert summary.progress.ok == 8 and summary.progress.failed == 0
    assert results == dict.fromkeys(range(8), True)
    assert pauses and all(p == 1 for p in pauses)
    assert elapsed >= 1.0  # it really waited
    sso_calls = [c for c in sandbox.calls if c.path.endswith("/sso-token")]
    assert len(sso_calls) == 10  # 8 rows and the 2 refused calls sent again


def test_a_batch_cancelled_while_waiting_stops_at_once(sandbox: Sandbox) -> None:
    sandbox.set_fault("gateway_html", value="429:60")
    cancel = threading.Event()
    with client_for(sandbox) as client:
        timer = threading.Timer(0.5, cancel.set)
        timer.start()
        t0 = time.monotonic()
        summary = run_batch(client, list(DEMO_CARDHOLDERS), cancel=cancel, concurrency=1,
                            on_result=lambda i, r: None)
        timer.join(timeout=5)
    assert time.monotonic() - t0 < 10
    assert summary.progress.ok == 0 and summary.not_started >= 1
