"""Payload encryption end to end against the sandbox's encrypted partner (ENKASH_API.md §5)."""

from __future__ import annotations

import json
import os
import shutil
import string
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enkash_desktop.core import (
    Cardholder,
    EnkashClient,
    ErrorKind,
    MemoryFailureCounter,
    PayloadEncryption,
    Profile,
    Secrets,
    SsoResult,
    to_curl,
)
from enkash_desktop.core.crypto import decrypt_reply, derive_key, wrapped_cipher_text
from enkash_desktop.core.curl_import import parse_curl
from enkash_desktop.core.models import RULE_LABELS
from enkash_desktop.sandbox import (
    DEMO_CARDHOLDERS,
    DEMO_ENCRYPTED,
    DEMO_ENCRYPTED_RULE,
    Sandbox,
    demo_encrypted_first16_profile,
    demo_encrypted_first16_secrets,
    demo_encrypted_profile,
    demo_encrypted_secrets,
)

HOLDER = DEMO_CARDHOLDERS[0]
SSO = "/api/v0/partner/enKashCard/sso-token"
SECRET = DEMO_ENCRYPTED.oauth_client_secret
KEY = derive_key(SECRET, DEMO_ENCRYPTED_RULE)


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


@pytest.mark.parametrize("rule", [PayloadEncryption.SECRET_HEX,
                                  PayloadEncryption.SECRET_FIRST_16])
def test_a_wrong_key_rule_is_a_clear_error(sandbox: Sandbox, rule: PayloadEncryption) -> None:
    # The secret is 32 hex digits, so every rule makes a valid key, just the wrong one.
    with client_for(sandbox, encryption=rule) as client:
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.error.kind is ErrorKind.REJECTED
    assert result.http_status == 422 and "Invalid encrypted request" in result.message
    hint = result.error.hint
    assert RULE_LABELS[rule] in hint and "client secret" in hint
    assert RULE_LABELS[PayloadEncryption.SECRET_SHA256] in hint


def test_the_sso_body_is_the_compact_json_encrypted_with_sha256(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        assert client.profile.encryption is PayloadEncryption.SECRET_SHA256
        assert client.send_sso(HOLDER).ok
    plain = decrypt_reply(sandbox.calls[-1].body, KEY)
    assert plain == (b'{"cardAccountId":"CAQL8YCV3","companyId":"CEK1PU9AOO",'
                     b'"enkashCardId":"EKCDM5AVZY"}')


def test_the_key_rule_setting_matters(sandbox: Sandbox) -> None:
    """Two encrypted partners on two rules: each works with its own rule only."""
    def send(profile: Profile, secrets: Secrets) -> SsoResult:
        with EnkashClient(profile, secrets, failures=MemoryFailureCounter()) as client:
            return client.send_sso(HOLDER)

    first16 = demo_encrypted_first16_profile(sandbox.base_url)
    assert first16.encryption is PayloadEncryption.SECRET_FIRST_16
    assert send(first16, demo_encrypted_first16_secrets()).ok
    wrong = send(first16.with_changes(encryption=PayloadEncryption.SECRET_SHA256),
                 demo_encrypted_first16_secrets())
    assert wrong.http_status == 422 and wrong.error is not None
    assert "first 16 characters" not in wrong.error.hint  # it names the rule in use
    assert RULE_LABELS[PayloadEncryption.SECRET_SHA256] in wrong.error.hint
    assert send(demo_encrypted_profile(sandbox.base_url), demo_encrypted_secrets()).ok


@pytest.mark.parametrize(("status", "message"), [
    ("403", "Encryption failed for response"), ("412", "Invalid checksum in the request"),
])
def test_other_encryption_replies_name_the_key_rule(sandbox: Sandbox, status: str,
                                                     message: str) -> None:
    sandbox.set_fault("http_status", value=f"{status} {message}", times=1)
    with client_for(sandbox) as client:
        result = client.send_sso(HOLDER)
    assert result.error is not None and result.http_status == int(status)
    assert message in result.message
    assert "key rule" in result.error.hint and "client secret" in result.error.hint
    assert RULE_LABELS[PayloadEncryption.SECRET_SHA256] in result.error.hint


ids = st.text(alphabet=string.ascii_uppercase + string.digits + "-_", min_size=1, max_size=24)


def test_hypothesis_round_trip_through_the_sandbox() -> None:
    """Encrypt -> the sandbox decrypts -> it answers encrypted -> the client decrypts."""
    with Sandbox() as sb:
        client = EnkashClient(demo_encrypted_profile(sb.base_url), demo_encrypted_secrets(),
                              failures=MemoryFailureCounter())

        @settings(max_examples=40, deadline=None)
        @given(ids, ids, ids, st.booleans())
        def round_trip(account: str, company: str, card: str, admin: bool) -> None:
            holder = Cardholder(account, company, card, admin=admin)
            sb.add_cardholders([holder])
            result = client.send_sso(holder)
            assert result.ok, result.error
            sent = sb.calls[-1]
            assert json.loads(decrypt_reply(sent.body, KEY)) == holder.body()
            page = "/reward_account/" if admin else "/employee_rewards/"
            assert page in result.sso_url and result.sso_token in result.sso_url

        with client:
            round_trip()


def test_cli_key_rule_turns_encryption_on(sandbox: Sandbox, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    env.update(ENKASH_DESKTOP_HOME=str(tmp_path), ENKASH_CLIENT_SECRET=SECRET,
               ENKASH_AUTHORIZATION=sandbox.issue_token(), ENKASH_COOKIE="JSESSIONID=ABC")
    args = [sys.executable, "-m", "enkash_desktop.cli", "send", "--json",
            "--base-url", sandbox.base_url, "--partner-id", DEMO_ENCRYPTED.partner_id,
            "--portal-partner", "hrms", "--card-account-id", HOLDER.card_account_id,
            "--company-id", HOLDER.company_id, "--enkash-card-id", HOLDER.enkash_card_id]
    ok = subprocess.run([*args, "--key-rule", "sha256"], env=env, capture_output=True,
                        text=True, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["ok"] is True
    assert wrapped_cipher_text(sandbox.calls[-1].body) is not None
    wrong = subprocess.run([*args, "--key-rule", "first16"], env=env, capture_output=True,
                           text=True, timeout=60)
    assert wrong.returncode == 4
    error = json.loads(wrong.stdout)["error"]
    assert "Invalid encrypted request" in error["message"]
    assert "first 16 characters" in error["hint"] and "client secret" in error["hint"]
    plain = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert plain.returncode == 4 and "requires encrypted" in json.loads(plain.stdout)["message"]
    for proc in (ok, wrong, plain):
        assert SECRET not in proc.stdout + proc.stderr


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
