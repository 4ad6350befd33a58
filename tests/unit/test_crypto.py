"""Payload encryption (ENKASH_API.md §5): key rules, known answers, wrapping, clear errors."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enkash_desktop.core import crypto
from enkash_desktop.core.crypto import (
    decrypt_bytes,
    decrypt_reply,
    derive_key,
    encrypt_bytes,
    encrypt_payload,
)
from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.core.models import ENCRYPTION_HELP
from enkash_desktop.core.models import PayloadEncryption as Rule

DOCS_LIKE_SECRET = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"  # 40 hex digits, as in the docs


def test_each_rule_derives_its_key() -> None:
    assert derive_key("0123456789abcdef", Rule.SECRET_EXACT_16) == b"0123456789abcdef"
    assert derive_key(DOCS_LIKE_SECRET, Rule.SECRET_FIRST_16) == DOCS_LIKE_SECRET[:16].encode()
    assert derive_key("000102030405060708090a0b0c0d0e0f", Rule.SECRET_HEX) == bytes(range(16))
    assert derive_key("  0123456789abcdef\n", Rule.SECRET_EXACT_16) == b"0123456789abcdef"


@pytest.mark.parametrize(
    ("secret", "rule", "words"),
    [
        ("", Rule.SECRET_FIRST_16, "required"),
        ("short", Rule.SECRET_FIRST_16, "at least 16"),
        (DOCS_LIKE_SECRET, Rule.SECRET_EXACT_16, "exactly 16"),
        ("0123456789abcde", Rule.SECRET_EXACT_16, "exactly 16"),
        (DOCS_LIKE_SECRET, Rule.SECRET_HEX, "exactly 32"),  # 20 bytes: never truncated
        ("not hex at all, not even close!!", Rule.SECRET_HEX, "not hexadecimal"),
    ],
)
def test_a_secret_that_does_not_fit_the_rule_is_a_clear_error(secret: str, rule: Rule,
                                                               words: str) -> None:
    with pytest.raises(EnkashError) as info:
        derive_key(secret, rule)
    error = info.value
    assert error.kind is ErrorKind.BAD_INPUT and error.field == "client_secret"
    assert words in error.message and error.message.endswith(".")
    assert secret.strip() == "" or secret not in error.message  # never echo the secret


def test_off_has_no_key() -> None:
    with pytest.raises(ValueError, match="off"):
        derive_key("0123456789abcdef", Rule.OFF)


def test_aes_128_ecb_known_answer_fips_197() -> None:
    key = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
    plain = bytes.fromhex("00112233445566778899aabbccddeeff")
    out = encrypt_bytes(plain, key)
    assert out[:16].hex() == "69c4e0d86a7b0430d8cdb78070b4c55a"
    assert len(out) == 32  # a whole block of PKCS#7 padding follows a full block
    assert decrypt_bytes(out, key) == plain


def test_wrapped_payload_matches_openssl() -> None:
    # printf '<body>' | openssl enc -aes-128-ecb -K <hex of key> -nosalt | base64
    body = (b'{"cardAccountId": "CAQL8YCV3", "companyId": "CEK1PU9AOO", '
            b'"enkashCardId": "EKCDM5AVZY"}')
    expected = ("NC38KFPLk31/Y0hI0x7iKLr9F1mVVWnWrpIQAFVreyLfARz9Tpi8s9CpAy+jpjyNLQ4PDjiNcug1Hk"
                "jQFfrYX1PyVwt6YCfMnDvwvCccfbbf6TXkvxssu58pD6reJg6+")
    wrapped = encrypt_payload(body, b"7c4a8d09ca3762af")
    assert json.loads(wrapped) == {"request": expected}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=12), json_values, max_size=6),
       st.binary(min_size=16, max_size=16))
def test_encrypt_then_decrypt_gives_the_object_back(obj: dict[str, object],
                                                    key: bytes) -> None:
    wrapped = encrypt_payload(obj, key)
    assert set(json.loads(wrapped)) == {"request"}
    assert json.loads(decrypt_reply(wrapped, key)) == obj


@pytest.mark.parametrize(
    "body",
    [
        b'{"response_code": 0, "response_message": "Success", "payload": {"token": "x"}}',
        b"<html><body>502 Bad Gateway</body></html>",
        b"",
        b'{"request": "abc", "other": 1}',  # not the wrapper: two keys
        b'{"request": 5}',
    ],
)
def test_a_reply_that_is_not_wrapped_passes_through(body: bytes) -> None:
    assert decrypt_reply(body, b"0123456789abcdef") == body


@pytest.mark.parametrize(
    "wrapped",
    [
        encrypt_payload({"response_code": 0}, b"0123456789abcdef"),  # another key
        b'{"request": "not base64 !!!"}',
        b'{"request": "' + base64.b64encode(b"short") + b'"}',
        b'{"request": "' + base64.b64encode(bytes(16)) + b'"}',  # bad padding
    ],
)
def test_a_reply_that_does_not_decrypt_says_to_check_the_key_rule(wrapped: bytes) -> None:
    with pytest.raises(EnkashError) as info:
        decrypt_reply(wrapped, b"fedcba9876543210")
    assert info.value.kind is ErrorKind.UNREADABLE
    assert "could not be decrypted" in info.value.message
    assert "key rule" in info.value.message


def test_the_help_text_says_ecb_is_weak_and_why_it_exists() -> None:
    for text in (ENCRYPTION_HELP, crypto.__doc__ or ""):
        assert "ECB" in text and "weak" in text and "demand" in text
    assert ENCRYPTION_HELP.endswith(".")


# -- EnKash's documented key rule (ENKASH_API.md §5) ------------------------------------------

DOCS_BODY_CIPHER = (
    "t/VotQa50qKghIsScVlSjIQmsaL3ccaNrHe4e82Fwnei+v8Qop"
    "kBGwah9OzJPeDS215XqOrr0pPM4LlESBhbMJXz66uA8uAOFgamd9NXtmhV8pX/Wm4OfoBvwz8MQxcx"
)


def test_sha256_rule_published_known_answer() -> None:
    key = derive_key("abcde", Rule.SECRET_SHA256)
    assert key.hex() == "36bbe50ed96841d10443bcb670d6554f"
    cipher = base64.b64encode(encrypt_bytes(b"flag{flagflag}", key)).decode()
    assert cipher == "0KSF5koIceXxszsgzpl4uA=="
    assert decrypt_bytes(base64.b64decode(cipher), key) == b"flag{flagflag}"


def test_sha256_rule_docs_body_known_answer() -> None:
    key = derive_key("enkash-secret", Rule.SECRET_SHA256)
    assert key.hex() == "919b44b45a71733be41872829ce38868"
    body = {"cardAccountId": "CAQL8YCV3", "companyId": "CEK1PU9AOO",
            "enkashCardId": "EKCDM5AVZY"}
    assert crypto.compact_json(body) == (
        b'{"cardAccountId":"CAQL8YCV3","companyId":"CEK1PU9AOO","enkashCardId":"EKCDM5AVZY"}')
    assert json.loads(encrypt_payload(body, key)) == {"request": DOCS_BODY_CIPHER}


def test_sha256_is_the_rule_chosen_when_encryption_is_turned_on() -> None:
    from enkash_desktop.core.choices import DEFAULT_KEY_RULE, RULE_LABELS

    assert DEFAULT_KEY_RULE is Rule.SECRET_SHA256
    assert list(RULE_LABELS)[:2] == [Rule.OFF, Rule.SECRET_SHA256]  # first after Off
    assert RULE_LABELS[Rule.SECRET_SHA256] == "SHA-256 of the client secret (EnKash's guide)"
    # The other rules stay as explicit alternatives.
    assert {Rule.SECRET_EXACT_16, Rule.SECRET_FIRST_16, Rule.SECRET_HEX} <= set(RULE_LABELS)


@given(st.text(min_size=1, max_size=200))
def test_sha256_rule_takes_any_secret_and_never_raises_a_stranger(secret: str) -> None:
    try:
        key = derive_key(secret, Rule.SECRET_SHA256)
    except EnkashError as exc:  # blank, or a lone surrogate that UTF-8 cannot hold
        assert exc.kind is ErrorKind.BAD_INPUT and exc.message.endswith(".")
        assert secret.strip() == "" or secret not in exc.message
    else:
        assert len(key) == 16
        assert key == __import__("hashlib").sha256(secret.strip().encode()).digest()[:16]


def test_a_saved_profile_keeps_its_rule() -> None:
    from enkash_desktop.core.models import Profile

    for rule in Rule:
        saved = Profile(name="p", encryption=rule).to_dict()
        assert Profile.from_dict(saved).encryption is rule
    assert Profile.from_dict({"name": "p", "encryption": "secret_first_16"}).encryption is (
        Rule.SECRET_FIRST_16)


@pytest.mark.parametrize(
    ("status", "message", "rule", "words"),
    [
        (422, "Invalid encrypted request", Rule.SECRET_SHA256, "SHA-256 of the client secret"),
        (422, "Invalid encrypted request", Rule.SECRET_HEX, "read as hexadecimal"),
        (403, "Encryption failed for response", Rule.SECRET_FIRST_16, "first 16 characters"),
        (412, "Invalid checksum in the request", Rule.SECRET_SHA256, "key rule"),
        (422, "Invalid encrypted request", Rule.OFF, "turn on payload encryption"),
    ],
)
def test_encryption_replies_get_a_hint_naming_the_rule_and_the_secret(
        status: int, message: str, rule: Rule, words: str) -> None:
    advice = crypto.encryption_advice(status, f"EnKash said: {message}", rule)
    assert words in advice and "client secret" in advice and advice.endswith(".")


@pytest.mark.parametrize(("status", "message"), [
    (422, "Invalid Client ID"), (403, "APIs not enabled"), (400, "Invalid encrypted request"),
    (None, "Invalid encrypted request"),
])
def test_other_replies_get_no_encryption_hint(status: int | None, message: str) -> None:
    assert crypto.encryption_advice(status, message, Rule.SECRET_SHA256) == ""
