"""The EnKash core: what a request is, how it is validated, sent and understood. No Qt.

Names are loaded on first use (PEP 562), so importing one submodule, as the window does
before its first paint, does not pull in the client, the parsers or the HTTP stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import EnkashClient
    from .curl import to_curl
    from .errors import EnkashError, ErrorKind
    from .lockout import FailureCounter, MemoryFailureCounter
    from .models import (
        BearerToken,
        Cardholder,
        Environment,
        PayloadEncryption,
        PreparedCall,
        Profile,
        Secrets,
        SsoResult,
    )
    from .portal import portal_link
    from .redaction import mask, redact

_WHERE = {
    "EnkashClient": "client",
    "to_curl": "curl",
    "EnkashError": "errors",
    "ErrorKind": "errors",
    "FailureCounter": "lockout",
    "MemoryFailureCounter": "lockout",
    "BearerToken": "models",
    "Cardholder": "models",
    "Environment": "models",
    "PayloadEncryption": "models",
    "PreparedCall": "models",
    "Profile": "models",
    "Secrets": "models",
    "SsoResult": "models",
    "portal_link": "portal",
    "mask": "redaction",
    "redact": "redaction",
}

__all__ = [
    "BearerToken",
    "Cardholder",
    "EnkashClient",
    "EnkashError",
    "Environment",
    "ErrorKind",
    "FailureCounter",
    "MemoryFailureCounter",
    "PayloadEncryption",
    "PreparedCall",
    "Profile",
    "Secrets",
    "SsoResult",
    "mask",
    "portal_link",
    "redact",
    "to_curl",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
