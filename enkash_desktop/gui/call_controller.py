"""Send, Get token and Cancel: the calls of the window, on its worker, and what they show.

The controller takes the profile, secrets and cardholder from the panels, asks the
:class:`~enkash_desktop.service.ClientPool` for the client, runs the call (and records its
result through the :class:`~enkash_desktop.service.CallRecorder`) on the worker, and hands
the outcome to the result view. It asks before a login that could lock the account, counts
the elapsed time (not while a question waits for the user), and keeps the bearer token's
countdown up to date; a locked login is the :class:`~.login_lock.LoginLock`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from enkash_desktop import core

from . import dialogs
from .login_lock import LoginLock
from .texts import tr_core

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QWidget

    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.core.errors import EnkashError
    from enkash_desktop.core.models import Profile
    from enkash_desktop.service import CallRecorder, ClientPool, ProfileBook

    from .card_dialog import CardPickerDialog
    from .cardholder_form import CardholderForm
    from .crash_dialog import CrashDialog
    from .form_state import FormVerdict
    from .profile_editor import ProfileDraft
    from .result_view import ReplyView, ResultView
    from .send_bar import SendBar
    from .shell import Shell
    from .worker import Job

log = logging.getLogger(__name__)

COUNTDOWN_INTERVAL_MS = 500
WARNING_SECONDS = 30


def accent(kind: str) -> str:
    """The colour name of ``kind`` ("error", "warning", "success")."""
    from .widgets import ERROR_COLOR, SUCCESS_COLOR, WARNING_COLOR

    return {"error": ERROR_COLOR, "warning": WARNING_COLOR,
            "success": SUCCESS_COLOR}[kind].name()


class CallController(QObject):
    """Runs one call at a time for the window and shows its outcome."""

    busy_changed = Signal(bool)
    # A result was written to the history (the number of rows), on the GUI thread.
    recorded = Signal(int)

    def __init__(self, shell: Shell, *, partner: ProfileDraft, cardholder: CardholderForm,
                 result: ResultView, reply: ReplyView, bar: SendBar,
                 verdict: Callable[[], FormVerdict]) -> None:
        super().__init__(shell.widget())
        self._shell = shell
        self._partner = partner
        self._cardholder = cardholder
        self._result = result
        self._reply = reply
        self._bar = bar
        self._verdict = verdict  # checks the form again and says what it allows
        self.book: ProfileBook | None = None
        self.pool: ClientPool | None = None
        self.recorder: CallRecorder | None = None
        self.call: Job | None = None
        self.call_client: EnkashClient | None = None
        self.crash_dialog: CrashDialog | None = None  # the last one shown
        self.card_picker: CardPickerDialog | None = None  # the last Find card list opened
        self.cancel_action: QAction | None = None
        self.export: Callable[[], None] | None = None  # offered by the crash dialog
        self._production_confirmed: set[str] = set()
        # The profile and cardholder the result on screen answered (None: nothing to guard).
        self._result_for: tuple[object, object] | None = None
        self._request: tuple[object, object] | None = None
        self._focus_next: QWidget | None = None  # where the keyboard goes when a call ends
        partner.changed.connect(self._form_changed)
        cardholder.changed.connect(self._form_changed)
        self.lock = LoginLock(shell, partner=partner, result=result,
                              busy=lambda: self.call is not None, refresh=self.update_countdown)
        partner.changed.connect(self.lock.check)
        self._elapsed = QElapsedTimer()
        self._elapsed_timer = QTimer(self)
        self._elapsed_timer.setInterval(100)
        self._elapsed_timer.timeout.connect(self._show_elapsed)
        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_INTERVAL_MS)
        self._countdown.timeout.connect(self.update_countdown)
        self._countdown.start()

    def attach(self, book: ProfileBook, pool: ClientPool, recorder: CallRecorder) -> None:
        self.book = book
        self.pool = pool
        self.recorder = recorder
        recorder.on_recorded(self.recorded.emit)  # emitted on the worker, delivered here
        self.lock.attach(book, pool)

    @property
    def busy(self) -> bool:
        return self.call is not None

    # -- clients ---------------------------------------------------------------------------

    def client(self) -> EnkashClient:
        """The client for the profile and secrets as typed (made on a change)."""
        assert self.pool is not None and self.book is not None
        profile = self._partner.profile()
        return self.pool.client_for(profile, self._partner.secrets(),
                                    demo=self.book.is_demo(profile.name))

    def current_client(self) -> EnkashClient | None:
        """The client for the form as it is now, if one was made (none is made here)."""
        if self.pool is None:
            return None
        return self.pool.current(self._partner.profile(), self._partner.secrets())

    def token_seconds_left(self) -> float | None:
        """Seconds of life of the current bearer token, or None when there is none."""
        client = self.current_client()
        token = client.token if client is not None else None
        return token.seconds_left() if token is not None else None

    def update_countdown(self) -> None:
        if self.lock.locked():
            self._partner.set_token_status(self.lock.status_line(),
                                           "color: {};".format(accent("error")))
            return
        left = self.token_seconds_left()
        self._partner.set_manual_token_replaced(left is not None and left > 0)
        if left is None:
            self._partner.set_token_status(self.tr("No token yet."), "")
        elif left <= 0:
            self._partner.set_token_status(self.tr("The token has expired; click Get token."),
                                           "color: {};".format(accent("error")))
        else:
            whole = int(left)
            self._partner.set_token_status(
                self.tr("Token valid for %d:%02d") % (whole // 60, whole % 60),
                "color: {};".format(accent("warning" if left < WARNING_SECONDS
                                                else "success")))

    # -- Send ------------------------------------------------------------------------------

    def send(self) -> None:
        """Mint an SSO token for the cardholder on a worker (the window stays responsive)."""
        if self._verdict().send_blocker or self.call is not None:
            return
        profile = self._partner.profile()
        if profile.is_production and profile.name not in self._production_confirmed:
            if not dialogs.ask(
                    self._shell.widget(), self.tr("Send to production"),
                    self.tr("This profile points at EnKash production. Sending mints a real "
                            "SSO token for a real cardholder."),
                    informative=self.tr("You are asked once per session for each production "
                                        "profile. Do you want to send?"),
                    accept_label=self.tr("Send to production"), danger=True):
                self._shell.status(self.tr("Nothing was sent."))
                return
            self._production_confirmed.add(profile.name)
        self._start_send(confirmed_login=False)

    def _start_send(self, *, confirmed_login: bool) -> None:
        from enkash_desktop.service.calls import send_and_record

        client = self.client()
        cardholder = self._cardholder.cardholder()
        self._request = (self._partner.profile(), cardholder)  # as typed, for _form_changed
        self._result_for = None
        recorder = self.recorder
        assert recorder is not None
        self._start_call(lambda: send_and_record(client, cardholder, recorder,
                                                 confirmed_login=confirmed_login),
                         client, self.tr("Sending…"),
                         lambda value: self._send_done(value, client.profile))

    def _send_done(self, value: object, profile: Profile) -> None:
        from enkash_desktop.service.calls import CallOutcome

        if not isinstance(value, CallOutcome):
            return
        if value.notice:
            self._shell.show_notice(tr_core(value.notice))
        from .messages import Where, where_shown  # with the first result, after the first paint

        outcome = value.value
        if value.failures is not None:  # the call logged in: the login's state is known
            self.lock.learn(profile, value.failures)

        def retry() -> None:
            self._start_send(confirmed_login=True)

        if isinstance(outcome, core.EnkashError):
            self._reply.show_reply("")
            failure = self.lock.reworded(outcome, value.failures or 0)
            if not self._show_failure(failure, "sending a call", retry):
                self._focus_after(outcome)
            return
        if outcome.error is not None and where_shown(outcome.error) is Where.QUESTION \
                and self._show_failure(outcome.error, "sending a call", retry):
            return
        self._result.show_result(outcome)
        if outcome.error is not None and where_shown(outcome.error) is Where.LOCKED:
            self.lock.offer()
        self._result_for = self._request
        self._reply.show_reply(outcome.reply_redacted)
        self._focus_after(outcome.error)
        self._shell.status(self.tr("The SSO token is ready.") if outcome.ok else
                           tr_core(outcome.error.message if outcome.error else ""))

    def _focus_after(self, error: EnkashError | None) -> None:
        """After a send: Open in browser on success, else the field at fault or Send (given
        the focus once the call is over, when Send is enabled again)."""
        if error is None and self._result.open_button.isEnabled():
            self._focus_next = self._result.open_button
            return
        field = self._cardholder.input_for(error.field) if error and error.field else None
        self._focus_next = field or self._bar.send_button

    def _form_changed(self) -> None:
        """A result belongs to its request: once the profile or cardholder differs, its token
        and link are put away, so another person's login is never handed out."""
        if self._result_for is None or self.call is not None:
            return
        if self._result_for != (self._partner.profile(), self._cardholder.cardholder()):
            self._result_for = None
            self._result.put_away(self.tr(
                "The cardholder or the profile has changed, so the previous cardholder's "
                "token and link were put away."))

    # -- Get token -------------------------------------------------------------------------

    def get_token(self) -> None:
        """Log in at /oauth/token on a worker, asking first when a failure could lock."""
        if self._verdict().token_blocker or self.call is not None:
            return
        self._start_login(self.client(), confirmed=False)

    def _start_login(self, client: EnkashClient, *, confirmed: bool) -> None:
        """The login runs on the worker, lockout check included (the failure count is a
        file): a login that needs a confirmation comes back as LOCKOUT_RISK before anything
        is sent, the user is asked, and a yes starts it again, confirmed."""

        from enkash_desktop.service.calls import login_and_record

        recorder = self.recorder

        def failed(exc: object) -> None:
            self._show_failure(exc, "getting a bearer token",
                               lambda: self._start_login(client, confirmed=True))

        def done(value: object) -> None:
            from enkash_desktop.service.calls import LoginOutcome

            assert isinstance(value, LoginOutcome)
            if value.notice:
                self._shell.show_notice(tr_core(value.notice))
            self.lock.learn(client.profile, value.failures)
            if isinstance(value.value, core.EnkashError):
                failed(self.lock.reworded(value.value, value.failures))
            else:
                self._token_done()

        self._start_call(lambda: login_and_record(client, recorder, confirmed=confirmed),
                         client, self.tr("Getting a token…"), done, failed)

    def _token_done(self) -> None:
        self.update_countdown()
        left = self.token_seconds_left() or 0.0
        self._result.show_outcome(
            self.tr("A bearer token was received."),
            self.tr("It is valid for %d minutes; press Send to mint an SSO token.")
            % max(1, round(left / 60)), accent("success"))
        self._shell.status(self.tr("A bearer token was received."))


    # -- Find card -------------------------------------------------------------------------

    def find_card(self) -> None:
        """List the card account's cards on the worker, to fill in the EnKash card id; the
        lookup is recorded in the history. Not while a call runs (the ids are locked)."""
        if (not self._cardholder.can_find_card() or self.call is not None
                or self._shell.closing or self.recorder is None):
            return
        from .card_dialog import open_card_picker

        self.card_picker = open_card_picker(
            self._shell, client=self.client(), form=self._cardholder,
            record=self.recorder.record,
            on_bug=lambda exc: self._report_bug(exc, "looking up the cards"))

    # -- failures --------------------------------------------------------------------------

    def _show_failure(self, failure: object, context: str,
                      retry: Callable[[], None] | None = None) -> bool:
        """Show ``failure`` where :mod:`.messages` says. A question answered yes starts
        ``retry`` on the next turn and returns True (nothing else is shown then)."""
        from .messages import Where, where_shown

        where = where_shown(failure)
        if where is Where.CRASH:
            self._report_bug(failure, context)
            return False
        if where is Where.NOTICE:
            self._shell.show_notice(tr_core(str(failure)))
            return False
        assert isinstance(failure, core.EnkashError)
        if where is Where.QUESTION and retry is not None and self._confirm_lockout(failure):
            QTimer.singleShot(0, retry)
            return True
        if where is Where.LOCKED:
            self.lock.show(failure)
            return False
        self._result.show_error(failure)
        self._shell.status(tr_core(failure.message))
        return False

    def _confirm_lockout(self, error: EnkashError) -> bool:
        # The question is the user's time, not the call's: the elapsed time stops (a yes
        # starts a new call, with a time of its own).
        self._elapsed_timer.stop()
        self._bar.elapsed_label.setText("")
        message = error.message if error.message != error.sentence else self.tr(
            "Two logins in a row have failed. If this login fails too, the partner's account "
            "will be locked.")
        return dialogs.ask(
            self._shell.widget(), self.tr("The account could be locked"), tr_core(message),
            informative=self.tr("The account will be locked on one more failure. Check the "
                                "login user, password, client id and client secret carefully "
                                "before you try again."),
            accept_label=self.tr("Try once more"), danger=True)

    # -- running ---------------------------------------------------------------------------

    def _start_call(self, fn: Callable[[], object], client: EnkashClient, text: str,
                    on_success: Callable[[object], None],
                    on_failure: Callable[[object], None] | None = None) -> None:
        job = self._shell.run_background(fn, on_success, on_failure or self._call_crashed,
                                         name="call", on_finished=self._call_finished)
        if job is None:  # the window is closing
            return
        self.call = job
        self.call_client = client
        assert self.pool is not None
        self.pool.started(client)
        self._set_busy(True, text)

    def _call_crashed(self, exc: object) -> None:
        self._report_bug(exc, "sending a call")

    def _report_bug(self, exc: object, context: str) -> None:
        """Not one of our errors: a fault in the program, logged and shown as one."""
        from .crash_dialog import report_bug

        self._result.show_fault()
        self._shell.status(
            self.tr("The call was not finished because of a fault in Enkash Desktop."))
        if not isinstance(exc, BaseException):
            exc = RuntimeError(repr(exc))
        self.crash_dialog = report_bug(self._shell.widget(), exc, context, self.export)

    def _call_finished(self, job: Job) -> None:
        # The result is on screen; the window leaves its busy state on a later event-loop
        # turn, so the result is painted and input handled in between (two short turns, not
        # one long one). A timer, not a 0 ms call: Qt runs those in the same pass.
        QTimer.singleShot(1, lambda: self._leave_busy(job))

    def _leave_busy(self, job: Job) -> None:
        if self.call is not job:  # a confirmed retry has already started the next call
            return
        finished = self.call_client
        self.call = None
        self.call_client = None
        if finished is not None and self.pool is not None:
            self.pool.finished(finished)  # closed if the fields were edited while it ran
        if not self._shell.closing:
            self._set_busy(False, "")

    def cancel(self) -> None:
        """Abort the call in progress (Esc); its result comes back as 'cancelled'."""
        if self.call is None or self.call_client is None:
            return
        # Not job.cancel(): the call still reports, as "cancelled", and that is shown.
        self.call_client.cancel()
        self._result.show_running(self.tr("Cancelling…"))

    def stop(self) -> EnkashClient | None:
        """The window closes: stop the timers, cancel the call; returns its client."""
        self._countdown.stop()
        self._elapsed_timer.stop()
        if self.call_client is not None:
            self.call_client.cancel()
        return self.call_client

    def close_clients(self, running: EnkashClient | None) -> list[Exception]:
        """At close: close the pool's client and ``running`` (the call's); the problems."""
        problems = list(self.pool.close()) if self.pool is not None else []
        if running is not None:
            try:
                running.close()
            except Exception as exc:  # closing must never stop the window from closing
                problems.append(exc)
        return problems

    def _set_busy(self, busy: bool, text: str) -> None:
        self._partner.set_busy(busy)
        self._cardholder.set_busy(busy)
        self._bar.set_busy(busy)
        if self.cancel_action is not None:
            self.cancel_action.setEnabled(busy)
        if busy:
            self._result.show_running(text)
            self._elapsed.start()
            self._elapsed_timer.start()
            self._show_elapsed()
        else:
            # One figure for the time a call took: the result's own (the server's answer).
            self._elapsed_timer.stop()
            self._bar.elapsed_label.setText("")
        self.busy_changed.emit(busy)
        if not busy:
            target, self._focus_next = self._focus_next, None
            if target is None and self._shell.widget().focusWidget() is None:
                target = self._bar.send_button
            if target is not None:
                target.setFocus()

    def _show_elapsed(self) -> None:
        self._bar.elapsed_label.setText(self.tr("%.1f s — press Esc to cancel") %
                                        (self._elapsed.elapsed() / 1000))
