"""cURL in and out: copy the SSO call as a command (secrets masked, or after a question
with them), and fill the form from a pasted command after a preview of what changes (its
secrets only when the user ticks them in)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from enkash_desktop import core
from enkash_desktop.core.fields import ID_KEYS

from . import dialogs
from .texts import tr_core

if TYPE_CHECKING:
    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.core.curl_import import CurlImport
    from enkash_desktop.core.curl_plan import CurlPlan

    from .cardholder_form import CardholderForm
    from .curl_paste import CurlPreview, PasteCurlDialog
    from .profile_editor import ProfileDraft
    from .shell import Shell


class CurlActions(QObject):
    """Edit → Copy as cURL, Copy as cURL with secrets, Paste cURL, and Ctrl+V in the form
    (one preview for both pastes)."""

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
        # The Paste cURL preview while it is open.
        self.preview_dialog: PasteCurlDialog | None = None

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

    def paste_curl(self) -> None:
        """Edit → Paste cURL…: the preview, prefilled from the clipboard when it holds a
        curl command."""
        if not self._shell.ready or self._busy():
            return
        from .curl_paste import looks_like_curl

        clipboard = QGuiApplication.clipboard().text()
        self.open_preview(clipboard if looks_like_curl(clipboard) else "")

    def paste_into_form(self) -> bool:
        """Ctrl+V (or the menu's Paste) in a cardholder field: a row of ids copied from a
        spreadsheet fills all three fields; a curl command opens the Paste cURL preview,
        whether the form is empty or filled, and the field is left as it was. True when
        the paste was handled here (the field then does not paste)."""
        if self._busy() or not self._shell.ready:
            return False
        from enkash_desktop.core.validation import split_id_row

        from .curl_paste import looks_like_curl

        text = QGuiApplication.clipboard().text()
        ids = split_id_row(text)
        if ids is not None:
            from enkash_desktop.core.models import Cardholder

            self._cardholder.load(Cardholder.from_ids(
                ids, admin=self._cardholder.cardholder().admin))
            self._cardholder.focus_first()
            self._shell.status(self.tr("The three ids were pasted from one row."))
            return True
        if not looks_like_curl(text):
            return False
        try:
            self.open_preview(text)
        except Exception as exc:  # a bug: reported, but the command is never pasted raw
            sys.excepthook(type(exc), exc, exc.__traceback__)
        return True

    def open_preview(self, text: str) -> PasteCurlDialog:
        """Show the Paste cURL preview for ``text`` (window-modal); Import applies it,
        Cancel leaves everything as it was."""
        from .curl_paste import PasteCurlDialog, describe_plan

        if self.preview_dialog is not None:
            self.preview_dialog.close()
        dialog = PasteCurlDialog(
            text, self.preview,
            lambda plan: describe_plan(plan, self._partner.profile().base_url),
            self._shell.widget())
        self.preview_dialog = dialog
        dialog.accepted.connect(lambda: self._import(dialog))
        dialog.finished.connect(lambda _code: self._forget(dialog))
        dialog.open()
        return dialog

    def _forget(self, dialog: PasteCurlDialog) -> None:
        if self.preview_dialog is dialog:
            self.preview_dialog = None
        dialog.deleteLater()

    def preview(self, text: str) -> CurlPreview:
        """What importing ``text`` would change in the form as it is now, or why it cannot
        be imported (a sentence). Changes nothing."""
        from enkash_desktop.core.crypto import derive_key
        from enkash_desktop.core.curl_import import parse_curl
        from enkash_desktop.core.curl_plan import plan_import
        from enkash_desktop.core.models import PayloadEncryption

        from .curl_paste import CurlPreview

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
            return CurlPreview(None, tr_core(exc.message))
        refusal = self.host_refusal(imported.base_url) if self.host_refusal else ""
        if refusal:
            return CurlPreview(None, self.tr("This command cannot be imported. %s")
                               % tr_core(refusal))
        holder = self._cardholder.cardholder()
        current = {"base_url": profile.base_url, "partner_id": profile.partner_id,
                   **{field: getattr(holder, field) for field in ID_KEYS}}
        return CurlPreview(plan_import(imported, current, managed=profile.managed))

    def _import(self, dialog: PasteCurlDialog) -> None:
        """Apply the accepted preview, worked out again for the form as it is now."""
        plan, problem = self.preview(dialog.text())
        if plan is None:  # the form changed under the dialog (a policy, a profile)
            dialogs.inform(self._shell.widget(), self.tr("Paste cURL"), problem, warning=True)
            self._shell.status(problem)
            return
        self.apply(plan, use_secrets=dialog.use_secrets and bool(plan.secrets))

    def apply(self, plan: CurlPlan, *, use_secrets: bool) -> None:
        """Fill the form as ``plan`` says: the base URL and partner id into the profile,
        the ids into the cardholder form, and the command's Authorization and Cookie, when
        ``use_secrets``, only into the profile's secret fields (never the history or the
        log)."""
        from dataclasses import replace

        for key in ("base_url", "partner_id"):
            change = plan.change(key)
            if change is not None:
                self._partner.set_text(key, change.new)
        admin = self._cardholder.cardholder().admin  # a curl command does not say
        self._cardholder.load(replace(plan.imported.cardholder, admin=admin))
        if use_secrets:
            self._use_secrets(plan.imported)
        self._revalidate()
        empty = self._cardholder.first_empty()
        if empty is not None:
            empty.setFocus()
        else:
            self._cardholder.focus_first()
        status = self.tr("The request was imported from the curl command. Check it and "
                         "press Send.")
        if plan.secrets and not use_secrets:
            status += " " + self.tr("The command's secrets were not used.")
        self._shell.status(status)

    def _use_secrets(self, imported: CurlImport) -> None:
        """The command's Authorization and Cookie replace the profile's (the user said so)."""
        from dataclasses import replace

        from enkash_desktop.store.logs import remember_secrets

        secrets = self._partner.secrets()
        new = replace(secrets, authorization=imported.authorization or secrets.authorization,
                      cookie=imported.cookie or secrets.cookie)
        remember_secrets(new.values())
        self._partner.load_secrets(new)
