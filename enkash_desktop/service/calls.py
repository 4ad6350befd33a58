"""Calls that are recorded: the same steps for the window, its batch and the command line.

:func:`send_and_record` sends one SSO call and hands its result to the
:class:`~enkash_desktop.service.recorder.CallRecorder`; :class:`BatchRecording` records each
result of a batch and stops recording (never sending) at the first history error. These and
the recorder are the only way a result reaches the history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.core.errors import EnkashError
    from enkash_desktop.core.models import Cardholder, SsoResult

    from .recorder import CallRecorder


class CallOutcome(NamedTuple):
    """What a recorded call gave: its result (or the error that stopped it before a
    result), and a sentence when the history could not record it ("" otherwise)."""

    value: SsoResult | EnkashError
    notice: str = ""


def send_and_record(client: EnkashClient, cardholder: Cardholder, recorder: CallRecorder | None,
                    *, confirmed_login: bool = False) -> CallOutcome:
    """Send the SSO call for ``cardholder`` and record its result (None: not recorded).

    ``confirmed_login``: first log in, the user having confirmed a login that could lock
    the account; a refused login is returned as the error. The result's redacted texts are
    made here, on the caller's (worker) thread.
    """
    from enkash_desktop.core.errors import EnkashError

    if confirmed_login:
        try:
            client.fetch_token(confirmed=True)
        except EnkashError as exc:
            return CallOutcome(exc)
    result = client.send_sso(cardholder)
    _ = result.reply_redacted, result.request_redacted
    notice = recorder.record(result) if recorder is not None else ""
    return CallOutcome(result, notice)


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
