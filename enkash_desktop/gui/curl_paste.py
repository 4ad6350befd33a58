"""Paste cURL: the preview dialog that Edit → Paste cURL… and Ctrl+V in the form both open.

The parsing is the core's (:func:`enkash_desktop.core.curl_import.parse_curl`) and so is
the plan of what would change (:func:`enkash_desktop.core.curl_plan.plan_import`); this
module shows the command, the plan (every field that changes, what is kept and why, and
every note, so nothing is dropped silently) and the choice about the command's secrets.
Nothing changes until the user clicks Import; :class:`~.curl_actions.CurlActions` applies
the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from .qtprops import set_enum
from .texts import tr_core
from .widgets import ERROR_COLOR

if TYPE_CHECKING:
    from enkash_desktop.core.curl_import import CurlImport
    from enkash_desktop.core.curl_plan import CurlPlan

# How long typing may pause before the preview is worked out again.
_PREVIEW_DELAY_MS = 150


class CurlPreview(NamedTuple):
    """What a command would do: a plan, or the sentence saying why it cannot be imported."""

    plan: CurlPlan | None
    problem: str = ""


def looks_like_curl(text: str) -> bool:
    """True when ``text`` starts like a curl command (after an optional ``$`` prompt)."""
    words = text.strip().split(None, 2)
    if words and words[0] == "$":
        words = words[1:]
    if not words:
        return False
    name = words[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name in ("curl", "curl.exe")


def import_notes(imported: CurlImport) -> list[str]:
    """Everything the user should know about an import: unknown options, then warnings."""
    notes: list[str] = []
    if imported.unknown_flags:
        notes.append(QCoreApplication.translate(
            "CurlPaste", "These options of the command are not used by Enkash Desktop and "
            "are left out: %s.") % ", ".join(imported.unknown_flags))
    notes.extend(tr_core(w) for w in imported.warnings)
    return notes


def _tr(text: str) -> str:
    return QCoreApplication.translate("CurlPaste", text)


def _field_label(key: str) -> str:
    from enkash_desktop.core.fields import BY_KEY

    if key in BY_KEY:
        return tr_core(BY_KEY[key].label)
    return {"base_url": _tr("Base URL"), "partner_id": _tr("Partner id")}.get(key, key)


def describe_plan(plan: CurlPlan, base_url: str) -> str:
    """The plan in sentences: what changes (old → new), what is kept and why, the notes.
    ``base_url`` is the profile's, named when it is kept."""
    from enkash_desktop.core.curl_plan import UrlKept

    lines: list[str] = []
    if plan.replaces_typed_values:
        lines += [_tr("Importing replaces values that are already filled in."), ""]
    empty = _tr("(empty)")
    for change in plan.changes:
        lines.append(_tr("%s: %s → %s") % (_field_label(change.key),
                                            change.old.strip() or empty,
                                            change.new or empty))
    if plan.url_kept is UrlKept.PLACEHOLDER:
        lines.append(_tr("The base URL stays %s: the command calls %s, a placeholder from "
                         "EnKash's documentation.") % (base_url.strip() or empty,
                                                      plan.imported.base_url))
    elif plan.url_kept is UrlKept.MANAGED:
        lines.append(_tr("The base URL stays %s: the command calls %s, but your "
                         "administrator sets this profile's base URL.")
                     % (base_url.strip() or empty, plan.imported.base_url))
    if not plan.changes:
        lines.append(_tr("The form already matches this command; importing changes "
                         "nothing."))
    notes = import_notes(plan.imported)
    if notes:
        lines += ["", _tr("Please check these points before you send:"),
                  *(f"• {note}" for note in notes)]
    return "\n".join(lines)


def secrets_choice_text(kinds: tuple[str, ...]) -> str:
    """The label of the check box that lets the command's secrets into the profile."""
    names = {"authorization": _tr("bearer token (Authorization)"), "cookie": _tr("cookie")}
    return _tr("&Use the command's %s in this profile") % _tr(" and ").join(
        names[kind] for kind in kinds)


class PasteCurlDialog(QDialog):
    """The command (prefilled), a live preview of what importing it would change, the
    choice about its secrets, Import and Cancel. ``preview`` works a text out; the dialog
    itself changes nothing."""

    def __init__(self, initial: str, preview: Callable[[str], CurlPreview],
                 describe: Callable[[CurlPlan], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paste cURL"))
        self.setObjectName("pasteCurlDialog")
        self._preview = preview
        self._describe = describe
        self.plan: CurlPlan | None = None
        self.problem = ""
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "Paste the SSO request as a curl command (from EnKash's documentation, a "
            "colleague's Copy as cURL, or a browser). Below is what importing it changes; "
            "nothing changes until you click Import."))
        intro.setWordWrap(True)
        text_label = QLabel(self.tr("&Command:"))
        self.edit = QPlainTextEdit()
        self.edit.setAccessibleName(self.tr("curl command"))
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText("curl --location --request POST 'https://…/sso-token' …")
        self.edit.setPlainText(initial)
        text_label.setBuddy(self.edit)
        preview_title = QLabel(self.tr("What importing changes:"))
        bold = preview_title.font()
        bold.setBold(True)
        preview_title.setFont(bold)
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        set_enum(self.preview_label, "textFormat", "PlainText")
        set_enum(self.preview_label, "textInteractionFlags",
                 "TextSelectableByMouse|TextSelectableByKeyboard")
        self.preview_label.setAccessibleName(self.tr("What importing changes"))
        self.secrets_box = QCheckBox()
        self.secrets_box.setToolTip(self.tr(
            "They go only into the profile's Manual token fields, replacing what is there, "
            "and are never written to the history or the log. Leave this off to keep the "
            "profile's secrets."))
        self.secrets_box.setAccessibleDescription(self.secrets_box.toolTip())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(self.tr("&Import"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setToolTip(self.tr("Fill the form from the command (Ctrl+Enter)."))
        self.import_button.setDefault(True)
        buttons.accepted.connect(self._accept_if_ready)
        buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._accept_if_ready)
        layout.addWidget(intro)
        layout.addWidget(text_label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(preview_title)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.secrets_box)
        layout.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.edit.textChanged.connect(self._timer.start)
        self.refresh()
        self.resize(680, 460)
        (self.import_button if self.plan is not None else self.edit).setFocus()

    def text(self) -> str:
        return self.edit.toPlainText()

    @property
    def use_secrets(self) -> bool:
        """True when the user ticked the box that lets the command's secrets in."""
        return self.plan is not None and bool(self.plan.secrets) \
            and self.secrets_box.isChecked()

    def refresh(self) -> None:
        """Work the preview out for the text as it is now."""
        self._timer.stop()
        self.plan, self.problem = None, ""
        text = self.text()
        if not text.strip():
            self._show(self.tr("Paste or type a curl command above."), problem=False)
        else:
            self.plan, self.problem = self._preview(text)
            if self.plan is None:
                self._show(self.problem, problem=True)
            else:
                self._show(self._describe(self.plan), problem=False)
        kinds = self.plan.secrets if self.plan is not None else ()
        self.secrets_box.setVisible(bool(kinds))
        if kinds:
            self.secrets_box.setText(secrets_choice_text(kinds))
        self.import_button.setEnabled(self.plan is not None)

    def _show(self, text: str, *, problem: bool) -> None:
        self.preview_label.setText(text)
        self.preview_label.setStyleSheet(f"color: {ERROR_COLOR.name()};" if problem else "")

    def _accept_if_ready(self) -> None:
        if self._timer.isActive():  # typed a moment ago: the preview first
            self.refresh()
        if self.plan is not None:
            self.accept()
