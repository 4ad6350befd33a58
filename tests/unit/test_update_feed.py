"""The update feed: parsing hostile feeds, comparing versions, once a day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enkash_desktop.core.update_feed import (
    MAX_FEED_BYTES,
    FeedError,
    UpdateInfo,
    fetch_feed,
    is_newer,
    parse_feed,
    version_key,
)
from enkash_desktop.store.update_schedule import CHECK_INTERVAL_S, UpdateSchedule
from tests.feed_server import feed_server

GOOD = {"version": "1.4.0", "url": "https://it.example.com/enkash",
        "notes": "Fixes.", "sha256": "a" * 64}


def test_a_good_feed() -> None:
    info = parse_feed(json.dumps(GOOD).encode())
    assert info == UpdateInfo("1.4.0", "https://it.example.com/enkash", "Fixes.", "a" * 64)


@pytest.mark.parametrize("feed", [
    b"<html><body>Login</body></html>",
    b"[]",
    json.dumps({**GOOD, "version": "1.4.0-beta"}).encode(),
    json.dumps({**GOOD, "version": 2}).encode(),
    json.dumps({**GOOD, "url": "javascript:alert(1)"}).encode(),
    json.dumps({**GOOD, "url": "file:///etc/passwd"}).encode(),
    json.dumps({**GOOD, "sha256": "xyz"}).encode(),
    b"{" * 100_000,
    b"\xff\xfe",
    b" " * (MAX_FEED_BYTES + 1),
])
def test_hostile_feeds_are_refused_with_a_sentence(feed: bytes) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(feed)
    assert str(caught.value).endswith(".")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: t.encode("utf-8",
                                                                                 "surrogatepass")))
def test_garbage_feeds_raise_only_feed_error(data: bytes) -> None:
    try:
        info = parse_feed(data)
    except FeedError:
        return
    assert info.url.startswith(("http://", "https://"))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["version", "url", "notes", "sha256", "x"]),
                       st.none() | st.booleans() | st.integers() | st.text(max_size=80),
                       max_size=5))
def test_garbage_fields_raise_only_feed_error(document: dict[str, object]) -> None:
    try:
        info = parse_feed(json.dumps(document).encode())
    except FeedError:
        return
    version_key(info.version)
    info.notes.encode("utf-8")  # no lone surrogate reaches the screen


def test_version_comparison() -> None:
    assert is_newer("0.2.0", "0.1.0") and is_newer("0.1.10", "0.1.9")
    assert is_newer("1", "0.9.9")
    assert not is_newer("0.1.0", "0.1.0") and not is_newer("0.1", "0.1.0")
    assert not is_newer("0.0.9", "0.1.0")
    assert not is_newer("banana", "0.1.0") and not is_newer("9" * 50, "0.1.0")


@given(st.lists(st.integers(0, 999_999), min_size=1, max_size=4),
       st.lists(st.integers(0, 999_999), min_size=1, max_size=4))
def test_is_newer_matches_numeric_order(a: list[int], b: list[int]) -> None:
    pad = lambda v: v + [0] * (4 - len(v))  # noqa: E731
    left, right = ".".join(map(str, a)), ".".join(map(str, b))
    assert is_newer(left, right) == (pad(a) > pad(b))
    assert not (is_newer(left, right) and is_newer(right, left))


def test_once_a_day(tmp_path: Path) -> None:
    schedule = UpdateSchedule(tmp_path / "cache" / "update_check.json")
    assert schedule.due(1_000_000.0)
    schedule.mark(1_000_000.0)
    assert not schedule.due(1_000_000.0 + CHECK_INTERVAL_S - 1)
    assert schedule.due(1_000_000.0 + CHECK_INTERVAL_S)
    assert schedule.due(1_000_000.0 - 10)  # the clock went back: ask again
    schedule.path.write_text("garbage")
    assert schedule.due(1_000_000.0)


def test_fetch_sends_one_plain_get_and_reads_the_feed() -> None:
    with feed_server() as server:
        server.body = json.dumps({**GOOD, "version": "9.0"}).encode()
        info = fetch_feed(server.url)
        assert info.version == "9.0"
        assert len(server.requests) == 1
        method, path, headers, body = server.requests[0]
        assert (method, path, body) == ("GET", "/enkash/feed.json", b"")
        assert "cookie" not in {k.lower() for k in headers}
        assert "authorization" not in {k.lower() for k in headers}


@pytest.mark.parametrize("status, body", [
    (200, b"<!doctype html><title>Sign in</title>"),
    (200, b"{" + b" " * (MAX_FEED_BYTES + 10) + b"}"),
    (404, b"not here"),
    (200, json.dumps({**GOOD, "version": "latest"}).encode()),
])
def test_fetch_of_a_hostile_feed_is_a_feed_error(status: int, body: bytes) -> None:
    with feed_server() as server:
        server.status, server.body = status, body
        with pytest.raises(FeedError):
            fetch_feed(server.url)


def test_fetch_of_a_closed_port_is_a_feed_error() -> None:
    with feed_server() as server:
        url = server.url
    with pytest.raises(FeedError, match="could not be reached"):
        fetch_feed(url, timeout_s=2)
