"""The update feed IT hosts: a small JSON file saying which version is current.

``{"version": "1.4.0", "url": "https://it.example.com/enkash", "notes": "...",
"sha256": "<64 hex digits>"}``. The program only reads it with one GET and tells the user
that a newer version exists; it never downloads or installs anything. Anything unexpected
(HTML, a huge reply, a version that is not dotted numbers, a link that is not http or https)
is a :class:`FeedError` with a sentence, never a traceback and never a notice.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import ssl

MAX_FEED_BYTES = 64 * 1024
FEED_TIMEOUT_S = 10.0  # connect and each read
FEED_DEADLINE_S = 20.0  # the whole GET
MAX_NOTES = 500

_VERSION = re.compile(r"^\d{1,6}(?:\.\d{1,6}){0,3}$")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


class FeedError(ValueError):
    """The feed could not be read or understood; ``str()`` is a sentence for the log."""


@dataclass(frozen=True)
class UpdateInfo:
    """What the feed announces."""

    version: str
    url: str
    notes: str = ""
    sha256: str = ""


def version_key(text: str) -> tuple[int, ...]:
    """``"1.10.2"`` as ``(1, 10, 2, 0)``, for comparing; raises FeedError otherwise."""
    if not isinstance(text, str) or not _VERSION.match(text.strip()):
        raise FeedError("The update feed's version is not a version number such as 1.4.0.")
    parts = [int(p) for p in text.strip().split(".")]
    return tuple(parts + [0] * (4 - len(parts)))


def is_newer(candidate: str, current: str) -> bool:
    """True when ``candidate`` is a later version than ``current``; False if unreadable."""
    try:
        return version_key(candidate) > version_key(current)
    except FeedError:
        return False


def parse_feed(data: bytes) -> UpdateInfo:
    """The announcement in ``data``; raises FeedError with a sentence when it is not one."""
    if len(data) > MAX_FEED_BYTES:
        raise FeedError("The update feed is larger than an update feed can be.")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FeedError("The update feed is not a JSON file.") from exc
    if not isinstance(document, dict):
        raise FeedError("The update feed is not a JSON object.")
    version = document.get("version")
    url = document.get("url")
    notes = document.get("notes", "")
    sha256 = document.get("sha256", "")
    version_key(version if isinstance(version, str) else "")
    if not isinstance(url, str) or not _is_web_link(url):
        raise FeedError("The update feed's link is not an http or https address.")
    if not isinstance(notes, str):
        notes = ""
    if not isinstance(sha256, str) or (sha256 and not _SHA256.match(sha256)):
        raise FeedError("The update feed's sha256 is not 64 hexadecimal digits.")
    notes = "".join(ch for ch in notes if ch.isprintable() or ch == "\n")
    notes = notes.encode("utf-8", "replace").decode("utf-8")
    return UpdateInfo(version=str(version).strip(), url=url.strip(),
                      notes=notes[:MAX_NOTES], sha256=sha256.lower())


def _is_web_link(url: str) -> bool:
    text = url.strip()
    if len(text) > 2000 or not text.isascii() or any(ch.isspace() or not ch.isprintable()
                                                     for ch in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def fetch_feed(url: str, *, timeout_s: float = FEED_TIMEOUT_S,
               deadline_s: float = FEED_DEADLINE_S) -> UpdateInfo:
    """GET ``url`` (nothing else is sent: no cookie, no body, no identifier beyond the
    program's name and version) and parse it. Raises FeedError with a sentence."""
    import httpx

    from enkash_desktop import __version__

    if not _is_web_link(url):
        raise FeedError("The update feed address is not an http or https address.")
    deadline = time.monotonic() + deadline_s
    timeout = httpx.Timeout(timeout_s, pool=timeout_s)
    headers = {"User-Agent": f"EnkashDesktop/{__version__}", "Accept": "application/json"}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=3,
                          trust_env=True, verify=_ssl_context(url)) as client, \
                client.stream("GET", url.strip(), headers=headers) as reply:
            if reply.status_code != 200:
                raise FeedError(f"The update feed answered HTTP {reply.status_code}.")
            chunks: list[bytes] = []
            size = 0
            for chunk in reply.iter_bytes():
                size += len(chunk)
                if size > MAX_FEED_BYTES:
                    raise FeedError("The update feed is larger than an update feed can be.")
                if time.monotonic() > deadline:
                    raise FeedError("The update feed took too long to answer.")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise FeedError(f"The update feed could not be reached ({type(exc).__name__}).") \
            from exc
    except OSError as exc:
        raise FeedError(f"The update feed could not be reached ({exc.strerror or exc}).") \
            from exc
    return parse_feed(b"".join(chunks))


def _ssl_context(url: str) -> ssl.SSLContext | bool:
    """The OS trust store for an https feed (corporate CAs work); plain True otherwise."""
    if not url.lower().startswith("https:"):
        return True
    import ssl

    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
