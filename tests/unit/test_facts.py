"""Start-up facts: the proxy is described by scheme and host only, whatever its text holds."""

from __future__ import annotations

import json

from hypothesis import assume, given
from hypothesis import strategies as st

from enkash_desktop.store.facts import all_facts, basic_facts, describe_proxies

HOST = st.from_regex(r"[a-z][a-z0-9.-]{0,20}(:[0-9]{1,5})?", fullmatch=True)


def test_proxies_without_credentials() -> None:
    assert describe_proxies({}) == "none"
    assert describe_proxies({"https": "http://u:p%40ss@proxy.corp:3128/x?token=1",
                             "no": "localhost,127.0.0.1"}) == (
        "https=http://***@proxy.corp:3128, no=localhost,127.0.0.1")
    assert describe_proxies({"http": "proxy.corp:8080"}) == "http=proxy.corp:8080"


@given(user=st.text(max_size=30), password=st.text(min_size=6, max_size=40), host=HOST,
       scheme=st.sampled_from(["http", "https", "socks5", ""]), tail=st.text(max_size=30))
def test_no_user_or_password_ever_shows(user: str, password: str, host: str, scheme: str,
                                        tail: str) -> None:
    assume(password not in f"{scheme}://***@{host}")
    url = f"{scheme + '://' if scheme else ''}{user}:{password}@{host}/{tail}"
    text = describe_proxies({"https": url})
    assert password not in text
    if "@" not in tail:  # with an "@" in its path the host is not told apart: safe, not shown
        assert host in text
    text.encode("utf-8")  # it can be written to the UTF-8 log as it is
    assert "\n" not in text


@given(st.dictionaries(st.text(max_size=20), st.text(max_size=200), max_size=5))
def test_any_mapping_gives_one_printable_line(proxies: dict[str, str]) -> None:
    text = describe_proxies(proxies)
    text.encode("utf-8")
    assert text.isprintable()


def test_facts_name_versions_platform_and_proxy() -> None:
    facts = all_facts()
    for key in ("app_version", "python", "platform", "proxy", "httpx", "keyring",
                "pyside6-essentials"):
        assert facts[key] and facts[key] != "unknown", key
    assert set(basic_facts()) <= set(facts)
    json.dumps(facts)
