"""A locked login in the window: the profile says so, and nothing tries it again until the
user says EnKash has unlocked it.

The core decides (a login identity whose count is at three is refused before anything is
sent, in every window and process); this keeps what the window last learned of it, from
each login's outcome and from a read of the count when the profile on screen changes to
another login. It words the refusal, the profile's token line ("Locked: …") and offers the
way out: "EnKash has unlocked it", asked once more, clears the identity's count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from enkash_desktop import core

from . import dialogs
from .texts import tr_core

if TYPE_CHECKING:
    from enkash_desktop.core.errors import EnkashError
    from enkash_desktop.core.models import Profile
    from enkash_desktop.service import ClientPool, ProfileBook

    from .profile_editor import ProfileDraft
    from .result_view import ResultView
    from .shell import Shell


def identity_key(profile: Profile) -> str:
    """The key of the login ``profile`` speaks for; "" when it has no login user."""
    from enkash_desktop.core.lockout import LoginIdentity

    if not profile.username.strip():
        return ""
    return LoginIdentity.of(profile).key


class LoginLock(QObject):
    """What the window knows of the locked logins, and "EnKash has unlocked it"."""

    def __init__(self, shell: Shell, *, partner: ProfileDraft, result: ResultView,
                 busy: Callable[[], bool], refresh: Callable[[], None]) -> None:
        super().__init__(shell.widget())
        self._shell = shell
        self._partner = partner
        self._result = result
        self._busy = busy
        self._refresh = refresh  # shows the token line again
        self.book: ProfileBook | None = None
        self.pool: ClientPool | None = None
        self._locked: set[str] = set()  # identity keys this window knows to be locked
        self._checked = ""  # the identity whose count was read last
        self._learned = 0  # outcomes learned so far: a read started before one is stale
        result.unlockRequested.connect(self.unlock)

    def attach(self, book: ProfileBook, pool: ClientPool) -> None:
        self.book = book
        self.pool = pool
        self.check()

    # -- state -----------------------------------------------------------------------------

    def locked(self, profile: Profile | None = None) -> bool:
        """True when the login of ``profile`` (default: the one on screen) is locked."""
        if not self._locked:  # twice a second, with the countdown: the usual case is quick
            return False
        key = identity_key(profile or self._partner.profile())
        return bool(key) and key in self._locked

    def status_line(self) -> str:
        """The profile's token line while its login is locked."""
        return self.tr("Locked: EnKash has locked this login. Ask EnKash to unlock it.")

    def learn(self, profile: Profile, failures: int) -> None:
        """A login's outcome (or a send that logged in) said how many failed in a row."""
        from enkash_desktop.core.lockout import is_locked

        self._learned += 1
        self._set(identity_key(profile), is_locked(failures))

    def _set(self, key: str, locked: bool) -> None:
        if not key or (key in self._locked) == locked:
            return
        if locked:
            self._locked.add(key)
        else:
            self._locked.discard(key)
        self._refresh()

    def check(self) -> None:
        """The profile on screen changed: when it is another login, read its count on the
        worker (a file shared with the other windows and enkash-sso)."""
        if self.pool is None or self.book is None or self._shell.closing:
            return
        profile = self._partner.profile()
        key = identity_key(profile)
        if not key or key == self._checked:
            return
        self._checked = key
        pool, demo, learned = self.pool, self.book.is_demo(profile.name), self._learned

        def read() -> int:
            return pool.login_failures(profile, demo=demo)

        def done(failures: object) -> None:
            from enkash_desktop.core.lockout import is_locked

            if not isinstance(failures, int) or learned != self._learned:
                return  # a login ended meanwhile: its outcome is newer than this read
            was = key in self._locked
            self._set(key, is_locked(failures))
            if (is_locked(failures) and not was and not self._busy()
                    and identity_key(self._partner.profile()) == key):
                self.show(core.EnkashError(core.ErrorKind.ACCOUNT_LOCKED))

        self._shell.run_background(read, done,
                                   lambda exc: self._fault(exc, "reading the failed logins"),
                                   name="login-state")

    def _fault(self, exc: object, context: str) -> None:
        """Our own error is said in the result; anything else is a bug (the crash dialog)."""
        if isinstance(exc, core.EnkashError):
            self._result.show_error(exc)
            return
        from .crash_dialog import report_bug

        report_bug(self._shell.widget(), exc if isinstance(exc, BaseException)
                   else RuntimeError(repr(exc)), context)

    # -- wording ---------------------------------------------------------------------------

    def reworded(self, error: EnkashError, failures: int) -> EnkashError:
        """A refused login says how many of the allowed failures in a row it has used; the
        one that locks the login says it is locked now (and is shown as locked)."""
        from dataclasses import replace  # not before the first paint

        from enkash_desktop.core.errors import followed_by
        from enkash_desktop.core.lockout import LOCK_AFTER, is_locked, locked_now

        kind = error.kind
        if kind is core.ErrorKind.LOGIN_FAILED:
            if not 0 < failures < LOCK_AFTER:
                return locked_now(error, failures, words=tr_core)
            count = self.tr("This login has failed %d of %d times in a row; at %d the "
                            "partner's account is locked.") % (failures, LOCK_AFTER, LOCK_AFTER)
            return replace(error, message=followed_by(tr_core(error.message), count))
        if kind is core.ErrorKind.ACCOUNT_LOCKED or not is_locked(failures) \
                or not error.reached_server \
                or kind in (core.ErrorKind.BAD_INPUT, core.ErrorKind.LOCKOUT_RISK):
            return error
        now = self.tr("This was the third login in a row that did not succeed, so this "
                      "login is now locked.")
        return replace(error, kind=core.ErrorKind.ACCOUNT_LOCKED,
                       message=followed_by(tr_core(error.message), now))

    def show(self, error: EnkashError) -> None:
        """Show a locked login in the result: plainly locked, and the way to unlock it."""
        self._result.show_error(error)
        self.offer()
        self._shell.status(tr_core(error.message))

    def offer(self) -> None:
        """The result on screen is a locked login: offer "EnKash has unlocked it"."""
        self._result.offer_unlock(self.tr(
            "Ask EnKash to unlock it. Once they have, click “EnKash has unlocked it”; until "
            "then Enkash Desktop sends no login for it."))

    # -- EnKash has unlocked it ------------------------------------------------------------

    def unlock(self) -> None:
        """The user says EnKash has unlocked the login on screen: asked once more (the next
        failure counts from one again), then its count is cleared on the worker."""
        if self.pool is None or self.book is None or self._busy() or self._shell.closing:
            return
        from enkash_desktop.core.lockout import LOCK_AFTER, LoginIdentity

        profile = self._partner.profile()
        names = {"1": profile.username.strip(), "2": LoginIdentity.of(profile).host}
        question = re.sub(r"%([12])", lambda m: names[m[1]],  # one pass: a name may hold "%2"
                          self.tr("Has EnKash unlocked the login “%1” at %2?"))
        if not dialogs.ask(
                self._shell.widget(), self.tr("EnKash has unlocked this login"), question,
                informative=self.tr(
                    "Say yes only once EnKash has told you so. Enkash Desktop will then send "
                    "logins for it again, and the next failed login counts as 1 of %d "
                    "again.") % LOCK_AFTER,
                accept_label=self.tr("EnKash has unlocked it")):
            self._shell.status(self.tr("The login is still marked as locked."))
            return
        pool, demo, key = self.pool, self.book.is_demo(profile.name), identity_key(profile)

        def done(_was_locked: object) -> None:
            self._learned += 1
            self._set(key, False)
            self._result.show_outcome(
                self.tr("The login is no longer marked as locked."),
                self.tr("Click Get token or Send when you are ready. If a login fails again, "
                        "it counts as 1 of %d.") % LOCK_AFTER, None)
            self._shell.status(self.tr("The login is no longer marked as locked."))

        self._shell.run_background(lambda: pool.unlock(profile, demo=demo), done,
                                   lambda exc: self._fault(exc, "clearing a locked login"),
                                   name="login-unlock")
