"""Validation of every field: clear messages that name the field, trimmed values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enkash_desktop.core import Cardholder, EnkashError, ErrorKind, Profile
from enkash_desktop.core.validation import (
    cardholder_problems,
    check_header_value,
    check_id,
    check_url,
    id_warning,
    profile_problems,
    secret_problems,
    validate_cardholder,
    validate_profile,
)

GOOD = Profile(name="UAT", base_url="https://pay-uat.enkash.in", partner_id="CRMXWB3ZM")


def test_ids_are_trimmed_not_uppercased() -> None:
    c = validate_cardholder(Cardholder("  CAQL8YCV3 ", "\tCEK1PU9AOO", "ekcdm5avzy  "))
    assert c == Cardholder("CAQL8YCV3", "CEK1PU9AOO", "ekcdm5avzy")
    assert validate_cardholder(c) is c  # already valid: kept as it is


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "Card account id is required."),
        ("   ", "Card account id is required."),
        ("CA QL8", "must not contain spaces"),
        ("CAQL\n8", "control character"),
        ("CAQL\x008", "control character"),
        ("CAQL8YCV3;", "letters, digits"),
        ("CAQ/../L8", "letters, digits"),
        ("Ä" * 3, "letters, digits"),
        ("A" * 65, "too long"),
    ],
)
def test_bad_ids_name_the_field(value: str, words: str) -> None:
    with pytest.raises(EnkashError) as info:
        check_id("card_account_id", value)
    assert info.value.kind is ErrorKind.BAD_INPUT
    assert info.value.field == "card_account_id"
    assert words in info.value.message
    assert info.value.message.startswith("Card account id")


def test_id_warning_only_for_unusual_ids() -> None:
    assert id_warning("CAQL8YCV3") is None
    assert id_warning("CEK1PU9AOO") is None
    assert id_warning("caql8ycv3") is not None
    assert id_warning("X1") is not None


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://pay-uat.enkash.in", True),
        ("https://pay-uat.enkash.in/", True),
        ("  https://api.enkash.in:8443/base ", True),
        ("http://127.0.0.1:8080", True),
        ("http://localhost:1", True),
        ("http://[::1]:9", True),
        ("http://pay-uat.enkash.in", False),
        ("ftp://pay-uat.enkash.in", False),
        ("pay-uat.enkash.in", False),
        ("https://", False),
        ("https://host/x?y=1", False),
        ("https://user:pw@host", False),
        ("https://ho st", False),
        ("https://host:99999", False),
        ("https://host\r\nX: y", False),
    ],
)
def test_urls(url: str, ok: bool) -> None:
    if ok:
        assert not check_url("base_url", url).endswith("/")
    else:
        with pytest.raises(EnkashError) as info:
            check_url("base_url", url)
        assert info.value.field == "base_url"
        assert info.value.message.startswith("Base URL")


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\x7fb", "x\x00", "€"])
def test_header_values_refuse_line_breaks_and_controls(value: str) -> None:
    with pytest.raises(EnkashError) as info:
        check_header_value("cookie", value)
    assert info.value.message.startswith("Cookie")


def test_profile_needs_partner_and_base_url() -> None:
    assert validate_profile(GOOD.with_changes(partner_id=" CRMXWB3ZM ")).partner_id == "CRMXWB3ZM"
    problems = profile_problems(Profile(name="", base_url="http://x.example", partner_id=""))
    assert set(problems) == {"name", "base_url", "partner_id"}
    assert problems["partner_id"] == "Partner id is required."


def test_login_needs_user_and_client() -> None:
    with pytest.raises(EnkashError) as info:
        validate_profile(GOOD, for_login=True)
    assert info.value.field == "username"


def test_cardholder_and_secret_problems_list_every_field() -> None:
    assert set(cardholder_problems(Cardholder("", "A B", "ok"))) == {
        "card_account_id", "company_id"}
    assert cardholder_problems(Cardholder("CAQL8YCV3", "CEK1PU9AOO", "EKCDM5AVZY")) == {}
    assert set(secret_problems({"cookie": "a\nb", "authorization": "Bearer x"})) == {"cookie"}


@given(st.text(max_size=80))
def test_any_typed_id_is_accepted_clean_or_refused_with_a_message(value: str) -> None:
    try:
        cleaned = check_id("company_id", value)
    except EnkashError as exc:
        assert exc.kind is ErrorKind.BAD_INPUT and exc.message.startswith("Company id")
    else:
        assert cleaned == cleaned.strip() and cleaned
        assert all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in cleaned)


@given(st.text(max_size=60))
def test_any_typed_url_is_accepted_clean_or_refused_with_a_message(value: str) -> None:
    try:
        cleaned = check_url("base_url", value)
    except EnkashError as exc:
        assert exc.field == "base_url"
    else:
        assert cleaned.startswith(("https://", "http://"))
        assert not any(ch in cleaned for ch in "\r\n\t ")


# Hosts made of the characters that decide: letters, digits, dots, hyphens, an underscore,
# an IDNA prefix, a non-ASCII letter and a port.
_HOST_PARTS = st.lists(st.sampled_from(["a", "Z", "0", "9", "255", "256", ".", "-", "_",
                                        "xn--", "é", "..", ":443", ":0080"]), max_size=12)


@given(_HOST_PARTS)
def test_a_host_accepted_without_httpx_is_one_httpx_accepts(parts: list[str]) -> None:
    from urllib.parse import urlsplit

    from enkash_desktop.core.validation import _plainly_sendable, _sendable

    url = "https://" + "".join(parts)
    try:
        split = urlsplit(url)
        port = split.port
    except ValueError:
        return
    if split.hostname and _plainly_sendable(url, split, port):
        assert _sendable(url), url


@pytest.mark.parametrize("url", ["https://pay-uat.enkash.in", "http://127.0.0.1:8080",
                                 "https://API.EnKash.in:8443/base", "http://localhost:1"])
def test_usual_addresses_are_checked_without_httpx(url: str) -> None:
    from urllib.parse import urlsplit

    from enkash_desktop.core.validation import _plainly_sendable

    split = urlsplit(url)
    assert _plainly_sendable(url, split, split.port)


@pytest.mark.parametrize(("url", "ok"), [("https://999.1.1.1", False),
                                         ("https://xn--zz.example", False),
                                         ("https://a..b", False),
                                         ("https://-odd.example", True),
                                         ("https://a_b.example", True),
                                         ("https://xn--bcher-kva.example", True)])
def test_unusual_addresses_are_left_to_httpx(url: str, ok: bool) -> None:
    from urllib.parse import urlsplit

    from enkash_desktop.core.validation import _plainly_sendable

    split = urlsplit(url)
    assert not _plainly_sendable(url, split, split.port)
    if ok:
        assert check_url("base_url", url) == url
    else:
        with pytest.raises(EnkashError, match="its host name cannot be used"):
            check_url("base_url", url)


def test_a_spreadsheet_row_of_ids_splits_and_anything_else_does_not() -> None:
    from enkash_desktop.core.validation import split_id_row

    ids = {"card_account_id": "CAQL8YCV3", "company_id": "CEK1PU9AOO",
           "enkash_card_id": "EKCDM5AVZY"}
    for sep in ("\t", ";", ",", " ;  "):
        assert split_id_row(sep.join(ids.values()) + "\r\n") == ids
    for text in ("CAQL8YCV3", "a\tb", "a\tb\tc\td", "CAQL8YCV3\tCEK1PU9AOO\t",
                 "curl -d '{\"a\":1,\"b\":2,\"c\":3}' https://x", "x\ty\tz\nu\tv\tw", "",
                 "CA QL\tCE\tEK", "\ud800\t\ud800\t\ud800"):
        assert split_id_row(text) is None, text


@given(st.text(max_size=300))
def test_splitting_a_row_never_raises_and_gives_sendable_ids(text: str) -> None:
    from enkash_desktop.core.models import Cardholder
    from enkash_desktop.core.validation import split_id_row, validate_cardholder

    ids = split_id_row(text)
    if ids is not None:
        holder = Cardholder.from_ids(ids)
        assert validate_cardholder(holder) == holder
