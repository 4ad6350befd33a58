"""Calls that are recorded: the same steps for the window, its batch and the command line.

:func:`send_and_record` sends one SSO call, :func:`login_and_record` logs in (a login is a
call in the history too), and each hands its result to the
:class:`~enkash_desktop.service.recorder.CallRecorder`; :class:`BatchRecording` records each
result of a batch and stops recording (never sending) at the first history error. These and
the recorder are the only way a result reaches the history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.core.errors import EnkashError
    from enkash_desktop.core.models import BearerToken, Cardholder, SsoResult

    from .recorder import CallRecorder


class CallOutcome(NamedTuple):
    """What a recorded call gave: its result (or the error that stopped it before a
    result), and a sentence when the history could not record it ("" otherwise)."""

    value: SsoResult | EnkashError
    notice: str = ""
    # Failed logins in a row for the login identity when the call tried to log in (None when
    # it did not): a window shows the login as locked from it.
    failures: int | None = None


def send_and_record(client: EnkashClient, cardholder: Cardholder, recorder: CallRecorder | None,
                    *, confirmed_login: bool = False) -> CallOutcome:
    """Send the SSO call for ``cardholder`` and record its result (None: not recorded).

    ``confirmed_login``: first log in, the user having confirmed a login that could lock
    the account; a refused login is returned as the error. The result's redacted texts are
    made here, on the caller's (worker) thread.
    """
    from enkash_desktop.core.errors import EnkashError

    if confirmed_login:
        login = login_and_record(client, recorder, confirmed=True)
        if isinstance(login.value, EnkashError):
            return CallOutcome(login.value, login.notice, login.failures)
    attempts = client.login_attempts
    result = client.send_sso(cardholder)
    _ = result.reply_redacted, result.request_redacted
    notice = recorder.record(result) if recorder is not None else ""
    logged_in = client.login_attempts != attempts
    return CallOutcome(result, notice, client.login_failures() if logged_in else None)


class BatchRecording:
    """Records a batch's results one by one; after the first failure it stops recording
    and keeps the sentence to show (the batch itself goes on)."""

    def __init__(self, recorder: CallRecorder | None) -> None:
        self._recorder = recorder
        self.error = ""

    def add(self, result: SsoResult) -> None:
        if self._recorder is None or self.error:
            return
        self.error = self._recorder.record(result)


class LoginOutcome(NamedTuple):
    """What a recorded login gave: the bearer token (or the error), and a sentence when
    the history could not record it ("" otherwise)."""

    value: BearerToken | EnkashError
    notice: str = ""
    failures: int = 0  # failed logins in a row for this login identity, after this attempt


# Refusals made before anything is sent: not a login, so not in the history (nor is the
# refusal of a locked login, an ACCOUNT_LOCKED that never reached the server).
_NOT_SENT = ("bad_input", "lockout_risk")


def login_and_record(client: EnkashClient, recorder: CallRecorder | None, *,
                     confirmed: bool = False) -> LoginOutcome:
    """Log in (the lockout rules apply) and record the attempt: time, profile, outcome and
    how long the token is valid. Never the token or a secret."""
    import time

    from enkash_desktop.core.errors import EnkashError
    from enkash_desktop.core.lockout import is_locked_refusal
    from enkash_desktop.core.login import LoginResult

    started = time.time()
    clock = time.perf_counter()
    profile = client.profile
    try:
        token: BearerToken | EnkashError = client.fetch_token(confirmed=confirmed)
    except EnkashError as exc:
        token = exc
    elapsed_ms = (time.perf_counter() - clock) * 1000
    if isinstance(token, EnkashError):
        if token.kind.value in _NOT_SENT or is_locked_refusal(token):
            return LoginOutcome(token, "", client.login_failures())
        result = LoginResult(False, profile.name, profile.environment, started, elapsed_ms,
                             http_status=token.http_status, error=token)
    else:
        result = LoginResult(True, profile.name, profile.environment, started, elapsed_ms,
                             valid_for_s=token.seconds_left(), http_status=200)
    notice = recorder.record(result) if recorder is not None else ""
    return LoginOutcome(token, notice, client.login_failures())
