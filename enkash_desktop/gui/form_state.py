"""What the form allows right now: the core's verdict on the fields, as the user types.

:class:`FormState` asks the core's validators about the profile, its secrets and the
cardholder, shows each problem under its field, and hands the window a
:class:`FormVerdict` (why Send or Get token is not available, whether Save and Delete are,
the title) to apply to its buttons and menus. It holds no rule of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, Signal

from enkash_desktop import core

from .texts import tr_core

if TYPE_CHECKING:
    from collections.abc import Callable

    from enkash_desktop.core.models import Profile
    from enkash_desktop.service import ProfileBook

    from .cardholder_form import CardholderForm
    from .profile_editor import ProfileDraft
    from .shell import Shell


class FormVerdict(NamedTuple):
    """What the window shows for the form as it is (empty blocker: available)."""

    send_blocker: str
    token_blocker: str
    can_save: bool
    can_delete: bool
    demo: bool
    production: bool
    modified: bool
    title: str


class FormState(QObject):
    """Validates the form on every change and says what is possible."""

    changed = Signal(object)  # FormVerdict

    def __init__(self, shell: Shell, *, partner: ProfileDraft, cardholder: CardholderForm,
                 busy: Callable[[], bool]) -> None:
        super().__init__(shell.widget())
        self._shell = shell
        self._partner = partner
        self._cardholder = cardholder
        self._busy = busy
        self.book: ProfileBook | None = None
        # Extra refusals by field for a profile (the administrator's policy, for instance).
        self.refusals: Callable[[Profile], dict[str, str]] | None = None
        # The last profile checked and its problems: the check is a function of the profile
        # (and the policy's refusals), and Send checks the form three times a call.
        self._checked: tuple[object, dict[str, str]] | None = None
        self.verdict = FormVerdict(self.tr("Enkash Desktop is still starting."),
                                   self.tr("Enkash Desktop is still starting."),
                                   False, False, False, False, False, "")

    def revalidate(self) -> FormVerdict:
        """Check every field, show the problems, and emit (and return) the verdict."""
        busy = self._busy()
        starting = self.tr("Enkash Desktop is still starting.")
        in_progress = self.tr("A call is in progress.")
        if not self._shell.ready or self.book is None:
            self.verdict = FormVerdict(in_progress if busy else starting,
                                       in_progress if busy else starting,
                                       False, False, False, False, False, "")
            self.changed.emit(self.verdict)
            return self.verdict
        profile_problems, card_problems = self._show_problems()
        book = self.book
        demo = book.current_is_demo
        profile = self._partner.profile()
        first_problem = next(iter([*profile_problems.values(), *card_problems.values()]), "")
        send_blocker = in_progress if busy else tr_core(first_problem)
        token_blocker = in_progress if busy else tr_core(
            next(iter(profile_problems.values()), ""))
        ready = not busy
        self.verdict = FormVerdict(
            send_blocker=send_blocker,
            token_blocker=token_blocker,
            can_save=ready and not demo,
            can_delete=ready and not demo and book.current is not None,
            demo=demo,
            production=profile.is_production,
            modified=book.is_modified(profile, self._partner.secrets()),
            title=profile.name.strip() or self.tr("New profile"),
        )
        self.changed.emit(self.verdict)
        return self.verdict

    def _show_problems(self) -> tuple[dict[str, str], dict[str, str]]:
        """Problems of the profile with its secrets, and of the cardholder, by field."""
        from enkash_desktop.core.fields import ID_KEYS
        from enkash_desktop.core.validation import (
            cardholder_problems,
            id_warning,
            profile_problems,
            secret_problems,
        )

        profile = self._partner.profile()
        secrets = self._partner.secrets()
        cardholder = self._cardholder.cardholder()
        key = (profile, self.refusals)
        if self._checked is None or self._checked[0] != key:
            self._checked = (key, {**profile_problems(profile), **(
                self.refusals(profile) if self.refusals is not None else {})})
        p_problems = dict(self._checked[1])
        s_problems = secret_problems({k: getattr(secrets, k) for k in core.Secrets.KINDS})
        c_problems = cardholder_problems(cardholder)
        p_warnings = {"partner_id": id_warning(profile.partner_id) or ""}
        c_warnings = {key: id_warning(getattr(cardholder, key)) or "" for key in ID_KEYS}
        self._partner.show_problems({**p_problems, **s_problems},
                                    {k: tr_core(v) for k, v in p_warnings.items()})
        self._cardholder.show_problems({k: tr_core(v) for k, v in c_problems.items()},
                                       {k: tr_core(v) for k, v in c_warnings.items()})
        return {**p_problems, **s_problems}, c_problems
