"""Payload encryption end to end against the sandbox's encrypted partner (ENKASH_API.md §5)."""

from __future__ import annotations

import json
import shutil
import subprocess
from urllib.parse import parse_qs

import httpx
import pytest

from enkash_desktop.core import (
    EnkashClient,
    ErrorKind,
    MemoryFailureCounter,
    PayloadEncryption,
    to_curl,
)
from enkash_desktop.core.crypto import decrypt_reply, derive_key
from enkash_desktop.core.curl_import import parse_curl
from enkash_desktop.sandbox import (
    DEMO_CARDHOLDERS,
    DEMO_ENCRYPTED,
    DEMO_ENCRYPTED_RULE,
    Sandbox,
    demo_encrypted_profile,
    demo_encrypted_secrets,
)

HOLDER = DEMO_CARDHOLDERS[0]
SSO = "/api/v0/partner/enKashCard/sso-token"
KEY = derive_key(DEMO_ENCRYPTED.oauth_client_secret, DEMO_ENCRYPTED_RULE)


def client_for(sb: Sandbox, **changes: object) -> EnkashClient:
    profile = demo_encrypted_profile(sb.base_url).with_changes(**changes)
    return EnkashClient(profile, demo_encrypted_secrets(), failures=MemoryFailureCounter())


def test_encrypted_round_trip(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
    assert result.ok, result.error
    assert result.response_code == 0 and "/employee_rewards/" in result.sso_url
    token_call, sso_call = sandbox.calls
    # The token call is never encrypted; the SSO body is, and holds no id in clear.
    assert token_call.path == "/oauth/token"
    assert parse_qs(token_call.body.decode())["grant_type"] == ["password"]
    wrapped = json.loads(sso_call.body)
    assert set(wrapped) == {"request"} and HOLDER.card_account_id.encode() not in sso_call.body
    assert json.loads(decrypt_reply(sso_call.body, KEY)) == HOLDER.body()
    # The history gets the decrypted reply (redacted), not base64.
    assert "response_code" in result.reply_redacted
    assert result.sso_token not in result.reply_redacted
    # The link really opens the portal as the cardholder.
    page = httpx.get(result.sso_url)
    assert page.status_code == 200 and HOLDER.enkash_card_id in page.text


def test_copy_as_curl_shows_the_encrypted_body_and_pastes_back(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        assert client.send_sso(HOLDER).ok
        sent = sandbox.calls[-1]
        preview = client.preview_sso(HOLDER)
    assert preview.body == sent.body  # ECB has no IV: what Copy as cURL shows is what is sent
    text = to_curl(preview, reveal_secrets=True)
    assert '{"request": ' in text
    got = parse_curl(text, decrypt_key=KEY)
    assert got.encrypted and got.cardholder == HOLDER
    assert got.partner_id == DEMO_ENCRYPTED.partner_id and got.authorization.startswith("Bearer")


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl program")
def test_the_exported_command_works_with_real_curl(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        assert client.send_sso(HOLDER).ok
        text = to_curl(client.preview_sso(HOLDER), reveal_secrets=True)
    out = subprocess.run(["bash", "-c", text + " --silent --show-error"], check=True,
                         capture_output=True, timeout=30)
    reply = json.loads(decrypt_reply(out.stdout, KEY))
    assert reply["response_code"] == 0 and reply["payload"]["token"]


def test_plain_json_is_refused_by_the_encrypted_partner(sandbox: Sandbox) -> None:
    with client_for(sandbox, encryption=PayloadEncryption.OFF) as client:
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.kind is ErrorKind.REJECTED
    assert result.http_status == 400
    assert "requires encrypted requests" in result.message


def test_a_wrong_key_rule_is_a_clear_error(sandbox: Sandbox) -> None:
    # The secret is 32 hex digits, so "read as hex" makes a valid key, just the wrong one.
    with client_for(sandbox, encryption=PayloadEncryption.SECRET_HEX) as client:
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.kind is ErrorKind.REJECTED
    assert "could not be decrypted" in result.message and "key rule" in result.message


def test_a_secret_that_does_not_fit_the_rule_sends_nothing(sandbox: Sandbox) -> None:
    with client_for(sandbox, encryption=PayloadEncryption.SECRET_EXACT_16) as client:
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.kind is ErrorKind.BAD_INPUT
    assert result.error.field == "client_secret" and "exactly 16" in result.error.message
    assert [c.path for c in sandbox.calls if c.path == SSO] == []


def test_a_plain_gateway_error_still_reads_when_encrypted(sandbox: Sandbox) -> None:
    sandbox.set_fault("http_502_html", endpoint="sso", times=1)
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
        assert result.error is not None and result.error.kind is ErrorKind.SERVER
        assert client.send_sso(HOLDER).ok


def test_a_401_refreshes_once_when_encrypted(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        assert client.send_sso(HOLDER).ok
        sandbox.expire_tokens()
        assert client.send_sso(HOLDER).ok
    assert [c.path for c in sandbox.calls].count("/oauth/token") == 2
