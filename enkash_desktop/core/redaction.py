"""Redaction: the one place that decides what a secret looks like once masked.

Two layers. Known secret strings (the profile's secrets, the bearer token, the SSO token)
are replaced wherever they occur. Patterns catch what we were not told about: bearer
tokens, `JSESSIONID`-style cookies, Basic credentials, and JSON/form fields whose names
say they hold a secret.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from functools import cache

MASK = "••••••"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """The patterns, compiled on first use (the window and `enkash-sso` start without them)."""
    return (
        # Authorization: Bearer xyz / Basic xyz (header lines, curl -H, log lines)
        re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,}"),
        # the SSO token inside a portal link: https://{portal}/sso/{token}/employee_rewards/...
        re.compile(r"(/sso/)[^/\s'\"]+(?=/(?:employee_rewards|reward_account)\b)"),
        # cookie values: JSESSIONID=..., SESSION=...
        re.compile(r"(?i)\b(jsessionid|session[a-z_]*|sid)=[^;\s'\"&,]+"),
        # "access_token": "...", password=..., etc. in JSON or form bodies
        re.compile(
            r"(?i)([\"']?\b(?:access_?token|refresh_?token|id_?token|sso_?token|token|password|"
            r"client_?secret|secret|authorization|cookie)\b[\"']?\s*[:=]\s*)"
            r"(?:\"([^\"]*)\"|'([^']*)'|(?!(?:bearer|basic)\b)([^\"'&\s,;}]+))"
        ),
    )


def mask(value: str, *, keep: int = 0) -> str:
    """Mask a secret for display; ``keep`` trailing characters stay visible for long ones."""
    if not value:
        return ""
    if keep and len(value) >= 12:
        return MASK + value[-keep:]
    return MASK


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """Return ``text`` with every given secret masked in every form it travels in.

    A secret is found raw, URL-encoded (a form body, a query), in base64 (standard or
    URL-safe, with or without padding) and JSON-escaped; nothing else is changed. Give the
    pair ``client_id:client_secret`` as a secret to catch a Basic header's base64.
    """
    if not text:
        return text
    forms: set[str] = set()
    for secret in secrets:
        if secret and len(secret) >= 3:
            forms.update(secret_forms(secret))
    for form in sorted(forms, key=len, reverse=True):
        if form in text:
            text = text.replace(form, MASK)
    return text


@functools.lru_cache(maxsize=1024)
def secret_forms(secret: str) -> frozenset[str]:
    """The ways ``secret`` can be written in text that leaves the program."""
    import base64
    import json
    from urllib.parse import quote, quote_plus

    raw = secret.encode("utf-8", "surrogatepass")  # a value from the environment may hold one
    forms = {secret, quote(raw, safe=""), quote(raw), quote_plus(raw),
             json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        forms.update({text, text.rstrip("=")})
    forms.update({f.lower() for f in forms if "%" in f})  # %2b as well as %2B
    return frozenset(f for f in forms if len(f) >= 3)


# The secrets this process has met (typed, and fetched: bearer and SSO tokens), so that
# the log, crash output and stderr can mask them wherever they turn up. Fetched tokens are
# many in a long batch; only the latest are kept (an older SSO token has expired anyway).
_MAX_FETCHED = 512
_session: dict[str, None] = {}
_session_lock = threading.Lock()


def remember(values: Iterable[str]) -> None:
    """Add secrets this process knows (typed or fetched) to the session's list."""
    with _session_lock:
        for value in values:
            if value and len(value) >= 3:
                _session.pop(value, None)
                _session[value] = None
        while len(_session) > _MAX_FETCHED:
            del _session[next(iter(_session))]


def session_secrets() -> list[str]:
    """Every secret :func:`remember` was told about (the latest ones, see above)."""
    with _session_lock:
        return list(_session)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` with every given secret and every secret-looking value masked."""
    if not text:
        return text
    text = mask_secrets(text, secrets)
    scheme, portal_sso, cookie, named_field = _patterns()
    text = scheme.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = portal_sso.sub(lambda m: f"{m.group(1)}{MASK}", text)
    text = cookie.sub(lambda m: f"{m.group(1)}={MASK}", text)
    return named_field.sub(_mask_field, text)


def _mask_field(match: re.Match[str]) -> str:
    key, dq, sq, bare = match.groups()
    if dq is not None:
        return f'{key}"{dq if MASK in dq or dq in ("", "null") else MASK}"'
    if sq is not None:
        return f"{key}'{sq if MASK in sq or not sq else MASK}'"
    return key + (bare if MASK in bare or bare == "null" else MASK)
