"""Reading the card search reply (ENKASH_API.md §7): the shapes EnKash may use, hostile input,
and the card token that is never taken."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enkash_desktop.core.cards import (
    CardRecord,
    CardSearch,
    card_from,
    parse_card_reply,
    parse_cards,
    validate_search,
)
from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.core.validation import check_id

DOCS_CARD = {"enKashCardId": "EKCE54IDPE", "userId": "EKHCPB7W", "cardAccountId": "CAVBMRFE8",
             "token": "1cfc6f4d558064eb6a20", "maskedNumber": "XXXX XXXX XXXX 2209"}
EXPECTED = CardRecord("EKCE54IDPE", user_id="EKHCPB7W", card_account_id="CAVBMRFE8",
                      masked_number="XXXX XXXX XXXX 2209")


def body(obj: Any) -> bytes:
    return json.dumps(obj).encode()


@pytest.mark.parametrize("reply", [
    {"response_code": 0, "response_message": "Success", "payload": DOCS_CARD},
    {"response_code": 0, "response_message": "Success", "payload": [DOCS_CARD]},
    {"code": 0, "message": "Success", "payload": DOCS_CARD},
    {"code": 0, "message": "Success", "data": [DOCS_CARD]},
    {"response_code": "0", "payload": {"cards": [DOCS_CARD]}},
    [DOCS_CARD],
    DOCS_CARD,
    {"response_code": 0, "payload": [{**DOCS_CARD, "enKashCardId": None,
                                      "enkashCardId": "EKCE54IDPE"}]},
    {"response_code": 0, "payload": [{k if k != "enKashCardId" else "enkash_card_id": v
                                      for k, v in DOCS_CARD.items()}]},
])
def test_the_docs_card_in_every_shape(reply: Any) -> None:
    got = parse_card_reply(200, body(reply))
    assert got.error is None
    assert got.cards == (EXPECTED,)


def test_optional_fields_when_present() -> None:
    card = card_from({"enkashCardId": "EK1", "firstName": "Asha", "lastName": "Verma",
                      "mobileNumber": 9000000101, "emailId": "a@b.example",
                      "cardStatus": "ACTIVE", "cardType": "HR_ADMIN",
                      "cardNumber": "4111 1111 1111 2209"})
    assert card is not None
    assert (card.name, card.mobile, card.email, card.status, card.role) == (
        "Asha Verma", "9000000101", "a@b.example", "ACTIVE", "HR_ADMIN")
    assert card.masked_number == "XXXX XXXX XXXX 2209"  # a full number is never shown
    assert card.admin
    unmasked = card_from({"enkashCardId": "EK1", "maskedNumber": "4111111111112209"})
    assert unmasked is not None and unmasked.masked_number == "XXXX XXXX XXXX 2209"


@pytest.mark.parametrize(("role", "admin"), [
    ("HR_ADMIN", True), ("COMPANY_ADMIN", True), ("admin", True), ("HR", True),
    ("EMPLOYEE", False), ("", False), ("CHRONIC", False), ("THREE", False),
])
def test_admin_only_when_the_reply_says_so(role: str, admin: bool) -> None:
    assert CardRecord("EK1", role=role).admin is admin


def test_records_without_a_card_id_are_skipped_and_repeats_kept_once() -> None:
    cards = parse_cards({"payload": [{"name": "no id"}, {"enKashCardId": "bad id!"},
                                     DOCS_CARD, DOCS_CARD, "text", 5, None]})
    assert cards == (EXPECTED,)


@pytest.mark.parametrize(("status", "reply", "kind"), [
    (200, {"response_code": 1, "response_message": "Card account not found"},
     ErrorKind.REJECTED),
    (200, {"response_message": "FAILURE", "errorResponse": {"errorMessage": "No access"}},
     ErrorKind.REJECTED),
    (401, {"error": "invalid_token"}, ErrorKind.TOKEN_EXPIRED),
    (422, {"response_code": 1, "response_message": "Invalid encrypted request"},
     ErrorKind.REJECTED),
    (500, {"response_code": 1}, ErrorKind.SERVER),
])
def test_failures_use_the_taxonomy(status: int, reply: Any, kind: ErrorKind) -> None:
    got = parse_card_reply(status, body(reply))
    assert got.error is not None and got.error.kind is kind and got.cards == ()


def test_a_gateway_page_and_a_non_json_reply() -> None:
    page = b"<!DOCTYPE html><html><head><title>Cloudflare</title></head></html>"
    got = parse_card_reply(503, page)
    assert got.error is not None
    assert got.error.message.startswith("EnKash's gateway refused or blocked the call")
    got = parse_card_reply(200, b"<<not json>>")
    assert got.error is not None and got.error.kind is ErrorKind.UNREADABLE
    assert parse_card_reply(200, b"").error is not None


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                      st.text(max_size=40))
json_any = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=5)
                        | st.dictionaries(st.text(max_size=15), inner, max_size=6),
                        max_leaves=25)
CARD_KEYS = ["enKashCardId", "enkashCardId", "userId", "cardAccountId", "maskedNumber", "name",
             "mobile", "email", "status", "role", "token", "cardNumber", "firstName"]


@settings(max_examples=300)
@given(st.integers(min_value=100, max_value=599), st.binary(max_size=400))
def test_garbage_bytes_never_raise(status: int, raw: bytes) -> None:
    got = parse_card_reply(status, raw)
    assert got.error is None or isinstance(got.error, EnkashError)


@settings(max_examples=300)
@given(json_any, st.dictionaries(st.sampled_from(CARD_KEYS), json_any, max_size=10))
def test_any_json_gives_clean_sendable_records(extra: Any, card: dict[str, Any]) -> None:
    token = "TKN-card-token-0123456789"
    card["token"] = token
    for reply in ({"payload": [card, extra]}, {"data": card}, [extra, card]):
        got = parse_card_reply(200, body(reply))
        assert got.error is None or isinstance(got.error, EnkashError)
        for record in got.cards:
            assert check_id("enkash_card_id", record.enkash_card_id) == record.enkash_card_id
            for value in record.__dict__.values():
                assert isinstance(value, str) and "\n" not in value and len(value) <= 200
                value.encode("utf-8")  # no lone surrogate survives
                assert token not in value  # the card token is never a field


@given(st.text(max_size=80), st.text(max_size=80), st.text(max_size=80))
def test_validate_search_accepts_only_sendable_ids(account: str, company: str,
                                                   card: str) -> None:
    try:
        search = validate_search(CardSearch(account, company, card))
    except EnkashError as exc:
        assert exc.kind is ErrorKind.BAD_INPUT and exc.field and exc.message.endswith(".")
    else:
        json.dumps(search.body()).encode("ascii")  # sendable as is
        assert search.card_account_id == account.strip()
