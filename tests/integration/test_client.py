"""The core client over real loopback HTTP against the sandbox: every fault switch,
the lockout guard, token expiry, a 401 refresh, cancellation and Copy as cURL."""

from __future__ import annotations

import copy
import json
import pickle
import shutil
import subprocess
import threading
import time
from dataclasses import asdict, fields, replace

import pytest

from enkash_desktop.core import (
    Cardholder,
    EnkashClient,
    EnkashError,
    ErrorKind,
    MemoryFailureCounter,
    Secrets,
    SsoResult,
    to_curl,
)
from enkash_desktop.core.redaction import MASK
from enkash_desktop.sandbox import (
    DEMO,
    DEMO_ADMIN_CARDHOLDER,
    DEMO_CARDHOLDERS,
    Sandbox,
    demo_profile,
    demo_secrets,
)

HOLDER = DEMO_CARDHOLDERS[0]


def client_for(sb: Sandbox, secrets: Secrets | None = None, **changes: object) -> EnkashClient:
    profile = demo_profile(sb.base_url).with_changes(**changes)
    return EnkashClient(profile, demo_secrets() if secrets is None else secrets,
                        failures=MemoryFailureCounter())


def test_send_logs_in_and_returns_token_and_portal_link(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
        admin = client.send_sso(DEMO_ADMIN_CARDHOLDER)
    assert result.ok, result.error
    assert result.http_status == 200 and result.response_code == 0
    assert result.sso_url == f"{sandbox.base_url}/sso/{result.sso_token}/employee_rewards/hrms"
    assert "/reward_account/hrms" in admin.sso_url
    paths = [c.path for c in sandbox.calls]
    assert paths == ["/oauth/token", "/api/v0/partner/enKashCard/sso-token",
                     "/api/v0/partner/enKashCard/sso-token"]  # one login, reused token
    # what is kept for the history is redacted
    assert result.sso_token not in result.reply_redacted
    assert client.token is not None and client.token.value not in result.request_redacted
    assert MASK in result.request_redacted


# What the reply view and the history show for the sandbox's success reply: pretty JSON,
# the SSO token masked.
SHOWN_SUCCESS_REPLY = f"""{{
  "response_code": 0,
  "response_message": "Success",
  "payload": {{
    "token": "{MASK}"
  }}
}}"""


def test_the_redacted_texts_are_made_on_first_read_and_never_leak(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
        assert client.token is not None
        bearer, cookie = client.token.value, client.token.cookie
        request_shown = to_curl(client.preview_sso(HOLDER))
    assert result.ok, result.error
    unread = vars(result)
    assert callable(unread["request_redacted"]) and callable(unread["reply_redacted"])
    secrets = [DEMO.password, DEMO.oauth_client_secret, bearer, cookie.partition("=")[2]]
    # Pickling and copying keep the texts, never the functions that make them.
    pickled = pickle.dumps(result)
    for secret in secrets:
        assert secret.encode() not in pickled
    kept = [pickle.loads(pickled), copy.copy(result), copy.deepcopy(result), replace(result)]
    eager = SsoResult(**{f.name: getattr(result, f.name) for f in fields(result)})
    for same in [*kept, eager]:
        assert vars(same)["request_redacted"] == request_shown
        assert vars(same)["reply_redacted"] == SHOWN_SUCCESS_REPLY
        assert same == result
    assert result.request_redacted == request_shown
    assert result.reply_redacted == SHOWN_SUCCESS_REPLY
    assert MASK in result.request_redacted
    shown = [result.request_redacted, result.reply_redacted, repr(result),
             json.dumps(asdict(result), default=str)]
    for secret in secrets:
        assert not any(secret in text for text in shown)
    # The SSO token is the result's own sso_token and sso_url (asdict has them), nothing else.
    assert not any(result.sso_token in text for text in shown[:3])


def test_a_reply_that_echoes_a_secret_is_shown_masked(sandbox: Sandbox) -> None:
    sandbox.set_fault("code_1", value=f"Refused for {DEMO.password}")
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.kind is ErrorKind.REJECTED
    assert result.reply_redacted == (
        f'{{\n  "response_code": 1,\n  "response_message": "Refused for {MASK}",\n'
        f'  "payload": "Refused for {MASK}"\n}}')
    # The server's words are shown (and kept in the history) with the secret masked too.
    assert result.message == f"Refused for {MASK}"
    assert DEMO.password not in result.error.message and MASK in result.error.message
    assert DEMO.password not in result.outcome


def test_the_portal_link_opens_in_the_sandbox(sandbox: Sandbox) -> None:
    import httpx

    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
    page = httpx.get(result.sso_url)
    assert page.status_code == 200 and HOLDER.enkash_card_id in page.text


def test_unknown_cardholder_is_rejected_with_the_servers_words(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        result = client.send_sso(Cardholder("CAAAAAAAA", "CEK1PU9AOO", "EKCDXXXXXX"))
    assert not result.ok and result.error is not None
    assert result.error.kind is ErrorKind.REJECTED
    assert result.http_status == 200 and result.response_code == 1
    assert "not found" in result.error.message


def test_bad_input_sends_nothing(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        result = client.send_sso(Cardholder("CA QL", "CEK1PU9AOO", "EKCDM5AVZY"))
    assert result.error is not None and result.error.kind is ErrorKind.BAD_INPUT
    assert result.error.field == "card_account_id"
    assert [c for c in sandbox.calls if "sso-token" in c.path] == []


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        ("http_422", ErrorKind.REJECTED, 422),
        ("http_500", ErrorKind.SERVER, 500),
        ("http_502_html", ErrorKind.SERVER, 502),
        ("code_1", ErrorKind.REJECTED, 200),
        ("not_json", ErrorKind.UNREADABLE, 200),
        ("oversized", ErrorKind.UNREADABLE, 200),
        ("drop", ErrorKind.NETWORK, None),
    ],
)
def test_each_fault_becomes_its_error_kind(sandbox: Sandbox, fault: str, kind: ErrorKind,
                                           status: int | None) -> None:
    sandbox.set_fault(fault, endpoint="sso", times=1)
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
        assert not result.ok and result.error is not None
        assert result.error.kind is kind, result.error
        assert result.http_status == status
        assert result.error.message and result.error.hint
        assert client.send_sso(HOLDER).ok  # the client is still usable afterwards


def test_http_401_without_credentials_is_token_expired(sandbox: Sandbox) -> None:
    sandbox.set_fault("http_401", endpoint="sso")
    secrets = Secrets(authorization=sandbox.issue_token(), cookie="JSESSIONID=ABC")
    with client_for(sandbox, secrets) as client:
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.kind is ErrorKind.TOKEN_EXPIRED
    assert "Get token" in result.error.hint
    assert [c.path for c in sandbox.calls].count("/oauth/token") == 0


def test_a_401_triggers_exactly_one_fresh_login(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        assert client.send_sso(HOLDER).ok
        sandbox.set_fault("http_401", endpoint="sso", times=1)
        assert client.send_sso(HOLDER).ok
        sandbox.set_fault("http_401", endpoint="sso")  # keeps failing: no loop
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.kind is ErrorKind.TOKEN_EXPIRED
    paths = [c.path for c in sandbox.calls]
    assert paths.count("/oauth/token") == 3  # first login + one per 401, never more
    assert len(paths) == 8  # 3 logins + 5 SSO calls (two of them retried once)


def test_timeout_and_hang(sandbox: Sandbox) -> None:
    sandbox.set_fault("hang", endpoint="sso")
    with client_for(sandbox, timeout_s=1.0) as client:
        t0 = time.monotonic()
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.kind is ErrorKind.TIMEOUT
    assert 0.9 < time.monotonic() - t0 < 5
    assert "1 second." in result.error.message


def test_network_down() -> None:
    with Sandbox() as sb:
        url = sb.base_url
    with client_for_url(url) as client:
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.kind is ErrorKind.NETWORK


def client_for_url(url: str) -> EnkashClient:
    return EnkashClient(demo_profile(url), demo_secrets(), failures=MemoryFailureCounter())


def test_tls_failure_is_reported_as_tls(sandbox: Sandbox) -> None:
    import socket

    # A plain-HTTP server spoken to over https: the handshake fails.
    host, port = sandbox.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))):
        pass
    profile = demo_profile(sandbox.base_url).with_changes(
        base_url=f"https://localhost:{port}", auth_base_url=f"https://localhost:{port}")
    with EnkashClient(profile, Secrets(authorization="x", cookie="JSESSIONID=1")) as client:
        result = client.send_sso(HOLDER)
    assert result.error is not None
    assert result.error.kind in (ErrorKind.TLS,), result.error.detail


def test_cancel_aborts_a_call_in_flight(sandbox: Sandbox) -> None:
    sandbox.set_fault("hang", endpoint="sso")
    with client_for(sandbox, timeout_s=30.0) as client:
        client.fetch_token()
        timer = threading.Timer(0.3, client.cancel)
        timer.start()
        t0 = time.monotonic()
        result = client.send_sso(HOLDER)
        elapsed = time.monotonic() - t0
        assert result.error is not None and result.error.kind is ErrorKind.CANCELLED
        assert elapsed < 2.0
        sandbox.clear_faults()
        assert client.send_sso(HOLDER).ok  # usable after a cancel


def test_lockout_guard_counts_and_asks_before_the_third_failure(sandbox: Sandbox) -> None:
    failures = MemoryFailureCounter()
    wrong = Secrets(password="wrong", client_secret=DEMO.oauth_client_secret)
    client = EnkashClient(demo_profile(sandbox.base_url), wrong, failures=failures)
    with client:
        for expected in (1, 2):
            with pytest.raises(EnkashError) as info:
                client.fetch_token()
            assert info.value.kind is ErrorKind.LOGIN_FAILED
            assert client.login_failures() == expected
        assert client.login_needs_confirmation()
        with pytest.raises(EnkashError) as info:
            client.fetch_token()
        assert info.value.kind is ErrorKind.LOCKOUT_RISK
        # a send never makes the risky attempt by itself
        result = client.send_sso(HOLDER)
        assert result.error is not None and result.error.kind is ErrorKind.LOCKOUT_RISK
        assert [c.path for c in sandbox.calls].count("/oauth/token") == 2
        with pytest.raises(EnkashError) as info:
            client.fetch_token(confirmed=True)
        assert info.value.kind is ErrorKind.LOGIN_FAILED
    assert DEMO.username in sandbox.locked_users
    right = EnkashClient(demo_profile(sandbox.base_url), demo_secrets(), failures=failures)
    with right, pytest.raises(EnkashError) as info:
        right.fetch_token(confirmed=True)
    assert info.value.kind is ErrorKind.ACCOUNT_LOCKED


def test_a_success_resets_the_failure_count(sandbox: Sandbox) -> None:
    failures = MemoryFailureCounter()
    wrong = Secrets(password="wrong", client_secret=DEMO.oauth_client_secret)
    with EnkashClient(demo_profile(sandbox.base_url), wrong, failures=failures) as c, \
            pytest.raises(EnkashError):
        c.fetch_token()
    with EnkashClient(demo_profile(sandbox.base_url), demo_secrets(), failures=failures) as c:
        c.fetch_token()
        assert c.login_failures() == 0


def test_token_expiry_refreshes_only_with_credentials() -> None:
    with Sandbox(token_lifetime_s=1.0) as sb:
        with client_for(sb) as client:
            token = client.fetch_token()
            assert 0 < token.seconds_left() <= 1.0
            time.sleep(1.2)
            assert token.expired()
            assert client.send_sso(HOLDER).ok
        assert [c.path for c in sb.calls].count("/oauth/token") == 2
        typed = Secrets(authorization=sb.issue_token(), cookie="JSESSIONID=1")
        time.sleep(1.2)
        with client_for(sb, typed) as client:
            result = client.send_sso(HOLDER)
        assert result.error is not None and result.error.kind is ErrorKind.TOKEN_EXPIRED


@pytest.mark.parametrize("style", ["oauth", "camel", "pg", "no_expiry"])
def test_every_token_reply_style(sandbox: Sandbox, style: str) -> None:
    sandbox.set_fault("token_style", endpoint="token", value=style)
    with client_for(sandbox) as client:
        token = client.fetch_token()
        assert 250 < token.seconds_left() <= 300.5
        assert client.send_sso(HOLDER).ok


@pytest.mark.parametrize("where", ["accessToken", "ssoToken", "payload_string",
                                   "code_message"])
def test_every_sso_token_field_name(sandbox: Sandbox, where: str) -> None:
    sandbox.set_fault("token_field", endpoint="sso", value=where)
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
    assert result.ok and result.sso_token, result.error


def test_delay_is_just_slower(sandbox: Sandbox) -> None:
    sandbox.set_fault("delay", endpoint="sso", delay_s=0.3)
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
    assert result.ok and result.elapsed_ms >= 300


CURL = shutil.which("curl")
needs_curl = pytest.mark.skipif(CURL is None, reason="curl is not installed (.ci/run installs it)")


def _run_curl(command: str) -> dict[str, object]:
    out = subprocess.run(["sh", "-c", command.strip() + " --silent --show-error"], check=True,
                         capture_output=True, timeout=30)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


@needs_curl
def test_copy_as_curl_sends_what_the_program_sends(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        assert client.send_sso(HOLDER).ok
        program = sandbox.calls[-1]
        exact = to_curl(client.preview_sso(HOLDER), reveal_secrets=True)
        reply = _run_curl(exact)
        by_curl = sandbox.calls[-1]
        masked = to_curl(client.preview_sso(HOLDER))
    assert reply["response_code"] == 0
    assert (by_curl.method, by_curl.path, by_curl.body) == (
        program.method, program.path, program.body)
    ours = {k.lower(): v for k, v in program.headers.items()
            if k.lower() not in ("host", "accept-encoding", "connection", "content-length")}
    theirs = {k.lower(): v for k, v in by_curl.headers.items()
              if k.lower() not in ("host", "accept-encoding", "connection", "content-length")}
    assert ours == theirs
    token = client.token
    assert token is not None and token.value not in masked and token.value in exact


@needs_curl
def test_the_docs_curl_sample_gets_a_token_from_the_sandbox(sandbox: Sandbox) -> None:
    from pathlib import Path

    page = (Path(__file__).parents[1] / "data" / "docs_sso_curl_sample.txt").read_text()
    command = page.replace("https://test.your-api-server.com", sandbox.base_url)
    command = command.replace("••••••", sandbox.issue_token())
    reply = _run_curl(command)
    assert reply["response_code"] == 0
    payload = reply["payload"]
    assert isinstance(payload, dict) and payload["token"]


def test_a_login_that_never_reached_the_server_does_not_count() -> None:
    with Sandbox() as sb:
        url = sb.base_url  # closed again: nothing listens there any more
    with client_for_url(url) as client:
        with pytest.raises(EnkashError) as info:
            client.fetch_token()
        assert info.value.kind is ErrorKind.NETWORK and not info.value.reached_server
        assert client.login_failures() == 0


def test_a_login_refusal_that_echoes_the_password_is_shown_masked(sandbox: Sandbox) -> None:
    sandbox.set_fault("http_422", endpoint="token", value=f"Wrong password {DEMO.password}")
    with client_for(sandbox) as client, pytest.raises(EnkashError) as info:
        client.fetch_token()
    assert "Wrong password" in info.value.message  # the server's words, with the secret masked
    assert DEMO.password not in info.value.message and MASK in info.value.message
