"""Replies that come from in front of EnKash's API, and the OAuth errors of its token service.

EnKash sits behind Cloudflare (ENKASH_API.md §8): a block, a rate limit or an outage there
arrives as an HTML page with HTTP 403, 429 or 5xx, not as EnKash's JSON envelope. Such a page
gets its own sentence ("EnKash's gateway refused or blocked the call") instead of "the reply
could not be understood", and a 429 says when to try again (``Retry-After``).

The token service is Spring Security OAuth2: its errors are ``{"error", "error_description"}``
objects. ``invalid_grant`` ("Bad credentials") is a wrong login; ``invalid_client`` a wrong
OAuth client id or client secret; ``invalid_token`` on the SSO call an expired bearer token.
"""

from __future__ import annotations

import email.utils
import time

from .errors import EnkashError, ErrorKind

# Statuses whose HTML pages are the gateway's own, whatever the page says.
GATEWAY_STATUSES = frozenset({403, 429, 503})
# A Retry-After longer than this is reported but a batch never pauses longer at once.
MAX_RETRY_AFTER_S = 3600.0

GATEWAY_SENTENCE = "EnKash's gateway refused or blocked the call"
GATEWAY_HINT = (
    "The call was stopped in front of EnKash's API, so EnKash never saw it. Wait a few minutes "
    "and try again; if it keeps happening, ask EnKash whether this computer's network address "
    "is allowed, and check the base URL."
)
RATE_LIMIT_HINT = (
    "Too many calls were sent in a short time. Please wait as long as the message says, then "
    "send again; a batch waits by itself."
)
INVALID_CLIENT_MESSAGE = (
    "The token service refused the OAuth client id or the client secret."
)
INVALID_CLIENT_HINT = (
    "Check the OAuth client id and the client secret in the profile against what EnKash "
    "issued. This failure is counted towards the lockout of three failed logins, because "
    "EnKash does not say whether it counts it."
)


def looks_like_html(body: bytes) -> bool:
    """True when ``body`` starts as an HTML page does (after white space and a BOM)."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<title"))


def from_cloudflare(body: bytes) -> bool:
    text = body[:20_000].lower()
    return b"cloudflare" in text or b"cf-ray" in text or b"cf-wrapper" in text


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date); None if absent
    or unreadable. Never negative, never more than :data:`MAX_RETRY_AFTER_S`."""
    if not value:
        return None
    text = value.strip()[:100]
    seconds: float | None = None
    if text.isascii() and text.isdigit():
        seconds = float(int(text[:12]))
    else:
        try:
            stamp = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if stamp.tzinfo is None:
            return None
        now = time.time() if now is None else now
        seconds = stamp.timestamp() - now
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def wait_sentence(seconds: float | None) -> str:
    """When to try again, as a sentence."""
    if seconds is None:
        return "Please wait a minute before trying again."
    whole = max(1, round(seconds))
    if whole < 120:
        unit = "second" if whole == 1 else "seconds"
        return f"Please try again in {whole} {unit}."
    return f"Please try again in about {round(whole / 60)} minutes."


def gateway_error(status: int, body: bytes) -> EnkashError | None:
    """The error for a gateway's HTML page (403, 429, 503, or any Cloudflare page); or None."""
    if status < 400 or not looks_like_html(body):
        return None
    if status not in GATEWAY_STATUSES and not from_cloudflare(body):
        return None
    kind = ErrorKind.SERVER if status >= 500 else ErrorKind.REJECTED
    return EnkashError(kind, f"{GATEWAY_SENTENCE} (HTTP {status}).",
                       detail=f"HTTP {status}; gateway HTML page; {len(body)} bytes",
                       http_status=status, advice=GATEWAY_HINT, reached_server=False)


def with_retry_after(error: EnkashError, retry_after: str | None) -> EnkashError:
    """Add when to try again to a 429 error (message, hint and ``retry_after_s``)."""
    if error.http_status != 429:
        return error
    error.retry_after_s = parse_retry_after(retry_after)
    sentence = wait_sentence(error.retry_after_s)
    if sentence not in error.message:
        error.message = f"{error.message} {sentence}"
    error.advice = RATE_LIMIT_HINT
    return error


def oauth_error_code(data: object) -> str:
    """The Spring OAuth2 ``error`` code of a decoded reply, lower-case; ``""`` if none."""
    if isinstance(data, dict):
        code = data.get("error")
        if isinstance(code, str):
            return code.strip().lower()[:60]
    return ""
