"""Redaction: the one place that decides what a secret looks like once masked.

Two layers. Known secret strings (the profile's secrets, the bearer token, the SSO token)
are replaced wherever they occur. Patterns catch what we were not told about: bearer
tokens, `JSESSIONID`-style cookies, Basic credentials, and JSON/form fields whose names
say they hold a secret.
"""

from __future__ import annotations

import re
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
    """Return ``text`` with every given secret value masked (and nothing else changed)."""
    if not text:
        return text
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


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
