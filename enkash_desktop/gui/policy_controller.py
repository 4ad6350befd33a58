"""The administrator's policy in the window: what it locks, what it refuses, the settings
in effect (Help → Settings in effect) and the update notice it allows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from enkash_desktop import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QPushButton, QStatusBar

    from enkash_desktop.core.models import Profile
    from enkash_desktop.service import ProfileBook
    from enkash_desktop.store.effective import EffectiveSettings

    from .curl_actions import CurlActions
    from .form_state import FormState
    from .history_controller import HistoryController
    from .profile_editor import ProfileDraft
    from .settings_view import SettingsInEffectDialog
    from .shell import Shell
    from .support_actions import SupportActions
    from .update_notice import UpdateNotice


class PolicyController(QObject):
    """Applies the policy to the controllers and widgets it concerns; shows its effect."""

    def __init__(self, shell: Shell, *, form: FormState, curl: CurlActions,
                 history: HistoryController, support: SupportActions) -> None:
        super().__init__(shell.widget())
        self._shell = shell
        self._form = form
        self._curl = curl
        self._history = history
        self._support = support
        self.effective: EffectiveSettings | None = None
        self.settings_dialog: SettingsInEffectDialog | None = None
        self.update_notice: UpdateNotice | None = None

    def apply(self, effective: EffectiveSettings, book: ProfileBook, *,
              copy_with_secrets: tuple[QAction, QPushButton], draft: ProfileDraft,
              status_bar: QStatusBar, cache_dir: Path | None) -> None:
        """What the administrator's policy sets is locked and says so; refused hosts and
        production stop Send, Get token, the batch and a pasted cURL."""
        from enkash_desktop.core.choices import Environment

        from .settings_view import lock_copy_with_secrets, lock_production
        from .texts import tr_core

        self.effective = effective
        policy = effective.policy

        def refusals(profile: Profile) -> dict[str, str]:
            demo = book.demo_profile
            if demo is not None and (profile.base_url, profile.effective_auth_base_url) == \
                    (demo.base_url, demo.effective_auth_base_url):
                return {}  # the built-in simulator on this computer
            return {key: tr_core(text) for key, text in policy.profile_refusals(profile).items()}

        self._form.refusals = refusals
        self._curl.host_refusal = policy.host_refusal
        self._curl.allow_copy_with_secrets = \
            lambda: effective.value("allow_copy_with_secrets") is not False
        self._history.retention = lambda: (effective.value("history_retention_days"),
                                           effective.value("history_retention_rows"))
        self._support.extra_facts = lambda: {"settings_in_effect":
                                             self.effective_settings().as_text()}
        lock_copy_with_secrets(*copy_with_secrets, effective)
        draft.when_built(lambda panel: lock_production(panel.environment_combo,
                                                       Environment.PRODUCTION.value, effective))
        if cache_dir is not None and self.update_notice is None:
            self._start_update_checks(effective, status_bar, cache_dir)

    def _start_update_checks(self, effective: EffectiveSettings, status_bar: QStatusBar,
                             cache_dir: Path) -> None:
        from .update_notice import UpdateNotice, schedule_update_check

        self.update_notice = UpdateNotice(self._shell.widget())
        status_bar.addPermanentWidget(self.update_notice)
        run: Callable[..., object] = lambda fn, ok, bad: self._shell.run_background(  # noqa: E731
            fn, ok, bad, name="update check")
        schedule_update_check(self.update_notice, effective, cache_dir, run, __version__)

    def effective_settings(self) -> EffectiveSettings:
        """The settings in effect now (the user's latest profiles and preferences)."""
        from enkash_desktop.store.effective import resolve
        from enkash_desktop.store.policy import Policy
        from enkash_desktop.store.settings import Settings

        book = self._form.book
        settings = book.snapshot(keep_first=False) if book is not None else Settings()
        if self.effective is None:
            return resolve(settings, Policy())
        return self.effective.refreshed(settings)

    def show_settings_in_effect(self) -> None:
        """Help → Settings in effect: every setting, its value and where it comes from."""
        from .settings_view import SettingsInEffectDialog

        if self.settings_dialog is not None:
            self.settings_dialog.close()
            self.settings_dialog.deleteLater()
        dialog = SettingsInEffectDialog(self.effective_settings(), self._shell.widget())
        self.settings_dialog = dialog
        dialog.open()
