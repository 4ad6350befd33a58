"""What the sandbox answers with, and the fault switches that change the answer.

Replies are built whole (status, headers, body) so the handler writes each in one piece;
faults are plain strings (see :class:`Fault`) kept as small rules with a use count.
"""

from __future__ import annotations

import html
import json
import secrets
from typing import Any, NamedTuple

MAX_BODY_BYTES = 1_000_000
UNAUTHORIZED_MESSAGE = "Unauthorized: the access token is missing, invalid or expired."
INSUFFICIENT_BALANCE = "Insufficient balance in card account"
OVERSIZED_BYTES = 5 * 1024 * 1024


class Fault:
    """The fault kinds :meth:`Sandbox.set_fault` accepts (plain strings)."""

    DELAY = "delay"  # sleep delay_s, then answer normally
    HANG = "hang"  # never answer (until the faults are cleared or the server stops)
    DROP = "drop"  # send part of the headers, then reset the connection
    HTTP_401 = "http_401"
    HTTP_422 = "http_422"
    HTTP_500 = "http_500"
    HTTP_502_HTML = "http_502_html"  # a gateway's HTML error page
    CODE_1 = "code_1"  # HTTP 200 with response_code 1 (the docs' failure example)
    NOT_JSON = "not_json"  # HTTP 200, text/plain garbage
    OVERSIZED = "oversized"  # HTTP 200, about 5 MB of JSON
    TOKEN_FIELD = "token_field"  # SSO success with the token elsewhere (see value)
    TOKEN_STYLE = "token_style"  # /oauth/token reply style: oauth, camel, pg, no_expiry
    HTTP_STATUS = "http_status"  # the envelope with value "STATUS message", e.g. "412 Invalid…"
    # Cloudflare's HTML page in front of the API; value "403", "503" or "429[:RETRY_AFTER_S]"
    GATEWAY_HTML = "gateway_html"
    # Spring Security OAuth2's JSON error; value invalid_grant, invalid_client or invalid_token
    OAUTH_ERROR = "oauth_error"

    ALL = frozenset({
        DELAY, HANG, DROP, HTTP_401, HTTP_422, HTTP_500, HTTP_502_HTML, CODE_1, NOT_JSON,
        OVERSIZED, TOKEN_FIELD, TOKEN_STYLE, HTTP_STATUS, GATEWAY_HTML, OAUTH_ERROR,
    })
    # Kinds that replace the normal answer; the others only shape or postpone it.
    TERMINAL = frozenset({
        HANG, DROP, HTTP_401, HTTP_422, HTTP_500, HTTP_502_HTML, CODE_1, NOT_JSON, OVERSIZED,
        HTTP_STATUS, GATEWAY_HTML, OAUTH_ERROR,
    })


class RecordedCall(NamedTuple):
    """One request as the sandbox received it, so tests can compare what clients sent."""

    method: str
    path: str  # the request target as sent, query string included
    headers: dict[str, str]  # names in their original case
    body: bytes
    time: float  # epoch seconds


class _FaultRule:
    """One fault switch (see :meth:`Sandbox.set_fault`); ``times`` counts its uses down."""

    __slots__ = ("delay_s", "endpoint", "kind", "times", "value")

    def __init__(self, kind: str, endpoint: str, times: int | None, delay_s: float,
                 value: str | None) -> None:
        self.kind = kind
        self.endpoint = endpoint
        self.times = times
        self.delay_s = delay_s
        self.value = value


class _Reply:
    """One answer of the sandbox, written in one piece by ``_Handler._send``."""

    __slots__ = ("body", "content_type", "headers", "status")

    def __init__(self, status: int, body: bytes, content_type: str = "application/json",
                 headers: list[tuple[str, str]] | None = None) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers if headers is not None else []


def _json_reply(status: int, data: Any, headers: list[tuple[str, str]] | None = None) -> _Reply:
    body = json.dumps(data, separators=(",", ":")).encode()
    return _Reply(status, body, "application/json", headers or [])


def _envelope(status: int, code: int, message: str, payload: Any = None) -> _Reply:
    return _json_reply(
        status, {"response_code": code, "response_message": message, "payload": payload}
    )


def _html_reply(status: int, title: str, text: str) -> _Reply:
    page = (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title></head>\n"
        f"<body><h1>{html.escape(title)}</h1>\n<p>{html.escape(text)}</p></body></html>\n"
    )
    return _Reply(status, page.encode(), "text/html; charset=utf-8")


_NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


# Spring Security OAuth2's errors: (HTTP status, error_description) per error code.
OAUTH_ERRORS = {
    "invalid_grant": (400, "Bad credentials"),
    "invalid_client": (401, "Bad client credentials"),
    "invalid_token": (401, "Access token expired"),
}


def _check_fault_value(kind: str, value: str | None) -> None:
    text = value or ""
    if kind == Fault.OAUTH_ERROR and text not in OAUTH_ERRORS:
        raise ValueError(f"The oauth_error fault needs one of {sorted(OAUTH_ERRORS)}.")
    if kind == Fault.GATEWAY_HTML:
        status, _, retry = text.partition(":")
        if status not in ("403", "429", "503") or (retry and not retry.isdigit()):
            raise ValueError("The gateway_html fault needs 403, 503 or 429[:SECONDS].")
    if kind == Fault.HTTP_STATUS:
        status, _, message = text.partition(" ")
        if not (status.isdigit() and 100 <= int(status) <= 599 and message):
            raise ValueError("The http_status fault needs 'STATUS message'.")


def _cloudflare_page(status: int, retry_after: str) -> _Reply:
    """An HTML page as Cloudflare serves it in front of an origin (block, rate limit, down)."""
    titles = {403: "Attention Required! | Cloudflare",
              429: "Access denied | Error 1015 | Cloudflare",
              503: "Service temporarily unavailable | Cloudflare"}
    ray = secrets.token_hex(8)
    page = (
        "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>"
        f"{titles[status]}</title></head><body><div id=\"cf-wrapper\">"
        f"<h1>Error {status}</h1><p>Sorry, you have been blocked or rate limited.</p>"
        f"<span>Cloudflare Ray ID: <strong>{ray}</strong></span></div></body></html>\n"
    )
    headers = [("Server", "cloudflare"), ("CF-RAY", f"{ray}-BOM")]
    if status == 429 and retry_after:
        headers.append(("Retry-After", retry_after))
    return _Reply(status, page.encode(), "text/html; charset=UTF-8", headers)


def _fault_reply(rule: _FaultRule) -> _Reply:
    """The canned answer of a terminal fault (other than hang and drop)."""
    kind = rule.kind
    if kind == Fault.HTTP_STATUS:
        status, _, message = (rule.value or "").partition(" ")
        return _envelope(int(status), 1, message, message)
    if kind == Fault.GATEWAY_HTML:
        status, _, retry = (rule.value or "").partition(":")
        return _cloudflare_page(int(status), retry or ("1" if status == "429" else ""))
    if kind == Fault.OAUTH_ERROR:
        code = rule.value or "invalid_grant"
        status_code, description = OAUTH_ERRORS[code]
        return _json_reply(status_code, {"error": code, "error_description": description})
    if kind == Fault.HTTP_401:
        return _envelope(401, 1, rule.value or UNAUTHORIZED_MESSAGE)
    if kind == Fault.HTTP_422:
        return _envelope(422, 1, rule.value or "Unprocessable entity: validation failed.")
    if kind == Fault.HTTP_500:
        return _envelope(500, 1, rule.value or "Internal server error.")
    if kind == Fault.HTTP_502_HTML:
        return _Reply(502, _NGINX_502, "text/html")
    if kind == Fault.CODE_1:
        message = rule.value or INSUFFICIENT_BALANCE
        return _envelope(200, 1, message, message)
    if kind == Fault.NOT_JSON:
        return _Reply(200, b"<<sandbox>> this reply is not JSON \x00\xff garbage", "text/plain")
    # OVERSIZED: valid JSON, far bigger than any real reply.
    filler = "x" * OVERSIZED_BYTES
    return _json_reply(200, {"response_code": 0, "response_message": "Success",
                             "payload": {"filler": filler}})
