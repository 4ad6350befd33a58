"""Paste a curl command: the docs' sample, Copy as cURL (round trip), browsers' flavours."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enkash_desktop.core import (
    Cardholder,
    EnkashClient,
    EnkashError,
    ErrorKind,
    PayloadEncryption,
    Profile,
    Secrets,
    to_curl,
)
from enkash_desktop.core.crypto import derive_key
from enkash_desktop.core.curl_import import parse_curl, split_words

SAMPLE = (Path(__file__).parents[1] / "data" / "docs_sso_curl_sample.txt").read_text()
SSO = "/api/v0/partner/enKashCard/sso-token"
BODY = '{"cardAccountId": "A1", "companyId": "C1", "enkashCardId": "E1"}'


def test_the_docs_own_sample() -> None:
    got = parse_curl(SAMPLE)
    assert got.base_url == "https://test.your-api-server.com"
    assert got.partner_id == "CRMXWB3ZM"
    assert got.cardholder == Cardholder("CAQL8YCV3", "CEK1PU9AOO", "EKCDM5AVZY")
    assert got.cookie == "JSESSIONID=BC1A71C9BC65576B3AB0E78896971B9E"
    assert got.authorization == ""  # masked in the docs
    assert any("Authorization" in w and "masked" in w for w in got.warnings)
    assert got.unknown_flags == () and not got.encrypted


def test_repr_shows_no_secret() -> None:
    got = parse_curl(SAMPLE)
    assert "BC1A71C9" not in repr(got)


# ------------------------------------------------------------------ round trip

ids = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
tokens = st.from_regex(r"[A-Za-z0-9._~+/=-]{8,80}", fullmatch=True).map(lambda t: f"tok.{t}")
hosts = st.sampled_from(["https://pay-uat.enkash.in", "https://api.example.com:8443",
                         "http://127.0.0.1:41234", "https://gw.example.in/rewards/v2",
                         "http://localhost"])


def _client(base_url: str, partner_id: str, **changes: object) -> EnkashClient:
    profile = Profile(name="p", base_url=base_url, partner_id=partner_id).with_changes(**changes)
    return EnkashClient(profile, Secrets(client_secret="7c4a8d09ca3762af61e59520943dc264"))


@settings(max_examples=150, deadline=None)
@given(hosts, ids, ids, ids, ids, tokens, st.from_regex(r"[0-9A-F]{32}", fullmatch=True),
       st.booleans())
def test_copy_as_curl_pastes_back(base_url: str, partner: str, account: str, company: str,
                                  card: str, token: str, session: str, encrypted: bool) -> None:
    rule = PayloadEncryption.SECRET_FIRST_16 if encrypted else PayloadEncryption.OFF
    client = _client(base_url, partner, encryption=rule)
    holder = Cardholder(account, company, card)
    call = client.prepare_sso(holder, f"Bearer {token}", f"JSESSIONID={session}")
    key = derive_key(client.secrets.client_secret, rule) if encrypted else None

    got = parse_curl(to_curl(call, reveal_secrets=True), decrypt_key=key)
    assert (got.base_url, got.partner_id, got.cardholder) == (base_url, partner, holder)
    assert (got.authorization, got.cookie) == (f"Bearer {token}", f"JSESSIONID={session}")
    assert got.encrypted is encrypted
    assert got.unknown_flags == () and got.warnings == ()

    masked = parse_curl(to_curl(call), decrypt_key=key)
    assert (masked.authorization, masked.cookie) == ("", "")
    assert (masked.base_url, masked.partner_id, masked.cardholder) == (base_url, partner, holder)
    assert sum("masked" in w for w in masked.warnings) == 2
    assert token not in repr(masked) and session not in str(masked.warnings)


def test_an_encrypted_body_needs_the_key() -> None:
    client = _client("https://h.example", "P1", encryption=PayloadEncryption.SECRET_FIRST_16)
    text = to_curl(client.prepare_sso(Cardholder("A", "B", "C"), "Bearer t", ""))
    with pytest.raises(EnkashError, match="encrypted"):
        parse_curl(text)
    with pytest.raises(EnkashError, match="could not be decrypted"):
        parse_curl(text, decrypt_key=b"0" * 16)


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                blacklist_characters="\x00"), max_size=20),
                max_size=6))
def test_words_split_like_the_shell(words: list[str]) -> None:
    assert split_words(shlex.join(words)) == words


# ------------------------------------------------------------------ other flavours


def test_browser_bash_flavour_with_ansi_c_quotes() -> None:
    text = (
        f"curl 'https://h.example{SSO}' \\\n"
        "  -H 'accept: application/json' \\\n"
        "  -H 'partnerid: P1' \\\n"
        "  -H 'origin: https://portal.example' \\\n"
        "  -b 'JSESSIONID=ABC' \\\n"
        "  --data-raw $'{\"cardAccountId\":\"A\\x31\",\"companyId\":\"C1\",\\n"
        "\"enKashCardId\":\"E1\"}' \\\n"
        "  --compressed"
    )
    got = parse_curl(text)
    assert got.partner_id == "P1" and got.cookie == "JSESSIONID=ABC"
    assert got.cardholder == Cardholder("A1", "C1", "E1")  # enKashCardId spelling accepted
    assert any("origin" in w for w in got.warnings)
    assert got.unknown_flags == ()


def test_windows_cmd_flavour() -> None:
    text = (
        f'curl ^"https://h.example{SSO}^" ^\r\n'
        '  -H ^"partnerId: P1^" ^\r\n'
        '  -H ^"Authorization: Bearer tok^" ^\r\n'
        '  --data-raw ^"^{^\\^"cardAccountId^\\^":^\\^"A1^\\^",^\\^"companyId^\\^":^\\^"C1^\\^",'
        '^\\^"enkashCardId^\\^":^\\^"E1^\\^"^}^"'
    )
    got = parse_curl(text)
    assert got.cardholder == Cardholder("A1", "C1", "E1")
    assert got.authorization == "Bearer tok"


def test_powershell_backticks_and_short_forms() -> None:
    text = (f"curl.exe -sSL -XPOST `\n https://h.example{SSO} `\n -H'partnerId: P1' `\n"
            f" -d '{BODY}'")
    got = parse_curl(text)
    assert got.partner_id == "P1" and got.cardholder == Cardholder("A1", "C1", "E1")


@pytest.mark.parametrize("flag", ["--data", "-d", "--data-binary", "--data-raw", "--json"])
def test_every_data_flag(flag: str) -> None:
    got = parse_curl(f"curl --request=POST --url https://h.example{SSO} "
                     f"--header 'partnerId: P' {flag} '{BODY}'")
    assert got.cardholder == Cardholder("A1", "C1", "E1")


def test_unknown_flags_are_listed_never_dropped() -> None:
    got = parse_curl(f"curl -k --user-agent x --frobnicate 7 -X POST https://h.example{SSO} "
                     f"-H 'partnerId: P' -d '{BODY}' --retry 3")
    assert got.unknown_flags == ("-k", "--user-agent", "--frobnicate", "--retry")
    assert any("--insecure" in w for w in got.warnings)


def test_missing_parts_become_warnings_not_guesses() -> None:
    got = parse_curl(f"curl -X POST h.example{SSO}?x=1 -d '{{\"cardAccountId\": \"A1\", "
                     '"extra": 1}\'')
    assert got.base_url == "https://h.example" and got.partner_id == ""
    assert got.cardholder == Cardholder("A1", "", "")
    text = " ".join(got.warnings)
    for words in ("https:// was assumed", "query string", "partnerId", "companyId",
                  "enkashCardId", "extra"):
        assert words in text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "not a curl command"),
        ("wget https://h.example", "not a curl command"),
        ('Invoke-WebRequest -Uri "x"', "not a curl command"),
        ("curl -X POST https://h.example/oauth/token -d 'a=b'", "/oauth/token, not the EnKash"),
        (f"curl https://h.example{SSO}", "GET request"),
        (f"curl -X PUT https://h.example{SSO} -d '{BODY}'", "PUT request"),
        (f"curl -I https://h.example{SSO}", "HEAD request"),
        ("curl -X POST -d '{}'", "no web address"),
        (f"curl -X POST https://h.example{SSO} https://other{SSO}", "more than one"),
        (f"curl -X POST https://h.example{SSO} -d 'a=b'", "not JSON"),
        (f"curl -X POST https://h.example{SSO} -d '[1]'", "not a JSON object"),
        (f"curl -X POST https://h.example{SSO} -d @body.json", "from the file"),
        (f"curl -X POST 'https://h.example{SSO} -d '{{}}'", "never closed"),
        (f"curl -X POST https://h.example{SSO} -H", "has no value"),
    ],
)
def test_not_this_apis_call_is_one_clear_sentence(text: str, words: str) -> None:
    with pytest.raises(EnkashError) as info:
        parse_curl(text)
    assert info.value.kind is ErrorKind.BAD_INPUT
    assert words in info.value.message
    assert info.value.message[0].isupper() and info.value.message.endswith(".")


def test_documentation_placeholders_are_known() -> None:
    from enkash_desktop.core.curl_import import is_placeholder_host

    for url in ("https://test.your-api-server.com", "https://api.example.com/x",
                "http://example.org", "https://your-host.enkash.in", "https://EXAMPLE.NET."):
        assert is_placeholder_host(url), url
    for url in ("https://pay-uat.enkash.in", "http://127.0.0.1:8080", "https://notexample.com",
                "", "http://[::1", "not a url"):
        assert not is_placeholder_host(url), url
