"""Understanding EnKash's replies (ENKASH_API.md §1, §2, §4).

The parsers never raise anything but :class:`EnkashError`: whatever bytes arrive, the
caller gets either a value or an error of the taxonomy.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, NamedTuple

from .curl import SECRET_HEADERS
from .errors import EnkashError, ErrorKind
from .gateway import INVALID_CLIENT_HINT, INVALID_CLIENT_MESSAGE, gateway_error, oauth_error_code
from .models import DEFAULT_TOKEN_LIFETIME_S, BearerToken, PreparedCall
from .redaction import redact

MAX_REPLY_BYTES = 1_000_000

_TOKEN_NAMES = {"token", "accesstoken", "ssotoken"}
_CODE_KEYS = ("response_code", "code", "resultCode", "responseCode")
_MESSAGE_KEYS = ("response_message", "message", "resultMessage", "responseMessage")
_SUCCESS_WORDS = {"SUCCESS", "OK", "S"}
_BOM = b"\xef\xbb\xbf"
# What a token may not contain: whitespace (exactly str.isspace()) or a control character.
_NOT_IN_TOKEN = re.compile(r"[\s\x00-\x1f\ufffd\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(rb"\\[uU][dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class Envelope(NamedTuple):
    """The parts of an EnKash reply that matter, whatever keys it used."""

    data: Any  # the decoded JSON, or None when the body is not JSON
    code: int | str | None
    message: str
    failed: bool  # the envelope itself says failure (non-zero code, FAILURE, errorResponse)


def decode_json(body: bytes) -> Any:
    """Decode a reply body as JSON; None when it is not JSON (never raises)."""
    if not body or len(body) > MAX_REPLY_BYTES:
        return None
    try:
        data = json.loads(body.removeprefix(_BOM).decode("utf-8"))  # as "utf-8-sig" does
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if _ESCAPED_SURROGATE.search(body):
        # JSON may escape a lone surrogate ("\ud800"), which no file, terminal or database
        # can take: each becomes U+FFFD, so the reply's text can be shown and kept.
        data = _without_surrogates(data)
    return data


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _norm(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _digits(text: str) -> bool:
    """True for ASCII digits only: ``str.isdigit`` also takes "²" and "①", which int()
    and float() refuse."""
    return text.isascii() and text.isdigit()


def _code_value(raw: Any) -> int | str | None:
    if raw is None or isinstance(raw, bool):
        return None if raw is None else int(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = str(raw).strip()
    if _digits(text.lstrip("-")) and len(text) < 12:
        return int(text)
    return text[:100]


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.strip()[:500]
    if isinstance(raw, int | float | bool):
        return str(raw)
    return ""


def read_envelope(body: bytes) -> Envelope:
    """Read the envelope: `response_code`/`response_message`, `code`/`message`, or bare."""
    data = decode_json(body)
    if not isinstance(data, dict):
        return Envelope(data, None, "", False)
    code: int | str | None = None
    for key in _CODE_KEYS:
        if key in data:
            code = _code_value(data[key])
            break
    message = ""
    for key in _MESSAGE_KEYS:
        message = _text(data.get(key))
        if message:
            break
    failed = False
    error_response = data.get("errorResponse")
    if isinstance(error_response, dict) and error_response:
        failed = True
        message = message if message not in ("", "FAILURE") else (
            _text(error_response.get("errorMessage")) or _text(error_response.get("message"))
        )
    if not message and isinstance(data.get("payload"), str):
        message = _text(data["payload"])
    if (isinstance(code, int) and code != 0) or (
        isinstance(code, str) and code.upper() not in _SUCCESS_WORDS
    ):
        failed = True
    if message.upper() == "FAILURE":
        failed = True
    if not message:
        message = _text(data.get("error_description")) or _text(data.get("error"))
    return Envelope(data, code, message, failed)


def _find_by_names(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    for key, value in data.items():
        if isinstance(key, str) and _norm(key) in _TOKEN_NAMES and _usable_token(value):
            return str(value).strip()
    return None


def _usable_token(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 4096:
        return False
    text = value.strip()
    return bool(text) and _NOT_IN_TOKEN.search(text) is None


def find_sso_token(data: Any, token_path: str = "") -> str | None:
    """Find the SSO token: an explicit dotted path, or the usual names (ENKASH_API.md §1)."""
    if token_path:
        node = data
        for part in token_path.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and _digits(part) and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node.strip() if _usable_token(node) else None
    found = _find_by_names(data)
    if found:
        return found
    if isinstance(data, dict):
        for container in ("payload", "data"):
            inner = data.get(container)
            found = _find_by_names(inner)
            if found:
                return found
            if isinstance(inner, str) and _usable_token(inner):
                return inner.strip()
    return None


# A refusal that gives EnKash's own reason: quote it, and do not guess at the ids.
OWN_REASON_ADVICE = ("That is EnKash's own reason. If it is not clear what to change, "
                     "please ask EnKash support, quoting it.")


def error_for_status(status: int, message: str, detail: str) -> EnkashError | None:
    """The taxonomy's error for an HTTP status (None for 2xx)."""
    if 200 <= status < 300:
        return None
    server_says = f"EnKash said: {message}" if message else ""
    if status == 401:
        return EnkashError(ErrorKind.TOKEN_EXPIRED, detail=detail, http_status=status)
    if 400 <= status < 500:
        text = f"EnKash rejected the request (HTTP {status})."
        return EnkashError(ErrorKind.REJECTED, f"{text} {server_says}".strip(),
                           detail=detail, http_status=status)
    if status >= 500:
        text = f"The EnKash server had a problem (HTTP {status}) and could not answer."
        return EnkashError(ErrorKind.SERVER, f"{text} {server_says}".strip(),
                           detail=detail, http_status=status)
    return EnkashError(ErrorKind.UNREADABLE,
                       f"The server answered with an unexpected HTTP {status}.",
                       detail=detail, http_status=status)


class SsoReply(NamedTuple):
    """An SSO call's reply, understood: its envelope, and the token or the error."""

    envelope: Envelope
    token: str | None
    error: EnkashError | None


def parse_sso_reply(status: int, body: bytes, token_path: str = "") -> SsoReply:
    """Turn an SSO call's HTTP status and body into a token or an error of the taxonomy."""
    env = read_envelope(body)
    detail = f"HTTP {status}; {len(body)} bytes"
    if len(body) > MAX_REPLY_BYTES:
        err = EnkashError(ErrorKind.UNREADABLE,
                          "The server's reply was far larger than expected and was not read.",
                          detail=detail, http_status=status)
        return SsoReply(env, None, err)
    error = gateway_error(status, body) or error_for_status(status, env.message, detail)
    if 400 <= status < 500 and oauth_error_code(env.data) == "invalid_token":  # Spring OAuth2
        error = EnkashError(ErrorKind.TOKEN_EXPIRED, detail=detail, http_status=status)
    if error is not None:
        return SsoReply(env, None, error)
    if env.data is None:
        what = "empty" if not body.strip() else "not JSON"
        return SsoReply(env, None, EnkashError(
            ErrorKind.UNREADABLE, f"The server's reply was {what}, so it could not be read.",
            detail=detail, http_status=status))
    if env.failed:
        message = env.message or f"response code {env.code}"
        return SsoReply(env, None, EnkashError(
            ErrorKind.REJECTED, f"EnKash rejected the request: {message}",
            detail=f"{detail}; response_code {env.code}", http_status=status,
            advice=OWN_REASON_ADVICE if env.message else ""))
    token = find_sso_token(env.data, token_path)
    if token is None:
        where = f" at '{token_path}'" if token_path else ""
        return SsoReply(env, None, EnkashError(
            ErrorKind.NO_TOKEN,
            f"The call succeeded, but the reply holds no SSO token{where} that could be found.",
            detail=detail, http_status=status))
    return SsoReply(env, token, None)


def _expiry_from(data: dict[str, Any], now: float) -> float:
    for key in ("expires_in", "expiresIn"):
        value = data.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return now + float(value)
        if isinstance(value, str) and _digits(value.strip()):
            return now + float(value.strip())
    value = data.get("expiry")
    if isinstance(value, str) and _digits(value.strip()):
        value = int(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        # epoch milliseconds per the docs; tolerate epoch seconds
        stamp = value / 1000.0 if value > 1e11 else float(value)
        if stamp > now:
            return stamp
    return now + DEFAULT_TOKEN_LIFETIME_S


# EnKash's word for a locked login, in any case: "locked", "User account is locked",
# "account_locked"; not "blocked" (a gateway's or a card's) nor "unlocked".
_LOCKED = re.compile(r"(?<![a-z])locked(?![a-z])")


def parse_token_reply(status: int, body: bytes, cookie: str = "",
                      now: float | None = None) -> BearerToken:
    """Turn an /oauth/token reply into a :class:`BearerToken`, or raise the right error."""
    now = time.time() if now is None else now
    env = read_envelope(body)
    data = env.data if isinstance(env.data, dict) else {}
    error_text = " ".join(
        _text(data.get(k)) for k in ("error", "error_description", "message",
                                     "response_message", "resultMessage")
    ).lower()
    detail = f"HTTP {status}; {len(body)} bytes"
    gateway = gateway_error(status, body)
    if gateway is not None:
        raise gateway
    # The token service's own words, quoted after our sentence when it gave any.
    server = _text(data.get("error_description")) or env.message or _text(data.get("error"))
    said = f" EnKash said: {server}" if server else ""
    if status == 423 or _LOCKED.search(error_text):
        raise EnkashError(ErrorKind.ACCOUNT_LOCKED, f"EnKash has locked this login.{said}",
                          detail=detail, http_status=status)
    if status >= 500:
        raise error_for_status(status, env.message, detail) or AssertionError
    if status in (400, 401, 403) or data.get("error") or (env.failed and 200 <= status < 300):
        if oauth_error_code(data) == "invalid_client":
            message = f"{INVALID_CLIENT_MESSAGE} EnKash said: {server}"
            raise EnkashError(ErrorKind.LOGIN_FAILED, message, detail=detail,
                              http_status=status, advice=INVALID_CLIENT_HINT)
        raise EnkashError(ErrorKind.LOGIN_FAILED,
                          f"The token service refused the login details.{said}",
                          detail=detail, http_status=status)
    if not 200 <= status < 300:
        raise error_for_status(status, env.message, detail) or AssertionError
    token: str | None = None
    for key in ("access_token", "accessToken", "token"):
        # A bearer token goes into a header: visible ASCII only (RFC 6750).
        if _usable_token(data.get(key)) and str(data[key]).isascii():
            token = str(data[key]).strip()
            break
    if token is None:
        raise EnkashError(
            ErrorKind.UNREADABLE,
            "The token service answered, but its reply holds no access token.",
            detail=detail, http_status=status)
    token_type = _text(data.get("token_type") or data.get("tokenType")) or "bearer"
    return BearerToken(token, _expiry_from(data, now), token_type, cookie)


MAX_STORED_REPLY = 64_000  # characters of a reply kept for the screen and the history


def pretty_redacted(body: bytes, data: Any, secrets: list[str],
                     call: PreparedCall | None) -> str:
    """The reply for the screen and the history: pretty JSON when it is JSON, secrets masked.

    ``data`` is the reply already decoded by the parser (None when it is not JSON); the
    ``secrets`` and the Authorization and Cookie values ``call`` sent are masked.
    """
    if not body:
        return ""
    if call is not None:
        secrets = [*secrets, *(v for k, v in call.headers if k.lower() in SECRET_HEADERS)]
    if data is not None:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    else:
        text = body[:MAX_STORED_REPLY].decode("utf-8", errors="replace")
        if len(body) > MAX_STORED_REPLY:
            text += f"\n… ({len(body):,} bytes in all; the rest is not shown)"
    if len(text) > MAX_STORED_REPLY:
        text = text[:MAX_STORED_REPLY] + "\n… (the rest of the reply is not shown)"
    return redact(text, secrets)
