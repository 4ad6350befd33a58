"""QR codes of portal links decode back to the very same link."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image

from enkash_desktop.core import Environment, Profile, portal_link
from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.core.qr import qr_png, qr_svg

PROFILE = Profile(name="p", environment=Environment.PRODUCTION, portal_partner="hrms")
LINKS = [
    portal_link(PROFILE, "dO95ZIzK9MvRe8ZlKw7wVfg-3RZoGPom"),
    portal_link(PROFILE, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDQVFMOFlDVjMifQ.c2lnbmF0dXJl+/=",
                admin=True),
    "http://127.0.0.1:41234/sso/" + "x" * 600 + "/employee_rewards/hrms",
]


def decode(png: bytes) -> list[str]:
    with Image.open(io.BytesIO(png)) as image:
        return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize("scale", [3, 8])
def test_the_png_decodes_back_to_the_link(link: str, scale: int) -> None:
    png = qr_png(link, scale)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert decode(png) == [link]


def test_the_svg_is_an_svg_document() -> None:
    svg = qr_svg(LINKS[0])
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert int(root.get("width", "0")) > 100


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="scale"):
        qr_png(LINKS[0], 0)
    with pytest.raises(EnkashError) as empty:
        qr_png("")
    assert empty.value.kind is ErrorKind.BAD_INPUT
    with pytest.raises(EnkashError) as huge:
        qr_svg("https://x/" + "y" * 5000)
    assert "too long" in huge.value.message
