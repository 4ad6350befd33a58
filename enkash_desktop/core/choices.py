"""The named choices of a profile: where it points and how its payload is encrypted.

Kept apart from :mod:`.models` (plain enums and texts, no dataclasses) so the window can
build its form before the rest of the core is loaded. :mod:`.models` re-exports all of it.
"""

from __future__ import annotations

from enum import Enum


class Environment(Enum):
    """Where a profile points. Production gets a coloured marker and a confirmation."""

    SANDBOX = "sandbox"
    UAT = "uat"
    PRODUCTION = "production"
    CUSTOM = "custom"

    @property
    def default_portal_url(self) -> str:
        return _PORTALS.get(self, "")


_PORTALS = {
    Environment.UAT: "https://invoice-uat.enkash.in",
    Environment.PRODUCTION: "https://home.enkash.com",
}

# Hosts named in EnKash's docs (ENKASH_API.md §6), offered as suggestions, never assumed.
SUGGESTED_BASE_URLS = (
    "https://pay-uat.enkash.in",
    "https://pay-en-uat.enkash.in",
    "https://pay.enkash.in",
)
SUGGESTED_AUTH_URLS = ("https://ekpayout-uat.enkash.in", "https://api.enkash.in")


class PayloadEncryption(Enum):
    """How the AES key comes from the client secret (ENKASH_API.md §5); OFF by default."""

    OFF = "off"
    SECRET_SHA256 = "secret_sha256"  # EnKash's guide: SHA-256 of the secret, first 16 bytes
    SECRET_EXACT_16 = "secret_exact_16"
    SECRET_FIRST_16 = "secret_first_16"
    SECRET_HEX = "secret_hex"


# Shown by the window as the help text of the profile's encryption option (see .crypto).
ENCRYPTION_HELP = (
    "Some EnKash partners must send their requests encrypted with AES-128 in ECB mode, keyed "
    "with the client secret. ECB is a weak mode of encryption: it hides the content but shows "
    "repeated patterns and does not detect changes. Enkash Desktop offers it only because "
    "EnKash's API demands it; the connection itself is still protected by HTTPS. Choose the "
    "key rule that EnKash gave you; EnKash's guide makes the key from the SHA-256 of the "
    "client secret, the first choice. The program never guesses how the key is made, and the "
    "token request is never encrypted. Leave this off unless EnKash asked for it."
)

# The key rule chosen when encryption is turned on: the one EnKash's own guide documents
# (ENKASH_API.md §5). The others stay available for partners told otherwise.
DEFAULT_KEY_RULE = PayloadEncryption.SECRET_SHA256

RULE_LABELS: dict[PayloadEncryption, str] = {
    PayloadEncryption.OFF: "Off (plain JSON)",
    PayloadEncryption.SECRET_SHA256: "SHA-256 of the client secret (EnKash's guide)",
    PayloadEncryption.SECRET_EXACT_16: "The client secret itself (exactly 16 characters)",
    PayloadEncryption.SECRET_FIRST_16: "The first 16 characters of the client secret",
    PayloadEncryption.SECRET_HEX: "The client secret read as hexadecimal (32 hex digits)",
}
