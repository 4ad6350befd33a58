"""The window's size and saved layout: the first size fits the screen, layouts are saved as
base64 text in the settings file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QByteArray

DEFAULT_SIZE = (1200, 760)  # made smaller to fit the screen's available area
FRAME_ROOM = (16, 48)  # the window manager's frame and title bar, at most


def first_size() -> tuple[int, int]:
    """The window's first size: the default, made smaller to fit the screen's available
    area (the desktop less its panels) with room for the window's frame."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return DEFAULT_SIZE
    room = screen.availableGeometry()
    return (min(DEFAULT_SIZE[0], room.width() - FRAME_ROOM[0]),
            min(DEFAULT_SIZE[1], room.height() - FRAME_ROOM[1]))


def b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def from_b64(text: Any) -> QByteArray | None:
    if not isinstance(text, str) or not text:
        return None
    from PySide6.QtCore import QByteArray

    return QByteArray.fromBase64(text.encode("ascii"))
