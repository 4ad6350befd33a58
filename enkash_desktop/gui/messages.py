"""Where each kind of failure is shown to the user: one table, read by the controllers.

- ``RESULT``: the result area's sentence and hint (with the technical detail below it);
- ``FIELD``: under the field at fault, and the result area says nothing was sent;
- ``QUESTION``: a question first (a login that could lock the account), then the result;
- ``LOCKED``: the result says the login is locked and offers "EnKash has unlocked it", and
  the profile's token line says "Locked" (no login is sent until the user unlocks it);
- ``NOTICE``: the notice bar (storage: settings, keyring, history);
- ``CRASH``: not one of our errors, so a bug: the crash dialog and the log, never dressed
  as a server's answer.
"""

from __future__ import annotations

from enum import Enum

from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.store.errors import StoreError


class Where(Enum):
    RESULT = "result"
    FIELD = "field"
    QUESTION = "question"
    LOCKED = "locked"
    NOTICE = "notice"
    CRASH = "crash"


WHERE_SHOWN: dict[ErrorKind, Where] = {
    ErrorKind.BAD_INPUT: Where.FIELD,
    ErrorKind.LOCKOUT_RISK: Where.QUESTION,
    ErrorKind.NETWORK: Where.RESULT,
    ErrorKind.TIMEOUT: Where.RESULT,
    ErrorKind.TLS: Where.RESULT,
    ErrorKind.TOKEN_EXPIRED: Where.RESULT,
    ErrorKind.LOGIN_FAILED: Where.RESULT,
    ErrorKind.ACCOUNT_LOCKED: Where.LOCKED,
    ErrorKind.REJECTED: Where.RESULT,
    ErrorKind.SERVER: Where.RESULT,
    ErrorKind.UNREADABLE: Where.RESULT,
    ErrorKind.NO_TOKEN: Where.RESULT,
    ErrorKind.CANCELLED: Where.RESULT,
}


def where_shown(failure: object) -> Where:
    """Where ``failure`` (an error or anything a worker raised) is shown."""
    if isinstance(failure, EnkashError):
        return WHERE_SHOWN[failure.kind]
    if isinstance(failure, StoreError):
        return Where.NOTICE
    return Where.CRASH
