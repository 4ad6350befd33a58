"""The one error taxonomy of Enkash Desktop.

Every failure a user can meet is an :class:`EnkashError` with a :class:`ErrorKind`::

    EnkashError
      kind = BAD_INPUT            a field is missing or malformed; nothing was sent
      kind = NETWORK              the server could not be reached or dropped the connection
      kind = TIMEOUT              the server did not answer in time
      kind = TLS                  the secure connection could not be verified
      kind = TOKEN_EXPIRED        HTTP 401: the bearer token is missing, wrong or expired
      kind = LOGIN_FAILED         the token service refused the credentials
      kind = LOCKOUT_RISK         one more failed login could lock the account: confirm first
      kind = ACCOUNT_LOCKED       EnKash has locked the login: nothing is sent until
                                  the user says it is unlocked
      kind = REJECTED             HTTP 4xx, or HTTP 200 with a non-zero response code
      kind = SERVER               HTTP 5xx (including gateway pages)
      kind = UNREADABLE           the reply is not the JSON the API promises
      kind = NO_TOKEN             the reply succeeded but carries no SSO token we can find
      kind = CANCELLED            the user cancelled the call

Foreign errors (httpx, OSError) are translated into these at exactly one place, in
:mod:`enkash_desktop.core.client`. Each kind has a human sentence and a hint; ``detail``
holds the technical text for the history and the log (already redacted by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ErrorKind(Enum):
    BAD_INPUT = "bad_input"
    NETWORK = "network"
    TIMEOUT = "timeout"
    TLS = "tls"
    TOKEN_EXPIRED = "token_expired"
    LOGIN_FAILED = "login_failed"
    LOCKOUT_RISK = "lockout_risk"
    ACCOUNT_LOCKED = "account_locked"
    REJECTED = "rejected"
    SERVER = "server"
    UNREADABLE = "unreadable"
    NO_TOKEN = "no_token"
    CANCELLED = "cancelled"

    @property
    def exit_code(self) -> int:
        """The `enkash-sso` exit code for this kind (see DESIGN.md)."""
        return _EXIT_CODES[self]

    @property
    def label(self) -> str:
        """A short name of the outcome, for the history's Outcome column and its filter."""
        return _LABELS[self]


_EXIT_CODES = {
    ErrorKind.BAD_INPUT: 2,
    ErrorKind.LOCKOUT_RISK: 2,
    ErrorKind.NETWORK: 3,
    ErrorKind.TIMEOUT: 3,
    ErrorKind.TLS: 3,
    ErrorKind.CANCELLED: 3,
    ErrorKind.TOKEN_EXPIRED: 4,
    ErrorKind.LOGIN_FAILED: 4,
    ErrorKind.ACCOUNT_LOCKED: 4,
    ErrorKind.REJECTED: 4,
    ErrorKind.SERVER: 5,
    ErrorKind.UNREADABLE: 5,
    ErrorKind.NO_TOKEN: 5,
}

_LABELS = {
    ErrorKind.BAD_INPUT: "Invalid input",
    ErrorKind.NETWORK: "Network error",
    ErrorKind.TIMEOUT: "Timed out",
    ErrorKind.TLS: "Secure connection failed",
    ErrorKind.TOKEN_EXPIRED: "Token expired",
    ErrorKind.LOGIN_FAILED: "Login failed",
    ErrorKind.LOCKOUT_RISK: "Lockout risk",
    ErrorKind.ACCOUNT_LOCKED: "Account locked",
    ErrorKind.REJECTED: "Rejected",
    ErrorKind.SERVER: "Server error",
    ErrorKind.UNREADABLE: "Unreadable reply",
    ErrorKind.NO_TOKEN: "No token in reply",
    ErrorKind.CANCELLED: "Cancelled",
}

# (sentence, hint) per kind. Sentences are complete and polite; the window passes them
# through Qt's translator, the command line prints them as they are.
_TEXTS: dict[ErrorKind, tuple[str, str]] = {
    ErrorKind.BAD_INPUT: (
        "Some of the details are not valid, so nothing was sent.",
        "Correct the field named in the message and try again.",
    ),
    ErrorKind.NETWORK: (
        "The EnKash server could not be reached.",
        "Check your network connection, VPN and the base URL, then try again.",
    ),
    ErrorKind.TIMEOUT: (
        "The EnKash server did not answer in time.",
        "The server may be busy. Wait a moment and send again.",
    ),
    ErrorKind.TLS: (
        "The secure connection to the server could not be verified.",
        "Check the base URL. If your company uses its own certificates, ask IT to install them.",
    ),
    ErrorKind.TOKEN_EXPIRED: (
        "The bearer token was refused: it is missing, wrong or has expired.",
        "Click Get token to fetch a fresh token, then send again.",
    ),
    ErrorKind.LOGIN_FAILED: (
        "The token service refused the login details.",
        "Check the user name, password, client id and client secret before trying again: "
        "three failed logins in a row lock the account.",
    ),
    ErrorKind.LOCKOUT_RISK: (
        "Two logins in a row have failed; one more failure will lock the partner's account.",
        "Check the credentials carefully, then confirm that you want to try once more.",
    ),
    ErrorKind.ACCOUNT_LOCKED: (
        "EnKash has locked this login.",
        "Ask EnKash to unlock it. Once they have, say so in Enkash Desktop; until then no "
        "login is sent for it.",
    ),
    ErrorKind.REJECTED: (
        "EnKash rejected the request.",
        "Read the server's message below; usually one of the ids is wrong.",
    ),
    ErrorKind.SERVER: (
        "The EnKash server had a problem and could not answer the request.",
        "This is not caused by your input. Try again in a few minutes.",
    ),
    ErrorKind.UNREADABLE: (
        "The server's reply could not be understood.",
        "This usually means a setting of the profile is wrong. Please ask your administrator "
        "to check that the base URL points at the EnKash API; the raw reply is shown below.",
    ),
    ErrorKind.NO_TOKEN: (
        "The call succeeded, but the reply holds no SSO token that could be found.",
        "Look at the raw reply below; an administrator can set the token's location "
        "in the profile.",
    ),
    ErrorKind.CANCELLED: (
        "The call was cancelled.",
        "Send again when you are ready.",
    ),
}


@dataclass(eq=False)
class EnkashError(Exception):
    """A failure the user can understand: its kind, a specific message, and details.

    ``message`` defaults to the kind's sentence; give a more precise one when you have it
    (for instance the field that is wrong, or the server's own message). Not frozen:
    Python sets ``__traceback__`` and friends on exceptions as they travel.
    """

    kind: ErrorKind
    message: str = ""
    detail: str = ""
    field: str | None = None
    http_status: int | None = None
    # False when the request certainly never reached the server (no connection, or the
    # TLS handshake failed): such a login attempt cannot count towards the lockout.
    reached_server: bool = True
    # A hint more precise than the kind's (e.g. naming the key rule); empty: the kind's.
    advice: str = ""
    # Seconds the server asked us to wait before trying again (HTTP 429 Retry-After).
    retry_after_s: float | None = None

    def __post_init__(self) -> None:
        if not self.message:
            self.message = _TEXTS[self.kind][0]
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    @property
    def hint(self) -> str:
        return self.advice or _TEXTS[self.kind][1]

    @property
    def sentence(self) -> str:
        """The kind's generic sentence (``message`` may be more specific)."""
        return _TEXTS[self.kind][0]

    def as_dict(self) -> dict[str, str]:
        """The `{kind, message, hint}` object of the `--json` contract."""
        return {"kind": self.kind.value, "message": self.message, "hint": self.hint}


def followed_by(first: str, second: str) -> str:
    """``first`` followed by the sentence ``second``; ``first`` (often the server's own
    words, as "EnKash said: Bad credentials") is ended with a full stop when it has none."""
    first = first.rstrip()
    if first and not first.endswith((".", "!", "?", "…", ")")):
        first += "."
    return f"{first} {second}" if first else second
