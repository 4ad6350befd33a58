"""cURL in and out: copy the SSO call as a command (secrets masked, or after a question
with them), and fill the form from a pasted command (its secrets only after a yes)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from enkash_desktop import core

from . import dialogs
from .texts import tr_core

if TYPE_CHECKING:
    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.core.curl_import import CurlImport
    from enkash_desktop.core.models import Profile

    from .cardholder_form import CardholderForm
    from .profile_editor import ProfileDraft
    from .shell import Shell


class CurlActions(QObject):
    """Edit → Copy as cURL, Copy as cURL with secrets, Paste cURL, and Ctrl+V in the form."""

    def __init__(self, shell: Shell, *, partner: ProfileDraft, cardholder: CardholderForm,
                 client: Callable[[], EnkashClient], busy: Callable[[], bool],
                 revalidate: Callable[[], object]) -> None:
        super().__init__(shell.widget())
        self._shell = shell
        self._partner = partner
        self._cardholder = cardholder
        self._client = client
        self._busy = busy
        self._revalidate = revalidate
        # Refuses a host the administrator does not allow ("" when allowed).
        self.host_refusal: Callable[[str], str] | None = None
        # Whether copying with secrets is allowed (the administrator may turn it off).
        self.allow_copy_with_secrets: Callable[[], bool] = lambda: True

    # -- copying ---------------------------------------------------------------------------

    def curl_text(self, *, reveal: bool) -> str | None:
        """The SSO call for the form as a curl command (None, and a status, when it can't)."""
        from enkash_desktop.core.curl import to_curl

        try:
            return to_curl(self._client().preview_sso(self._cardholder.cardholder()),
                           reveal_secrets=reveal)
        except core.EnkashError as exc:
            self._shell.status(tr_core(exc.message))
            return None

    def copy_curl(self) -> None:
        """Copy the SSO call as a curl command with every secret masked."""
        text = self.curl_text(reveal=False)
        if text is not None:
            QGuiApplication.clipboard().setText(text)
            self._shell.status(self.tr("The request was copied as a cURL command, with "
                                       "secrets masked."))

    def copy_curl_with_secrets(self) -> None:
        """Copy the SSO call with its real secrets, after the user confirms."""
        if not self.allow_copy_with_secrets():
            self._shell.status(self.tr("Copying secrets is turned off by your administrator."))
            return
        if not dialogs.ask(
                self._shell.widget(), self.tr("Copy secrets"),
                self.tr("The command will contain the bearer token and cookie in clear text."),
                informative=self.tr("Anyone who sees it can act as your partner account until "
                                    "the token expires. Paste it only somewhere private."),
                accept_label=self.tr("Copy with secrets"), danger=True):
            return
        text = self.curl_text(reveal=True)
        if text is not None:
            QGuiApplication.clipboard().setText(text)
            self._shell.status(self.tr("The request was copied as a cURL command, with its "
                                       "secrets."))

    # -- pasting ---------------------------------------------------------------------------

    def ask_curl_text(self, initial: str) -> str | None:
        """The command to import, from a small dialog (tests replace this method)."""
        from .curl_paste import ask_curl_text

        return ask_curl_text(self._shell.widget(), initial)

    def paste_curl(self) -> None:
        """Edit → Paste cURL…: a text box prefilled from the clipboard, then import it."""
        if not self._shell.ready or self._busy():
            return
        from .curl_paste import looks_like_curl

        clipboard = QGuiApplication.clipboard().text()
        text = self.ask_curl_text(clipboard if looks_like_curl(clipboard) else "")
        if text and text.strip():
            self.import_curl(text)

    def paste_into_empty_form(self) -> bool:
        """Ctrl+V in the cardholder form: a row of ids copied from a spreadsheet fills all
        three fields; a curl command is imported when the form is empty."""
        from enkash_desktop.core.validation import split_id_row

        from .curl_paste import looks_like_curl

        text = QGuiApplication.clipboard().text()
        ids = split_id_row(text) if not self._busy() and self._shell.ready else None
        if ids is not None:
            from enkash_desktop.core.models import Cardholder

            self._cardholder.load(Cardholder.from_ids(
                ids, admin=self._cardholder.cardholder().admin))
            self._cardholder.focus_first()
            self._shell.status(self.tr("The three ids were pasted from one row."))
            return True
        if not self._cardholder.is_empty() or not looks_like_curl(text) or self._busy() \
                or not self._shell.ready:
            return False
        try:
            self.import_curl(text)
        except Exception as exc:  # a bug: reported, but the command is never pasted raw
            sys.excepthook(type(exc), exc, exc.__traceback__)
        return True

    def _parse(self, text: str, title: str) -> CurlImport | None:
        """The command as the core reads it (with the profile's key for an encrypted body);
        None after telling the user why it cannot be used."""
        from enkash_desktop.core.crypto import derive_key
        from enkash_desktop.core.curl_import import parse_curl
        from enkash_desktop.core.models import PayloadEncryption

        profile = self._partner.profile()
        key: bytes | None = None
        if profile.encryption is not PayloadEncryption.OFF:
            try:
                key = derive_key(self._partner.secrets().client_secret, profile.encryption)
            except core.EnkashError:
                key = None  # the core then explains that the body cannot be read
        try:
            imported = parse_curl(text, decrypt_key=key)
        except core.EnkashError as exc:
            self._refuse(title, tr_core(exc.message))
            return None
        refusal = self.host_refusal(imported.base_url) if self.host_refusal else ""
        if refusal:
            self._refuse(title, self.tr("The command was not imported. %s") % tr_core(refusal))
            return None
        return imported

    def _refuse(self, title: str, message: str) -> None:
        dialogs.inform(self._shell.widget(), title, message, warning=True)
        self._shell.status(message)

    def import_curl(self, text: str) -> bool:
        """Fill the form from a curl command; secrets only after the user says yes.

        Base URL and partner id go to the profile, the ids to the cardholder form, and the
        Authorization and Cookie only into the profile's secret fields (never the history or
        the log). Everything the core noticed is shown; nothing is dropped silently.
        """
        from dataclasses import replace

        from .curl_paste import import_notes

        title = self.tr("Paste cURL")
        imported = self._parse(text, title)
        if imported is None:
            return False
        notes = self._fill_profile(self._partner.profile(), imported)
        admin = self._cardholder.cardholder().admin  # a curl command does not say
        self._cardholder.load(replace(imported.cardholder, admin=admin))
        if imported.has_secrets:
            notes += self._offer_secrets(imported)
        notes += import_notes(imported)
        self._revalidate()
        self._cardholder.focus_first()
        if notes:
            dialogs.inform(self._shell.widget(), title,
                           self.tr("The request was imported. Please check these points "
                                   "before you send:"),
                           informative="\n".join(f"• {note}" for note in notes))
        self._shell.status(self.tr("The request was imported from the curl command. Check it "
                                   "and press Send."))
        return True

    def _fill_profile(self, profile: Profile, imported: CurlImport) -> list[str]:
        """Base URL and partner id into the profile (not a managed one's URL); the notes."""
        notes: list[str] = []
        base_url = imported.base_url.rstrip("/")
        if base_url != profile.base_url.strip().rstrip("/"):
            from enkash_desktop.core.curl_import import is_placeholder_host

            if is_placeholder_host(base_url):
                notes.append(self.tr("The command calls %s, a placeholder from EnKash's "
                                     "documentation, so the profile's base URL was kept.")
                             % base_url)
            elif profile.managed:
                notes.append(self.tr("The command calls %s, but this profile's base URL is "
                                     "set by your administrator, so it was kept.") % base_url)
            else:
                if profile.base_url.strip():
                    notes.append(self.tr("The base URL was changed from %s to %s.")
                                 % (profile.base_url.strip(), base_url))
                self._partner.set_text("base_url", base_url)
        if imported.partner_id and imported.partner_id != profile.partner_id.strip():
            if profile.partner_id.strip():
                notes.append(self.tr("The partner id was changed from %s to %s.")
                             % (profile.partner_id.strip(), imported.partner_id))
            self._partner.set_text("partner_id", imported.partner_id)
        return notes

    def _offer_secrets(self, imported: CurlImport) -> list[str]:
        """Ask before the command's Authorization and Cookie replace the profile's."""
        from dataclasses import replace

        found = [name for name, value in ((self.tr("a bearer token (Authorization)"),
                                           imported.authorization),
                                          (self.tr("a cookie"), imported.cookie)) if value]
        if not dialogs.ask(
                self._shell.widget(), self.tr("Use the command's secrets"),
                self.tr("The command contains %s. Put them in this profile's secret "
                        "fields?") % self.tr(" and ").join(found),
                informative=self.tr("They go only into the Manual token fields of the "
                                    "profile, replacing what is there; they are never "
                                    "written to the history or the log. Choose Cancel "
                                    "to keep the current secrets."),
                accept_label=self.tr("Use the secrets")):
            return [self.tr("The command's secrets were not used; the profile's secret "
                            "fields were left as they were.")]
        from enkash_desktop.store.logs import remember_secrets

        secrets = self._partner.secrets()
        new = replace(secrets, authorization=imported.authorization or secrets.authorization,
                      cookie=imported.cookie or secrets.cookie)
        remember_secrets(new.values())
        self._partner.load_secrets(new)
        return []
