"""Hostile input gets a sentence, never a traceback (property tests, with the crashing
examples found by earlier probes pinned).

- A base URL validation accepts can be sent: httpx parses it, IDNA and the socket layer
  accept its host.
- A reply, whatever its bytes or the strings in its JSON (lone surrogates included), is a
  token or an error of the taxonomy; a token found can be printed and put in a link.
- The cURL import answers every text with an import or a sentence.
"""

from __future__ import annotations

import ipaddress
import json

import httpx
import idna
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from enkash_desktop.core import EnkashError, Environment, Profile
from enkash_desktop.core.curl_import import parse_curl
from enkash_desktop.core.models import SSO_PATH
from enkash_desktop.core.portal import portal_link
from enkash_desktop.core.replies import parse_sso_reply, parse_token_reply
from enkash_desktop.core.validation import check_url

PINNED_URLS = ["https://xn--a.com", "https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54",
               "https://a..b", "https://xn--.com", "https://[::1]x", "https://" + "a" * 64 + ".com"]
_LABEL = st.text(alphabet=st.sampled_from(list("abcxn-0.\u00e9\uff41\u2100_")), max_size=12)
_HOSTS = st.one_of(_LABEL, st.builds(lambda a, b: f"xn--{a}.{b}", _LABEL, _LABEL),
                   st.text(max_size=20))
_URLS = st.builds(lambda scheme, host, port: f"{scheme}://{host}{port}",
                  st.sampled_from(["https", "http", "HTTPS", "ftp"]), _HOSTS,
                  st.sampled_from(["", ":443", ":0", ":99999", ":8080", ":x"]))


def _sendable(url: str) -> None:
    """What sending needs of a URL: httpx parses it, the host passes IDNA and the socket."""
    host = httpx.URL(url + SSO_PATH).raw_host.decode("ascii")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        host.encode("idna")  # what socket.getaddrinfo does
    else:
        return
    for name in host.split("."):
        if name[:4].lower() == "xn--":
            idna.decode(name)


@pytest.mark.parametrize("url", PINNED_URLS)
def test_pinned_urls_are_refused_with_a_sentence(url: str) -> None:
    with pytest.raises(EnkashError) as info:
        check_url("base_url", url)
    assert info.value.message.startswith("Base URL ") and info.value.message.endswith(".")


@settings(max_examples=400, deadline=None)
@given(st.one_of(_URLS, st.text(max_size=60)))
@example("https://xn--a.com")
@example("https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54")
def test_a_url_validation_accepts_can_be_sent(url: str) -> None:
    try:
        cleaned = check_url("base_url", url)
    except EnkashError as exc:
        assert exc.message.endswith(".")
        return
    _sendable(cleaned)


_JSON_TEXT = st.one_of(st.text(max_size=20), st.sampled_from(["\ud800", "\udfff", "a\ud800b",
                                                               "\ufffd", "\x00", "\u2028"]))


def _reply(token: str, message: str, key: str) -> bytes:
    return json.dumps({"response_code": 0, "response_message": message,
                       "payload": {key: token}}).encode()


PROFILE = Profile(name="P", environment=Environment.UAT, base_url="https://pay.example.com",
                  portal_partner="hrms")


def _check_sso(status: int, body: bytes) -> None:
    reply = parse_sso_reply(status, body)
    texts = [reply.envelope.message, reply.token or ""]
    if reply.error is not None:
        texts.append(reply.error.message)
    for text in texts:
        text.encode("utf-8")  # printable, storable
    if reply.token:
        portal_link(PROFILE, reply.token).encode("ascii")


@settings(max_examples=300, deadline=None)
@given(_JSON_TEXT, _JSON_TEXT, st.sampled_from(["ssoToken", "token", "sso_token"]),
       st.sampled_from([200, 201, 400, 500]))
@example("\ud800", "", "ssoToken", 200)
def test_any_sso_reply_is_a_token_or_an_error(token: str, message: str, key: str,
                                              status: int) -> None:
    _check_sso(status, _reply(token, message, key))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([200, 401, 502]))
@example(b'{"payload":{"ssoToken":"\\ud800"}}', 200)
def test_any_bytes_as_an_sso_reply(body: bytes, status: int) -> None:
    _check_sso(status, body)


@settings(max_examples=300, deadline=None)
@given(_JSON_TEXT, st.sampled_from(["access_token", "accessToken", "token"]))
@example("\ud800", "access_token")
@example("t\u00f6ken", "access_token")
def test_any_token_reply_is_a_bearer_token_or_an_error(token: str, key: str) -> None:
    body = json.dumps({key: token, "token_type": "bearer", "expires_in": 300}).encode()
    try:
        bearer = parse_token_reply(200, body)
    except EnkashError as exc:
        exc.message.encode("utf-8")
        return
    bearer.value.encode("ascii")  # it goes into a header, and `token` prints it
    bearer.header.encode("latin-1")


_CURL_PARTS = st.sampled_from([
    "curl", "-X", "POST", "-H", "'partnerId: X'", "-d", "--data-raw", "$'\\UFFFFFFFF'",
    "$'\\ud800'", "$'\\x41'", "$'\\777'", "'{\"cardAccountId\":\"A\"}'", "https://[::1",
    "https://[zz]" + SSO_PATH, "https://h\u2100" + SSO_PATH, "https://x" + SSO_PATH,
    "http://a:99999999" + SSO_PATH, "-b", "'JSESSIONID=1'", "@file", "\\\n", "'", '"', "$'",
    "\\", "--url", "\ud800", "\x00", "'[]'", "'1e999'", "--data-urlencode", "'x=\ud800'",
])
_COMMANDS = st.one_of(
    st.lists(_CURL_PARTS, max_size=12).map(lambda ws: "curl " + " ".join(ws)),
    st.text(max_size=80).map(lambda t: "curl " + t),
    st.text(max_size=80),
)


@settings(max_examples=1000, deadline=None)
@given(_COMMANDS)
@example("curl -d $'\\UFFFFFFFF' https://x" + SSO_PATH)
@example("curl -X POST 'https://[::1" + SSO_PATH + "' -d '{}'")
@example("curl -X POST https://h\u2100" + SSO_PATH + " -d '{}'")
@example("curl -X POST https://x" + SSO_PATH + " -d $'\\ud800'")
def test_the_curl_import_answers_every_text(command: str) -> None:
    try:
        parse_curl(command)
    except EnkashError as exc:
        assert exc.message.endswith(".") and exc.message[0].isupper()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), _URLS, st.sampled_from(["none", "NONE", " ", "ftp://x",
                                                               "http://[::1", "http://p:0"])))
def test_a_proxy_setting_is_clean_or_refused_with_a_sentence(value: str) -> None:
    from enkash_desktop.core.validation import check_proxy_setting

    try:
        cleaned = check_proxy_setting(value)
    except EnkashError as exc:
        assert exc.message.endswith(".") and exc.field == "proxy"
        return
    if cleaned not in ("", "none"):
        httpx.Proxy(cleaned)  # what the client builds from it


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=20), st.text(max_size=20))
@example("https://[::1", "\ud800", "x")
def test_a_login_identity_is_made_from_anything(url: str, user: str, client: str) -> None:
    from enkash_desktop.core.lockout import LoginIdentity

    profile = Profile(name="P", auth_base_url=url, username=user, oauth_client_id=client)
    identity = LoginIdentity.of(profile)
    assert identity.key == LoginIdentity.of(profile.with_changes(name="P (copy)")).key


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.lists(st.text(min_size=3, max_size=12).filter(
    lambda s: "\u2022" not in s), max_size=3))  # the mask is made of bullets
@example("x=%F0%9F%98%80 \ud800", ["\ud800ab", "Pa55+w/rd=X"])
def test_masking_never_fails_and_leaves_no_secret(text: str, secrets: list[str]) -> None:
    from enkash_desktop.core.redaction import mask_secrets

    masked = mask_secrets(text + " " + " ".join(secrets), secrets)
    for secret in secrets:
        assert secret not in masked
