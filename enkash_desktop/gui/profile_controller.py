"""Profiles in the window: choose, new, duplicate, save, delete; the keyring on a worker.

The rules live in :class:`~enkash_desktop.service.ProfileBook`; this controller shows the
book in the partner panel, asks the user where a rule says so (replace? delete?), and saves
settings and secrets on the window's worker (a keyring call can block for seconds).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from enkash_desktop import core

from . import dialogs
from .texts import tr_core

if TYPE_CHECKING:
    from enkash_desktop.core.models import Secrets
    from enkash_desktop.service import ProfileBook
    from enkash_desktop.store.secrets import SecretStore
    from enkash_desktop.store.settings import SettingsStore

    from .cardholder_form import CardholderForm
    from .forms import PartnerPanel
    from .profile_editor import ProfileDraft
    from .shell import Shell

log = logging.getLogger(__name__)


class ProfileController(QObject):
    """Shows the profile book in the partner panel and carries out the profile actions."""

    changed = Signal()  # the profile on screen or the book changed: validate again
    storage_text = Signal(str)  # where the secrets of the profile on screen are kept

    def __init__(self, shell: Shell, *, partner: ProfileDraft, cardholder: CardholderForm,
                 busy: Callable[[], bool]) -> None:
        super().__init__(shell.widget())
        self._shell = shell
        self._partner = partner
        self._cardholder = cardholder
        self._busy = busy
        self.book: ProfileBook | None = None
        self.settings_store: SettingsStore | None = None
        self.secret_store: SecretStore | None = None
        self.save_lock = threading.Lock()
        self._keyring_notice = ""
        self._keyring_state: tuple[bool, str] | None = None
        partner.profileChosen.connect(self.choose)
        partner.when_built(self._connect_editor)

    def _connect_editor(self, panel: PartnerPanel) -> None:
        panel.newRequested.connect(self.new_profile)
        panel.saveRequested.connect(self.save_profile)
        panel.deleteRequested.connect(self.delete_profile)

    def attach(self, book: ProfileBook, *, settings_store: SettingsStore,
               secret_store: SecretStore | None, preferred: str | None) -> None:
        """Show the book's first profile (the demo, ``preferred``, or the first saved)."""
        self.book = book
        self.settings_store = settings_store
        self.secret_store = secret_store
        current = book.first_default(preferred)
        self._refresh_list(current)
        if current is not None:
            self.select(current)
        else:
            self.new_profile()

    # -- showing ---------------------------------------------------------------------------

    def _refresh_list(self, current: str | None) -> None:
        assert self.book is not None
        self._partner.set_profiles(self.book.names(), current or "")
        if current is None:
            self._partner.clear_profile_choice()

    def choose(self, name: str) -> None:
        if self.book is not None and name and name != self.book.current:
            self.select(name)

    def select(self, name: str) -> None:
        """Show profile ``name``; its secrets come from memory (demo) or the keyring."""
        book = self.book
        profile = book.get(name) if book is not None else None
        if book is None or profile is None:
            return
        book.current = name
        known = book.known_secrets(name)
        self._partner.load(profile, known or core.Secrets())
        if book.is_demo(name) and book.demo_cardholder is not None:
            self._cardholder.load(book.demo_cardholder)
        elif known is None and self.secret_store is not None:
            store = self.secret_store
            self._shell.run_background(lambda: (store.load(name), store.persistent, store.notice),
                                       lambda value: self._secrets_loaded(name, value),
                                       name="load-secrets")
        self._refresh_list(name)
        self.show_secret_storage(None)
        self.changed.emit()

    def _secrets_loaded(self, name: str, value: object) -> None:
        assert isinstance(value, tuple) and self.book is not None
        secrets, persistent, notice = value
        self._keyring_state = (bool(persistent), str(notice))
        self.show_secret_storage(self._keyring_state)
        if not isinstance(secrets, core.Secrets):
            return
        self.book.secrets_loaded(name, secrets)
        if name == self.book.current and self._partner.secrets() == core.Secrets():
            self._partner.load_secrets(secrets)
        self.changed.emit()

    def show_secret_storage(self, value: tuple[bool, str] | None) -> None:
        """Say where secrets go; ``None`` means "as last found" (or not yet known)."""
        persistent, notice = value if value is not None else (self._keyring_state or
                                                               (True, ""))
        demo = self.book is not None and self.book.current_is_demo
        if demo:
            text = self.tr("Demo secrets: in memory only")
        elif self.secret_store is None:
            text = self.tr("Secrets: this session only")
        elif self._keyring_state is None:
            text = ""
        elif persistent:
            text = self.tr("Secrets: system keyring")
        else:
            text = self.tr("Secrets: this session only")
        self.storage_text.emit(text)
        if notice:
            self._keyring_notice = tr_core(str(notice))
        if self._keyring_notice and not demo:
            # Only relevant once the user works with a profile of their own.
            self._shell.show_notice(self._keyring_notice)
            self._keyring_notice = ""

    # -- actions ---------------------------------------------------------------------------

    def new_profile(self) -> None:
        """Start an empty profile (saved only when the user clicks Save)."""
        if self.book is not None:
            self.book.current = None
        self._partner.load(core.Profile(name=self.tr("New profile"),
                                        environment=core.Environment.UAT), core.Secrets())
        if self.book is not None:
            self._refresh_list(None)
        self.changed.emit()
        self._partner.focus_name()

    def duplicate_profile(self) -> None:
        """A copy of the profile on screen, as a new unsaved profile (never managed)."""
        if not self._shell.ready or self._busy() or self.book is None:
            return
        original = self._partner.profile()
        name = self.book.copy_name(original.name, self._copy_name)
        secrets = self._partner.secrets()
        self.book.current = None
        self._partner.load(original.with_changes(name=name, managed=False), secrets)
        self._refresh_list(None)
        self.changed.emit()
        self._partner.focus_name()
        self._shell.status(self.tr("A copy was made. Rename it if you like, then click Save."))

    def _copy_name(self, original: str, number: int) -> str:
        return (self.tr("%s (copy)") % original if number == 1 else
                self.tr("%s (copy %d)") % (original, number))

    def save_profile(self) -> None:
        """Save the profile as typed: settings on a worker, secrets to the keyring on one."""
        book = self.book
        if not self._shell.ready or book is None or book.current_is_demo or self._busy():
            return
        try:
            from enkash_desktop.core.validation import validate_profile

            profile = validate_profile(self._partner.profile())
        except core.EnkashError as exc:
            dialogs.inform(self._shell.widget(), self.tr("Save profile"), tr_core(exc.message),
                           warning=True)
            return
        name = profile.name
        if name != book.current and book.taken(name) and (book.is_demo(name) or not dialogs.ask(
                self._shell.widget(), self.tr("Replace profile"),
                self.tr("A profile called “%s” already exists. Replace it?") % name,
                accept_label=self.tr("Replace"))):
            return
        secrets = self._partner.secrets()
        outcome = book.save(profile, secrets)
        self._partner.load(profile)  # the trimmed values become the saved baseline
        self._refresh_list(name)
        self._save_secrets(name, secrets, outcome.renamed_from)
        self.save_settings_async()
        self.changed.emit()
        self._shell.status(self.tr("The profile “%s” was saved.") % name)

    def _save_secrets(self, name: str, secrets: Secrets, renamed_from: str | None) -> None:
        store = self.secret_store
        if store is None:
            return

        def save_secrets() -> tuple[bool, str]:
            store.save(name, secrets)
            if renamed_from:
                store.delete_profile(renamed_from)
            return store.persistent, store.notice

        def saved(value: object) -> None:
            if isinstance(value, tuple):
                self._keyring_state = (bool(value[0]), str(value[1]))
                self.show_secret_storage(self._keyring_state)

        self._shell.run_background(save_secrets, saved, name="save-secrets")

    def delete_profile(self) -> None:
        book = self.book
        name = book.current if book is not None else None
        if not self._shell.ready or book is None or name is None or book.is_demo(name) \
                or self._busy():
            return
        if not dialogs.ask(self._shell.widget(), self.tr("Delete profile"),
                           self.tr("Delete the profile “%s” and its stored secrets?") % name,
                           accept_label=self.tr("Delete"), danger=True):
            return
        following = book.delete(name)
        store = self.secret_store
        if store is not None:
            self._shell.run_background(lambda: store.delete_profile(name), None,
                                       name="delete-secrets")
        self.save_settings_async()
        if following is None:
            self.new_profile()
        else:
            self.select(following)
        self._shell.status(self.tr("The profile “%s” was deleted.") % name)

    # -- settings --------------------------------------------------------------------------

    def save_settings_async(self) -> None:
        store = self.settings_store
        if store is None or self.book is None or self.book.read_only:
            return
        snapshot = self.book.snapshot()
        lock = self.save_lock

        def save() -> None:
            with lock:
                store.save(snapshot)

        self._shell.run_background(save, None, self._settings_failed, name="save-settings")

    def _settings_failed(self, exc: object) -> None:
        self._shell.show_notice(str(getattr(exc, "message", exc)))

    def save_settings_now(self) -> None:
        """At close: save the settings on this thread (the worker is stopped)."""
        store = self.settings_store
        if store is None or self.book is None or self.book.read_only or not self._shell.ready:
            return
        try:
            with self.save_lock:
                store.save(self.book.snapshot())
        except Exception as exc:  # the store's own error: log it, close anyway
            log.warning("settings not saved at close: %s", exc)
