"""QR codes of portal links, so a cardholder's session can be opened on a phone.

A portal link signs in as the cardholder until its token expires, so its QR code is as
sensitive as the link: show it, never save it in the history. segno is imported on first
use, keeping it off the start-up path.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from .errors import EnkashError, ErrorKind

if TYPE_CHECKING:
    import segno

MAX_SCALE = 40
BORDER = 4  # the quiet zone the QR standard asks for, in modules


def _make(text: str) -> segno.QRCode:
    import segno
    from segno.encoder import DataOverflowError

    if not text:
        raise EnkashError(ErrorKind.BAD_INPUT, "There is no link to show as a QR code.")
    try:
        # Medium error correction: survives a smudged screen, stays small for long links.
        return segno.make_qr(text, error="m", boost_error=False)
    except DataOverflowError:
        raise EnkashError(ErrorKind.BAD_INPUT,
                          "The link is too long to fit in a QR code; please copy it instead.",
                          detail=f"{len(text)} characters") from None


def qr_png(text: str, scale: int = 8) -> bytes:
    """A PNG of ``text`` as a QR code, each module ``scale`` pixels wide (1 to 40)."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"The QR code scale must be between 1 and {MAX_SCALE}.")
    out = io.BytesIO()
    _make(text).save(out, kind="png", scale=scale, border=BORDER)
    return out.getvalue()


def qr_svg(text: str, scale: int = 8) -> bytes:
    """An SVG of ``text`` as a QR code (UTF-8 bytes); it scales without blurring."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"The QR code scale must be between 1 and {MAX_SCALE}.")
    out = io.BytesIO()
    _make(text).save(out, kind="svg", scale=scale, border=BORDER, xmldecl=True,
                     title="Portal link")
    return out.getvalue()
