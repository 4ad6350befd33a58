"""Qt's own messages, redacted: Qt writes the URL it could not open to stderr ("Unable to
detect a web browser to launch '…'", "This plugin does not support
QPlatformServices::openUrl() for '…'"), and a portal link holds the SSO token.

Installed with the log after the first paint (nothing reaches it before a send). Every
message goes to stderr as Qt would write it, masked like the log, and warnings and worse
to the log too.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from typing import Any

from enkash_desktop.store.logs import PRINTED, redact_known

log = logging.getLogger("enkash_desktop.qt")

UNSHOWABLE = "(a message from Qt could not be masked, so it is not shown)"


def install_qt_messages() -> Callable[..., Any] | None:
    """Route Qt's messages through :func:`qt_message`; returns the handler it replaced."""
    from PySide6.QtCore import qInstallMessageHandler

    return qInstallMessageHandler(qt_message)


def qt_message(mode: Any, context: Any, message: str) -> None:
    """One message of Qt's, masked, on stderr (as ``category: text``) and in the log."""
    from PySide6.QtCore import QtMsgType

    try:
        text = redact_known(str(message))
        category = str(getattr(context, "category", "") or "default")
    except Exception:  # never the unmasked text, and never an exception back into Qt
        text, category = UNSHOWABLE, "default"
    line = text if category == "default" else f"{category}: {text}"
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no stderr (a
        print(line, file=sys.stderr, flush=True)  # windowed program on Windows), or closed
    if mode in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        log.warning("Qt: %s", line, extra={PRINTED: True})
