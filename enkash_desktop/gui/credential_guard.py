"""The portal link and the SSO token are credentials: they do not linger.

EnKash's SSO token "bypasses login and OTP": whoever holds the link is signed in as the
cardholder until it expires. After Copy link or Copy token, :class:`ClipboardGuard` clears
the clipboard once the interval has passed, if it still holds what was copied (a later copy
of anything else is left alone). The QR dialog hides its code after the same interval (see
``QrDialog``). The interval is the setting ``clipboard_clear_seconds`` (0 = never): the
administrator's policy, else the user's preference, else 60 seconds.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication

PREF_CREDENTIAL_CLEAR_S = "clipboard_clear_seconds"  # the same key as the policy's
DEFAULT_CREDENTIAL_CLEAR_S = 60.0
MAX_CREDENTIAL_CLEAR_S = 3600.0


def credential_seconds(preferences: dict[str, Any]) -> float:
    """The interval from the preferences: a number of seconds, 0 for never, else 60."""
    value = preferences.get(PREF_CREDENTIAL_CLEAR_S, DEFAULT_CREDENTIAL_CLEAR_S)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return DEFAULT_CREDENTIAL_CLEAR_S
    return float(min(max(value, 0.0), MAX_CREDENTIAL_CLEAR_S))


def seconds_text(seconds: float) -> str:
    """``60 seconds``, ``1 second``, ``1.5 seconds``."""
    return f"{seconds:g} second{'' if seconds == 1 else 's'}"


class ClipboardGuard(QObject):
    """Clears a copied credential from the clipboard after ``seconds`` (0: never)."""

    cleared = Signal(str)  # a sentence for the status bar

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seconds = DEFAULT_CREDENTIAL_CLEAR_S
        self._value = ""
        self._what = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._expire)

    def copied(self, value: str, what: str) -> str:
        """Note that ``value`` (named ``what``) was copied; the status bar's sentence."""
        if self.seconds <= 0 or not value:
            self._timer.stop()
            return self.tr("The %s was copied to the clipboard.") % what
        self._value, self._what = value, what
        self._timer.start(round(self.seconds * 1000))
        return self.tr("The %s was copied to the clipboard; it signs in as the cardholder, so "
                       "the clipboard will be cleared in %s.") % (what, seconds_text(self.seconds))

    def clear_now(self) -> None:
        """The credential no longer belongs on screen: clear it from the clipboard now, if
        the clipboard still holds it (not what the user copied since)."""
        if self._timer.isActive():
            self._timer.stop()
            self._expire()

    def _expire(self) -> None:
        clipboard = QGuiApplication.clipboard()
        value, self._value = self._value, ""
        if value and clipboard.text() == value:
            clipboard.clear()
            self.cleared.emit(self.tr("The clipboard was cleared, because the %s it held signs "
                                      "in as the cardholder.") % self._what)
