"""Redaction, the portal link, the lockout rules and Copy as cURL (text level)."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enkash_desktop.core import (
    EnkashError,
    Environment,
    ErrorKind,
    MemoryFailureCounter,
    PreparedCall,
    Profile,
    portal_link,
    redact,
    to_curl,
)
from enkash_desktop.core.lockout import LoginIdentity, check_attempt, needs_confirmation
from enkash_desktop.core.redaction import MASK

SECRETS = ["s3cr3t-pass", "client-secret-xyz"]


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
        "authorization: basic ZGVtbzpzZWNyZXQ=",
        "Cookie: JSESSIONID=BC1A71C9BC65576B3AB0E78896971B9E; Path=/",
        '{"access_token": "abc.def", "token_type": "bearer"}',
        '{"payload": {"ssoToken": "Zm9vYmFy"}}',
        "username=9000&password=hunter2&grant_type=password",
        "client_secret='abc def'",
        "login failed for s3cr3t-pass",
        "opened https://home.enkash.com/sso/Zm9vYmFy/employee_rewards/hrms",
        "http://127.0.0.1:9/sso/Zm9vYmFy/reward_account/hrms",
    ],
)
def test_secret_values_are_masked(text: str) -> None:
    out = redact(text, SECRETS)
    assert MASK in out
    for leaked in ("eyJhbGciOiJIUzI1NiJ9", "ZGVtbzpzZWNyZXQ=", "BC1A71C9BC65576B3AB0E78896971B9E",
                   "abc.def", "Zm9vYmFy", "hunter2", "abc def", "s3cr3t-pass"):
        assert leaked not in out


def test_harmless_text_is_left_alone() -> None:
    text = '{"response_code": 1, "response_message": "Card not found", "token_type": "bearer"}'
    assert redact(text) == text


@given(st.text(min_size=3, max_size=40).filter(lambda s: s.strip() == s and len(s) >= 3),
       st.text(max_size=40), st.text(max_size=40))
def test_a_known_secret_never_survives(secret: str, before: str, after: str) -> None:
    assert secret not in redact(before + secret + after, [secret]) or secret in MASK


def profile(**kw: object) -> Profile:
    base = Profile(name="P", environment=Environment.UAT, base_url="https://x.example",
                   partner_id="P1", portal_partner="hrms")
    return base.with_changes(**kw)


def test_portal_links_per_environment_and_card_kind() -> None:
    assert portal_link(profile(), "tok") == (
        "https://invoice-uat.enkash.in/sso/tok/employee_rewards/hrms")
    prod = profile(environment=Environment.PRODUCTION)
    assert portal_link(prod, "tok", admin=True) == (
        "https://home.enkash.com/sso/tok/reward_account/hrms")
    assert portal_link(profile(portal_url="http://127.0.0.1:9/"), "a/b c") == (
        "http://127.0.0.1:9/sso/a%2Fb%20c/employee_rewards/hrms")
    assert portal_link(profile(portal_partner=""), "tok") == ""


def test_lockout_guard_needs_confirmation_before_the_third_attempt() -> None:
    counter = MemoryFailureCounter()
    login = LoginIdentity("auth.example", "user", "client", profile_name="P")

    def failed(count: int) -> int:
        return count + 1

    assert counter.update(login, failed) == 1
    check_attempt(counter.failures(login), confirmed=False)  # a second attempt is allowed
    assert counter.update(login, failed) == 2
    assert needs_confirmation(counter.failures(login))
    with pytest.raises(EnkashError) as info:
        check_attempt(counter.failures(login), confirmed=False)
    assert info.value.kind is ErrorKind.LOCKOUT_RISK
    check_attempt(counter.failures(login), confirmed=True)
    assert counter.update(login, lambda _count: 0) == 0
    assert counter.failures(LoginIdentity("auth.example", "other", "client")) == 0


CALL = PreparedCall(
    "POST", "https://x.example/api/v0/partner/enKashCard/sso-token",
    (("partnerId", "P1"), ("Content-Type", "application/json"),
     ("Authorization", "Bearer tok-123"), ("Cookie", "JSESSIONID=ABC; other=DEF")),
    b'{"cardAccountId": "C1", "companyId": "it\'s", "enkashCardId": "E1"}',
)


def test_curl_is_masked_by_default_and_exact_when_asked() -> None:
    masked = to_curl(CALL)
    assert "tok-123" not in masked and "ABC" not in masked and "DEF" not in masked
    assert f"Authorization: Bearer {MASK}" in masked
    assert f"JSESSIONID={MASK}; other={MASK}" in masked
    exact = to_curl(CALL, reveal_secrets=True)
    words = shlex.split(exact.replace("\\\n", " "))
    assert words[:5] == ["curl", "--location", "--request", "POST", CALL.url]
    assert "Authorization: Bearer tok-123" in words
    assert words[-1] == CALL.body.decode()
