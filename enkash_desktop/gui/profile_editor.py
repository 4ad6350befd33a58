"""The profile editor, and the draft profile the window works with whether it is open or not.

The main view is the clerk's task (profile chooser, cardholder, Send, result); the partner's
settings (URLs, partner id, login, manual token, encryption, timeout) are an administrator's
job, once per partner, so they live in :class:`ProfileEditor`, a window of their own built
the first time it is opened (the first paint never builds them).

:class:`ProfileDraft` is what the controllers talk to: the profile and secrets on screen.
Before the editor exists it keeps them as values; once the editor is built, its fields are
the profile (they are never torn down, so a half-typed value survives closing the editor).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .profile_bar import ProfileBar
from .qtprops import set_enum

if TYPE_CHECKING:
    from enkash_desktop.core.choices import Environment
    from enkash_desktop.core.models import Profile, Secrets

    from .forms import PartnerPanel

EDITOR_SIZE = (640, 660)


class ProfileEditor(QDialog):
    """The partner's settings in a window of their own (not modal: the main view stays
    usable, and a Send uses the settings as they are typed here)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        from .forms import PartnerPanel  # its fields are built here, on first open

        self.setWindowTitle(self.tr("Profile"))
        self.setAccessibleName(self.tr("Profile editor"))
        self.panel = PartnerPanel()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)
        self.managed_note = QLabel(self.tr(
            "Set by your administrator: the environment and the URLs of this profile cannot "
            "be changed here."))
        self.managed_note.setWordWrap(True)
        set_enum(self.managed_note, "textFormat", "PlainText")
        self.managed_note.setAccessibleName(self.tr("Administrator's note"))
        self.managed_note.setFrameShape(QFrame.Shape.StyledPanel)
        self.managed_note.setMargin(6)
        self.managed_note.hide()
        outer.addWidget(self.managed_note)
        scroll = QScrollArea()
        scroll.setWidget(self.panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        set_enum(scroll, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        outer.addWidget(scroll, 1)
        row = QHBoxLayout()
        hint = QLabel(self.tr("Changes are used at once; Save keeps them for next time."))
        hint.setWordWrap(True)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close the profile editor"))
        self.close_button.setToolTip(self.tr("Close this window (Esc); unsaved changes stay "
                                             "in use until you switch profiles."))
        self.close_button.clicked.connect(self.close)
        row.addWidget(hint, 1)
        row.addWidget(self.close_button)
        outer.addLayout(row)
        self.resize(*EDITOR_SIZE)
        self.panel.changed.connect(self._retitle)

    def _retitle(self) -> None:
        name = self.panel.name_edit.text().strip()
        self.setWindowTitle(self.tr("Profile — %s") % name if name else self.tr("Profile"))

    def show_managed(self, managed: bool) -> None:
        self.managed_note.setVisible(managed)
        self._retitle()


class ProfileDraft(QObject):
    """The profile and secrets on screen, for the controllers; the editor's fields once it
    has been opened, values kept here before."""

    changed = Signal()
    profileChosen = Signal(str)  # from the main view's chooser or the editor's

    def __init__(self, bar: ProfileBar, parent: QWidget) -> None:
        super().__init__(parent)
        self.bar = bar
        self._window = parent
        self.editor: ProfileEditor | None = None
        self._profile: Profile | None = None
        self._secrets: Secrets | None = None
        self._busy = False
        self._names: tuple[list[str], str] = ([], "")
        self._on_built: list[Callable[[PartnerPanel], object]] = []
        bar.profileChosen.connect(self.profileChosen)
        bar.editRequested.connect(self.open_editor)

    # -- the editor ------------------------------------------------------------------------

    @property
    def panel(self) -> PartnerPanel | None:
        """The editor's fields, once it has been opened (None before)."""
        return self.editor.panel if self.editor is not None else None

    def build_editor(self) -> PartnerPanel:
        """Build the editor (once) with the draft in its fields; returns its panel.

        What the form decides (problems, permissions, the token's state) is not kept here:
        ``changed`` is emitted once the editor is built, and the window shows it again."""
        if self.editor is not None:
            return self.editor.panel
        editor = ProfileEditor(self._window)
        panel = editor.panel
        names, current = self._names
        panel.set_profiles(names, current)
        if not current:
            panel.clear_profile_choice()
        if self._profile is not None:
            panel.load(self._profile, self._secrets)
            editor.show_managed(self._profile.managed)
        panel.set_busy(self._busy)
        self.editor = editor  # from here on, the fields are the profile
        panel.changed.connect(self.changed)
        panel.profileChosen.connect(self.profileChosen)
        panel.changed.connect(self._show_environment)
        for action in self._on_built:
            action(panel)
        self._on_built.clear()
        self.changed.emit()  # the window shows the form's verdict in the new fields
        return panel

    def open_editor(self) -> PartnerPanel:
        """Show the editor (built on first open) in front, the focus on its first field."""
        panel = self.build_editor()
        assert self.editor is not None
        first = not self.editor.isVisible()
        self.editor.show()
        from PySide6.QtGui import QGuiApplication

        if QGuiApplication.platformName() != "offscreen":  # it has no windows to stack
            self.editor.raise_()
        self.editor.activateWindow()
        if first:
            panel.name_edit.setFocus()
        return panel

    def when_built(self, action: Callable[[PartnerPanel], object]) -> None:
        """Run ``action`` on the editor's fields now, or when the editor is first built."""
        if self.panel is not None:
            action(self.panel)
        else:
            self._on_built.append(action)

    # -- the values ------------------------------------------------------------------------

    def profile(self) -> Profile:
        """The profile as typed (not validated)."""
        if self.panel is not None:
            return self.panel.profile()
        if self._profile is None:
            from enkash_desktop import core

            self._profile = core.Profile(name="")
        return self._profile

    def secrets(self) -> Secrets:
        if self.panel is not None:
            return self.panel.secrets()
        if self._secrets is None:
            from enkash_desktop import core

            self._secrets = core.Secrets()
        return self._secrets

    @property
    def environment(self) -> Environment:
        return self.profile().environment

    def load(self, profile: Profile, secrets: Secrets | None = None) -> None:
        """Show ``profile`` (and its secrets, when known) as the one on screen."""
        self._profile = profile
        if secrets is not None:
            self._secrets = secrets
        if self.panel is not None:
            self.panel.load(profile, secrets)
        if self.editor is not None:
            self.editor.show_managed(profile.managed)
        self._show_environment()

    def load_secrets(self, secrets: Secrets) -> None:
        self._secrets = secrets
        if self.panel is not None:
            self.panel.load_secrets(secrets)
        else:
            self.changed.emit()

    def set_text(self, key: str, text: str) -> None:
        """Set the text field ``key`` (e.g. "base_url", "partner_id") as if typed."""
        if self.panel is not None:
            self.panel.set_text(key, text)
            return
        from enkash_desktop import core

        if key in core.Secrets.KINDS:
            from dataclasses import replace

            self._secrets = replace(self.secrets(), **{key: text})
        else:
            self._profile = self.profile().with_changes(**{key: text})
        self.changed.emit()

    def _show_environment(self) -> None:
        self.bar.set_environment(self.profile().environment.value)

    # -- what the window shows -------------------------------------------------------------

    def set_profiles(self, names: list[str], current: str) -> None:
        self._names = (names, current)
        self.bar.set_profiles(names, current)
        if self.panel is not None:
            self.panel.set_profiles(names, current)

    def clear_profile_choice(self) -> None:
        self._names = (self._names[0], "")
        self.bar.combo.setCurrentIndex(-1)
        if self.panel is not None:
            self.panel.clear_profile_choice()

    def set_permissions(self, *, token_blocker: str, can_save: bool, can_delete: bool,
                        demo: bool) -> None:
        if self.panel is not None:
            self.panel.set_permissions(token_blocker=token_blocker, can_save=can_save,
                                       can_delete=can_delete, demo=demo)

    def set_token_status(self, text: str, style: str) -> None:
        self.bar.set_token_status(text, style)
        if self.panel is not None:
            self.panel.set_token_status(text, style)

    def set_manual_token_replaced(self, replaced: bool) -> None:
        """Whether a typed Authorization is replaced by the token from Get token."""
        if self.panel is not None:
            self.panel.set_manual_token_replaced(replaced)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.bar.set_busy(busy)
        if self.panel is not None:
            self.panel.set_busy(busy)

    def show_problems(self, problems: dict[str, str], warnings: dict[str, str]) -> None:
        """Each field's problem in the editor; the first one on the main view's profile row
        (untouched empty fields of a new profile say it only there)."""
        if self.panel is not None:
            self.panel.show_problems(problems, warnings)
        from .texts import tr_core

        self.bar.set_problem(tr_core(next(iter(problems.values()), "")))

    def message(self, key: str) -> str:
        """The message under field ``key`` in the editor (empty when none, or not built)."""
        return self.panel.message(key) if self.panel is not None else ""

    def focus_name(self) -> None:
        """Open the editor with the cursor in the profile's name, selected to type over."""
        panel = self.open_editor()
        panel.focus_name()

    def focus_order(self) -> list[QWidget]:
        return self.bar.focus_order()
