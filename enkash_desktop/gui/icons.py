"""The application icon, from the PNGs rendered by ``scripts/make_icons.py``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def resources_dir() -> Path:
    """``resources/`` next to the package (source tree) or inside a frozen bundle."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "resources", here.parents[1] / "resources"):
        if candidate.is_dir():
            return candidate
    return here.parents[2] / "resources"


def app_icon() -> QIcon:
    """The icon in every rendered size; an empty icon when the files are missing."""
    icon = QIcon()
    folder = resources_dir() / "icons"
    for size in ICON_SIZES:
        path = folder / f"enkash-desktop-{size}.png"
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))  # the size given: no file read now
    return icon
