"""Reply parsing (ENKASH_API.md §1, §2, §4): every shape the docs show, and anything else."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from enkash_desktop.core import EnkashError, ErrorKind
from enkash_desktop.core.models import DEFAULT_TOKEN_LIFETIME_S
from enkash_desktop.core.replies import find_sso_token, parse_sso_reply, parse_token_reply

NOW = 1_790_000_000.0


def body(obj: object) -> bytes:
    return json.dumps(obj).encode()


@pytest.mark.parametrize(
    "reply",
    [
        {"response_code": 0, "response_message": "Success", "payload": {"token": "T0K"}},
        {"code": 0, "message": "Success", "payload": {"ssoToken": "T0K"}},
        {"response_code": "0", "payload": {"access_token": "T0K"}},
        {"payload": {"SSO-Token": "T0K"}},
        {"accessToken": "T0K"},
        {"sso_token": "T0K"},
        {"data": {"token": "T0K"}},
        {"response_code": 0, "payload": "T0K"},
        {"resultCode": "SUCCESS", "token": "T0K"},
    ],
)
def test_token_found_in_every_documented_shape(reply: dict[str, object]) -> None:
    parsed = parse_sso_reply(200, body(reply))
    assert parsed.error is None
    assert parsed.token == "T0K"


def test_a_reply_may_start_with_a_utf8_byte_order_mark() -> None:
    reply = {"response_code": 0, "payload": {"token": "T0K"}}
    assert parse_sso_reply(200, b"\xef\xbb\xbf" + body(reply)).token == "T0K"
    assert parse_sso_reply(200, json.dumps(reply).encode("utf-16")).token is None


@given(st.text(max_size=40) | st.text(st.characters(max_codepoint=0x30), max_size=8))
def test_a_token_is_used_only_without_whitespace_or_control_characters(text: str) -> None:
    inner = text.strip()
    usable = bool(inner) and not any(ch.isspace() or ord(ch) < 0x20 for ch in inner)
    assert find_sso_token({"token": text}) == (inner if usable else None)


def test_explicit_token_path_wins_and_is_strict() -> None:
    reply = {"response_code": 0, "payload": {"result": {"link": "XYZ"}, "token": "other"}}
    assert parse_sso_reply(200, body(reply), "payload.result.link").token == "XYZ"
    missing = parse_sso_reply(200, body(reply), "payload.nope")
    assert missing.error is not None and missing.error.kind is ErrorKind.NO_TOKEN
    assert "payload.nope" in missing.error.message
    assert find_sso_token({"a": [{"b": "Q"}]}, "a.0.b") == "Q"


def test_http_200_with_nonzero_code_is_a_failure_with_the_servers_words() -> None:
    doc = {"response_code": 1, "response_message": "Insufficient balance in card account",
           "payload": "Insufficient balance in card account"}
    parsed = parse_sso_reply(200, body(doc))
    assert parsed.error is not None and parsed.error.kind is ErrorKind.REJECTED
    assert "Insufficient balance in card account" in parsed.error.message
    assert parsed.token is None  # a sentence in payload is not a token


@pytest.mark.parametrize(
    "reply",
    [
        {"code": 1, "message": "Card not found"},
        {"response_code": 422, "response_message": "Bad ids"},
        {"response_message": "FAILURE", "errorResponse": {"errorMessage": "Card blocked"}},
        {"resultCode": "FAILED", "resultMessage": "nope", "token": "T"},
    ],
)
def test_other_failure_envelopes(reply: dict[str, object]) -> None:
    parsed = parse_sso_reply(200, body(reply))
    assert parsed.error is not None and parsed.error.kind is ErrorKind.REJECTED


@pytest.mark.parametrize(
    ("status", "payload", "kind"),
    [
        (401, body({"response_code": 1, "response_message": "No"}), ErrorKind.TOKEN_EXPIRED),
        (401, b"", ErrorKind.TOKEN_EXPIRED),
        (400, body({"response_code": 1, "response_message": "Missing"}), ErrorKind.REJECTED),
        (422, body({"response_message": "Bad"}), ErrorKind.REJECTED),
        (500, body({"response_message": "Oops"}), ErrorKind.SERVER),
        (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", ErrorKind.SERVER),
        (200, b"<html>hello</html>", ErrorKind.UNREADABLE),
        (200, b"", ErrorKind.UNREADABLE),
        (200, b"[1, 2]", ErrorKind.NO_TOKEN),
        (200, body({"response_code": 0, "payload": {}}), ErrorKind.NO_TOKEN),
        (302, b"", ErrorKind.UNREADABLE),
        (200, b"{" * 2_000_000, ErrorKind.UNREADABLE),
    ],
)
def test_statuses_map_to_the_taxonomy(status: int, payload: bytes, kind: ErrorKind) -> None:
    parsed = parse_sso_reply(status, payload)
    assert parsed.error is not None
    assert parsed.error.kind is kind
    assert parsed.error.hint


def test_server_message_is_kept_for_http_errors() -> None:
    parsed = parse_sso_reply(422, body({"response_message": "companyId is invalid"}))
    assert parsed.error is not None and "companyId is invalid" in parsed.error.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["token", "payload", "data", "code", "response_code", "message",
                         "response_message", "errorResponse", "accessToken", "x"]) | st.text(),
        children, max_size=5),
    max_leaves=20,
)


@given(st.integers(100, 599), json_values, st.sampled_from(["", "payload.token", "a.0"]))
@example(200, {"code": "²"}, "")
@example(200, {"a": ["x"]}, "a.²")
def test_any_json_reply_gives_a_token_or_a_taxonomy_error(
        status: int, data: object, path: str) -> None:
    parsed = parse_sso_reply(status, json.dumps(data).encode(), path)
    assert (parsed.token is None) != (parsed.error is None)
    if parsed.token is not None:
        assert 200 <= status < 300
        assert parsed.token.strip() == parsed.token and parsed.token


@given(st.integers(100, 599), st.binary(max_size=300))
def test_any_bytes_reply_gives_a_token_or_a_taxonomy_error(status: int, raw: bytes) -> None:
    parsed = parse_sso_reply(status, raw)
    assert (parsed.token is None) != (parsed.error is None)


@given(st.integers(100, 599), json_values | st.binary(max_size=100))
@example(100, {"code": "²"})
@example(200, {"access_token": "abcd", "expires_in": "①"})
@example(200, {"access_token": "abcd", "expiry": "²"})
def test_any_token_reply_gives_a_token_or_a_taxonomy_error(status: int, data: object) -> None:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    try:
        token = parse_token_reply(status, raw, now=1000.0)
    except EnkashError as exc:
        assert exc.message and exc.hint
    else:
        assert 200 <= status < 300 and token.value and token.expires_at > 1000.0


@pytest.mark.parametrize(
    ("reply", "lifetime"),
    [
        ({"access_token": "A", "token_type": "bearer", "expires_in": 86399}, 86399),
        ({"accessToken": "A", "tokenType": "bearer", "expiresIn": "120"}, 120),
        ({"token": "A", "expiry": (NOW + 90) * 1000, "resultCode": "0"}, 90),
        ({"token": "A", "expiry": NOW + 60}, 60),  # epoch seconds, tolerated
        ({"access_token": "A"}, DEFAULT_TOKEN_LIFETIME_S),
        ({"access_token": "A", "expires_in": -5}, DEFAULT_TOKEN_LIFETIME_S),
        ({"token": "A", "expiry": 10}, DEFAULT_TOKEN_LIFETIME_S),  # in the past: ignored
    ],
)
def test_token_reply_shapes_and_expiry(reply: dict[str, object], lifetime: float) -> None:
    token = parse_token_reply(200, body(reply), cookie="JSESSIONID=X", now=NOW)
    assert token.value == "A"
    assert token.expires_at == pytest.approx(NOW + lifetime)
    assert token.cookie == "JSESSIONID=X"
    assert token.header == "Bearer A"


@pytest.mark.parametrize(
    ("status", "reply", "kind"),
    [
        (400, {"error": "invalid_grant", "error_description": "Bad credentials"},
         ErrorKind.LOGIN_FAILED),
        (401, {"error": "unauthorized"}, ErrorKind.LOGIN_FAILED),
        (423, {"error": "account_locked"}, ErrorKind.ACCOUNT_LOCKED),
        (400, {"error": "invalid_grant", "error_description": "User account is locked"},
         ErrorKind.ACCOUNT_LOCKED),
        (200, {"resultCode": 1, "resultMessage": "Invalid user"}, ErrorKind.LOGIN_FAILED),
        (500, {"message": "boom"}, ErrorKind.SERVER),
        (200, {"token_type": "bearer"}, ErrorKind.UNREADABLE),
    ],
)
def test_token_reply_errors(status: int, reply: dict[str, object], kind: ErrorKind) -> None:
    with pytest.raises(EnkashError) as info:
        parse_token_reply(status, body(reply))
    assert info.value.kind is kind
    if kind is ErrorKind.LOGIN_FAILED and "error_description" in reply:
        assert "Bad credentials" in info.value.message


def test_a_refusal_with_enkashs_reason_quotes_it_and_does_not_guess_at_ids() -> None:
    body = b'{"response_code": 1, "response_message": "Insufficient balance in card account"}'
    error = parse_sso_reply(200, body).error
    assert error is not None and error.kind is ErrorKind.REJECTED
    assert "Insufficient balance in card account" in error.message
    assert "ids" not in error.hint and "EnKash's own reason" in error.hint
    bare = parse_sso_reply(200, b'{"response_code": 7}').error
    assert bare is not None and "response code 7" in bare.message


def test_configuration_faults_send_the_clerk_to_the_administrator() -> None:
    for status, body in ((200, b"<html>login page</html>"), (200, b""), (302, b"")):
        error = parse_sso_reply(status, body).error
        assert error is not None and error.kind is ErrorKind.UNREADABLE
        assert "administrator" in error.hint
