"""A login at the token service, as the history keeps it: when, for which profile, how it
ended. Never the token, the password or the client secret."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .errors import EnkashError
from .models import Cardholder, Environment

NO_CARDHOLDER = Cardholder("", "", "")


@dataclass(frozen=True)
class LoginResult:
    """The outcome of one login (Get token, ``enkash-sso token``); recorded as a call."""

    ok: bool
    profile_name: str
    environment: Environment
    started_at: float
    elapsed_ms: float
    valid_for_s: float = 0.0
    http_status: int | None = None
    error: EnkashError | None = None

    kind: ClassVar[str] = "login"  # the history's word for this kind of call
    response_code: ClassVar[None] = None
    request_redacted: ClassVar[str] = ""
    reply_redacted: ClassVar[str] = ""
    cardholder: ClassVar[Cardholder] = NO_CARDHOLDER

    @property
    def outcome(self) -> str:
        return "success" if self.ok else (self.error.kind.value if self.error else "error")

    @property
    def message(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        """One sentence for the history's message column."""
        if self.ok:
            return (f"Login succeeded: a bearer token was received, valid for "
                    f"{max(0, round(self.valid_for_s))} seconds.")
        return f"Login failed: {self.error.message if self.error else 'unknown error'}"
