"""Gateway pages, Retry-After and OAuth error codes: known cases and hostile input."""

from __future__ import annotations

import email.utils

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.core.gateway import (
    MAX_RETRY_AFTER_S,
    gateway_error,
    looks_like_html,
    oauth_error_code,
    parse_retry_after,
    wait_sentence,
    with_retry_after,
)
from enkash_desktop.core.replies import parse_sso_reply, parse_token_reply

CLOUDFLARE = (b'<!DOCTYPE html>\n<html lang="en-US"><head><title>Attention Required! | '
              b"Cloudflare</title></head><body>blocked</body></html>")


@pytest.mark.parametrize(("value", "expected"), [
    ("7", 7.0), (" 120 ", 120.0), ("0", 0.0), ("99999999", MAX_RETRY_AFTER_S),
    ("", None), (None, None), ("soon", None), ("-5", None), ("1.5", None),
])
def test_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_as_an_http_date() -> None:
    now = 1_800_000_000.0
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(header, now=now) == 30.0
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0


@given(st.text(max_size=200))
def test_retry_after_never_raises(value: str) -> None:
    got = parse_retry_after(value)
    assert got is None or 0.0 <= got <= MAX_RETRY_AFTER_S


@given(st.one_of(st.none(), st.floats(min_value=0, max_value=MAX_RETRY_AFTER_S)))
def test_wait_sentence_is_a_sentence(seconds: float | None) -> None:
    text = wait_sentence(seconds)
    assert text.startswith("Please") and text.endswith(".")


@pytest.mark.parametrize("status", [403, 429, 503])
def test_gateway_pages_get_their_own_sentence(status: int) -> None:
    reply = parse_sso_reply(status, CLOUDFLARE)
    assert reply.error is not None
    assert reply.error.message == f"EnKash's gateway refused or blocked the call (HTTP {status})."
    assert reply.error.kind is (ErrorKind.SERVER if status >= 500 else ErrorKind.REJECTED)
    with pytest.raises(EnkashError) as info:
        parse_token_reply(status, CLOUDFLARE)
    assert info.value.message.startswith("EnKash's gateway") and not info.value.reached_server


def test_json_refusals_and_other_html_are_not_gateway_pages() -> None:
    assert gateway_error(403, b'{"response_code": 1, "response_message": "APIs not enabled"}') \
        is None
    assert gateway_error(502, b"<html><body>502 Bad Gateway nginx</body></html>") is None
    assert gateway_error(502, b"<html><body>cloudflare</body></html>") is not None
    assert gateway_error(200, CLOUDFLARE) is None


@given(st.integers(min_value=100, max_value=599), st.binary(max_size=600))
def test_gateway_checks_never_raise(status: int, body: bytes) -> None:
    looks_like_html(body)
    error = gateway_error(status, body)
    assert error is None or error.message.endswith(").")


def test_a_429_gets_its_wait() -> None:
    error = EnkashError(ErrorKind.REJECTED, "EnKash rejected the request (HTTP 429).",
                        http_status=429)
    with_retry_after(error, "3")
    assert error.retry_after_s == 3.0 and error.message.endswith("Please try again in 3 seconds.")
    other = EnkashError(ErrorKind.REJECTED, "x.", http_status=400)
    assert with_retry_after(other, "3").retry_after_s is None


@pytest.mark.parametrize(("data", "code"), [
    ({"error": "invalid_client"}, "invalid_client"), ({"error": " Invalid_Grant "},
                                                      "invalid_grant"),
    ({"error": 5}, ""), ([], ""), (None, ""), ("invalid_token", ""),
])
def test_oauth_error_code(data: object, code: str) -> None:
    assert oauth_error_code(data) == code


def test_invalid_token_with_any_status_is_an_expired_token() -> None:
    body = b'{"error":"invalid_token","error_description":"Access token expired"}'
    for status in (400, 401):
        reply = parse_sso_reply(status, body)
        assert reply.error is not None and reply.error.kind is ErrorKind.TOKEN_EXPIRED


def test_invalid_client_on_the_token_call() -> None:
    body = b'{"error":"invalid_client","error_description":"Bad client credentials"}'
    with pytest.raises(EnkashError) as info:
        parse_token_reply(401, body)
    assert info.value.kind is ErrorKind.LOGIN_FAILED
    assert "OAuth client id or the client secret" in info.value.message
    assert "Bad client credentials" in info.value.message
