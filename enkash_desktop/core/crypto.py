"""Payload encryption for partners whose EnKash API demands it (ENKASH_API.md §5).

EnKash's payouts guide specifies AES-128 in ECB mode with PKCS#5/7 padding, keyed with the
client secret, base64 output, wrapped as ``{"request": "<base64>"}`` both ways. ECB is a
weak mode: equal blocks of plain text give equal blocks of cipher text, and nothing protects
the message from being altered. It is offered here only because the API demands it; TLS
still protects every call. EnKash's guide makes the 16-byte key from the first 16 bytes of
the SHA-256 digest of the client secret (UTF-8), and encrypts the compact JSON of the body
(no spaces, keys in the body's order); that rule is chosen when encryption is turned on. Other
rules stay available as explicit per-profile settings for partners told otherwise, and this
module never guesses: a secret that does not fit the chosen rule is an error.

The token call (``/oauth/token``) is never encrypted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import TYPE_CHECKING

from .errors import EnkashError, ErrorKind
from .models import RULE_LABELS, PayloadEncryption

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

KEY_BYTES = 16
BLOCK_BYTES = 16

_HINT = "Check the key rule in the profile against what EnKash told you."


def _bad_secret(message: str) -> EnkashError:
    return EnkashError(ErrorKind.BAD_INPUT, message, field="client_secret")


def derive_key(client_secret: str, rule: PayloadEncryption) -> bytes:
    """The 16-byte AES key that ``rule`` makes from ``client_secret``.

    Raises BAD_INPUT (field ``client_secret``) when the secret does not fit the rule, so
    a wrong setting is reported before anything is sent instead of failing on the server.
    """
    if rule is PayloadEncryption.OFF:
        raise ValueError("Payload encryption is off, so there is no key to derive.")
    secret = client_secret.strip()
    if not secret:
        raise _bad_secret("Client secret is required, because the profile encrypts its "
                          "requests with a key made from it.")
    if rule is PayloadEncryption.SECRET_HEX:
        try:
            key = bytes.fromhex(secret)
        except ValueError:
            raise _bad_secret("The client secret is not hexadecimal, so the key rule "
                              f"'{RULE_LABELS[rule]}' cannot use it. {_HINT}") from None
        if len(key) != KEY_BYTES:
            raise _bad_secret(
                f"The client secret has {len(secret)} hex digits, but the key rule "
                f"'{RULE_LABELS[rule]}' needs exactly 32. {_HINT}"
            )
        return key
    try:
        raw = secret.encode("utf-8")
    except UnicodeEncodeError:
        raise _bad_secret("The client secret holds characters that cannot be encoded, so no "
                          "key can be made from it. Please type it again.") from None
    if rule is PayloadEncryption.SECRET_SHA256:
        return hashlib.sha256(raw).digest()[:KEY_BYTES]
    if rule is PayloadEncryption.SECRET_EXACT_16:
        if len(raw) != KEY_BYTES:
            raise _bad_secret(
                f"The client secret is {len(raw)} bytes long, but the key rule "
                f"'{RULE_LABELS[rule]}' needs exactly 16. {_HINT}"
            )
        return raw
    if len(raw) < KEY_BYTES:
        raise _bad_secret(
            f"The client secret is only {len(raw)} bytes long, but the key rule "
            f"'{RULE_LABELS[rule]}' needs at least 16. {_HINT}"
        )
    return raw[:KEY_BYTES]


def _cipher(key: bytes) -> Cipher[modes.ECB]:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if len(key) != KEY_BYTES:
        raise ValueError("An AES-128 key must be exactly 16 bytes long.")
    # ECB because EnKash's API demands it (see the module docstring); never our choice.
    return Cipher(algorithms.AES(key), modes.ECB())


def encrypt_bytes(plain: bytes, key: bytes) -> bytes:
    """AES-128-ECB with PKCS#7 padding (Java's "AES/ECB/PKCS5Padding")."""
    from cryptography.hazmat.primitives import padding

    padder = padding.PKCS7(BLOCK_BYTES * 8).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = _cipher(key).encryptor()
    return bytes(encryptor.update(padded) + encryptor.finalize())


def decrypt_bytes(cipher_text: bytes, key: bytes) -> bytes:
    """The inverse of :func:`encrypt_bytes`; raises ValueError on a bad length or padding."""
    from cryptography.hazmat.primitives import padding

    if not cipher_text or len(cipher_text) % BLOCK_BYTES:
        raise ValueError("The cipher text is not a whole number of AES blocks.")
    decryptor = _cipher(key).decryptor()
    padded = decryptor.update(cipher_text) + decryptor.finalize()
    unpadder = padding.PKCS7(BLOCK_BYTES * 8).unpadder()
    return bytes(unpadder.update(padded) + unpadder.finalize())


def encrypt_payload(obj: object, key: bytes) -> bytes:
    """The request body EnKash expects: ``{"request": "<base64 of AES(JSON of obj)>"}``.

    ``obj`` is serialised as compact JSON; ``bytes`` or ``str`` are taken as the JSON
    text already made (so the encrypted text is exactly the plain body).
    """
    if isinstance(obj, bytes):
        plain = obj
    elif isinstance(obj, str):
        plain = obj.encode("utf-8")
    else:
        plain = compact_json(obj)
    encoded = base64.b64encode(encrypt_bytes(plain, key)).decode("ascii")
    return json.dumps({"request": encoded}).encode("ascii")


def compact_json(obj: object) -> bytes:
    """The plain text EnKash's guide encrypts: JSON with no spaces, keys in their order."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# Reply codes of EnKash's table that point at the payload encryption (ENKASH_API.md §5):
# (HTTP status, words in the message) -> what most likely went wrong.
_ENCRYPTION_REPLIES = (
    (422, "invalid encrypted request",
     "EnKash could not decrypt the request: most likely the key rule or the client secret "
     "is wrong."),
    (403, "encryption failed for response",
     "EnKash could not encrypt its reply for this partner: most likely the client secret "
     "it holds differs from this profile's."),
    (412, "invalid checksum",
     "EnKash found the encrypted request altered or made with another key: most likely the "
     "key rule or the client secret is wrong."),
)


def encryption_advice(status: int | None, message: str, rule: PayloadEncryption) -> str:
    """A hint for a reply that blames the payload encryption, naming the key rule; or ``""``.

    With encryption off, the same replies mean the partner demands it.
    """
    text = message.lower()
    cause = next((cause for code, words, cause in _ENCRYPTION_REPLIES
                  if status == code and words in text), "")
    if not cause:
        return ""
    if rule is PayloadEncryption.OFF:
        return (f"{cause} This profile sends plain JSON: if EnKash requires encrypted "
                f"requests for this partner, turn on payload encryption with the key rule "
                f"'{RULE_LABELS[PayloadEncryption.SECRET_SHA256]}' and check the client "
                "secret.")
    return (f"{cause} This profile uses the key rule '{RULE_LABELS[rule]}'. Check the client "
            "secret, and the key rule against what EnKash told you; EnKash's guide uses "
            f"'{RULE_LABELS[PayloadEncryption.SECRET_SHA256]}'.")


def wrapped_cipher_text(body: bytes) -> str | None:
    """The base64 text of an ``{"request": "<base64>"}`` body, or None for any other body."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(data, dict) and len(data) == 1 and isinstance(data.get("request"), str):
        return str(data["request"])
    return None


def decrypt_reply(body: bytes, key: bytes) -> bytes:
    """The plain JSON inside an ``{"request": "<base64>"}`` reply; any other body unchanged.

    Replies that are not wrapped (gateway pages, plain error envelopes) pass through so the
    reply parser can explain them. A wrapped reply that does not decrypt to JSON with this
    key raises UNREADABLE: almost always the key rule is wrong.
    """
    encoded = wrapped_cipher_text(body)
    if encoded is None:
        return body
    try:
        plain = decrypt_bytes(base64.b64decode(encoded, validate=True), key)
        json.loads(plain.decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise EnkashError(
            ErrorKind.UNREADABLE,
            "The reply is encrypted but could not be decrypted with this profile's key. "
            "Please check the payload encryption key rule and the client secret.",
            detail=f"{type(exc).__name__}: {exc}",
        ) from None
    return plain
