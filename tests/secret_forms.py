"""The forms a secret can leak in: raw, URL-encoded, base64 and JSON-escaped."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from urllib.parse import quote, quote_plus


def forms(secret: str) -> set[bytes]:
    """Every encoding of ``secret`` a scan should look for (as bytes)."""
    raw = secret.encode("utf-8")
    return {
        raw,
        quote(secret, safe="").encode("ascii"),
        quote_plus(secret).encode("ascii"),
        base64.b64encode(raw),
        base64.urlsafe_b64encode(raw).rstrip(b"="),
        json.dumps(secret)[1:-1].encode("utf-8"),
    }


def leaks(data: bytes, secrets: Iterable[str]) -> list[str]:
    """The secrets (first characters only) found in ``data`` in any of their forms."""
    return [s[:6] + "…" for s in secrets if s and any(f in data for f in forms(s))]
