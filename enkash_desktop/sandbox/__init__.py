"""The built-in EnKash simulator on loopback, for demo mode and every test.

``with Sandbox() as sb:`` runs a real HTTP server on a free loopback port; ``sb.base_url`` is
both the SSO base and the auth base. :func:`demo_profile` and :func:`demo_secrets` give a
profile that works against it out of the box; :func:`demo_encrypted_profile` and
:func:`demo_encrypted_secrets` do the same for the partner that requires encrypted payloads.
"""

from __future__ import annotations

from .demo import (
    ALL_DEMO_CARDHOLDERS,
    DEMO,
    DEMO_ADMIN_CARDHOLDER,
    DEMO_CARDHOLDERS,
    DEMO_CARDS,
    DEMO_EMPTY_CARD_ACCOUNT,
    DEMO_ENCRYPTED,
    DEMO_ENCRYPTED_FIRST16,
    DEMO_ENCRYPTED_FIRST16_RULE,
    DEMO_ENCRYPTED_RULE,
    DemoCard,
    DemoConstants,
    demo_encrypted_first16_profile,
    demo_encrypted_first16_secrets,
    demo_encrypted_profile,
    demo_encrypted_secrets,
    demo_profile,
    demo_secrets,
)
from .server import TOKEN_STYLES, Sandbox, serve_forever
from .wire import Fault, RecordedCall

__all__ = [
    "ALL_DEMO_CARDHOLDERS",
    "DEMO",
    "DEMO_ADMIN_CARDHOLDER",
    "DEMO_CARDHOLDERS",
    "DEMO_CARDS",
    "DEMO_EMPTY_CARD_ACCOUNT",
    "DEMO_ENCRYPTED",
    "DEMO_ENCRYPTED_FIRST16",
    "DEMO_ENCRYPTED_FIRST16_RULE",
    "DEMO_ENCRYPTED_RULE",
    "TOKEN_STYLES",
    "DemoCard",
    "DemoConstants",
    "Fault",
    "RecordedCall",
    "Sandbox",
    "demo_encrypted_first16_profile",
    "demo_encrypted_first16_secrets",
    "demo_encrypted_profile",
    "demo_encrypted_secrets",
    "demo_profile",
    "demo_secrets",
    "serve_forever",
]
