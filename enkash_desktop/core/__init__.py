"""The EnKash core: what a request is, how it is validated, sent and understood. No Qt."""

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
