"""The profile editor as a person meets it: the partner's settings live apart from the
clerk's task, are built the first time Edit profile is opened, and what is typed there is
what the next Send uses. The main view keeps the profile's badge, token state and first
problem in sight, and never grows or scrolls sideways for a banner."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea

from enkash_desktop.core.models import Environment
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import DEMO, Sandbox
from tests.gui.conftest import Asker
from tests.gui.gui_helpers import editor, get_token, retype, send, sso_calls


def test_the_editor_is_built_on_first_open_and_its_values_are_sent(
        qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    assert window.partner.editor is None  # the first paint and the demo send never build it
    send(qtbot, window)
    assert window.partner.editor is None
    assert window.profile_bar.badge.text() == "DEMO"
    # Ctrl+E opens it, with the demo's values, the cursor in the name and nothing selected.
    window.activateWindow()
    qtbot.keyClick(window.cardholder.card_account_edit, Qt.Key.Key_E,
                   Qt.KeyboardModifier.ControlModifier)
    dialog = window.partner.editor
    assert dialog is not None and dialog.isVisible()
    panel = dialog.panel
    assert panel.partner_id_edit.text() == DEMO.partner_id
    assert not panel.name_edit.hasSelectedText()
    # What is typed in the editor is what the next Send carries, with the editor closed.
    retype(qtbot, panel.partner_id_edit, "CRMXOTHER1")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert "put away" in window.result.outcome.text()  # the result was for the old partner id
    before = sso_calls(sandbox)
    send(qtbot, window)
    assert sso_calls(sandbox) == before + 1
    assert sandbox.calls[-1].headers.get("partnerId") == "CRMXOTHER1"
    # Opened again: the same window with the typed value still there.
    assert editor(window) is panel and panel.partner_id_edit.text() == "CRMXOTHER1"


def test_a_profile_problem_shows_on_the_main_view(qtbot: Any, window: MainWindow) -> None:
    panel = editor(window)
    retype(qtbot, panel.base_url_edit, "")
    window.partner.editor.close()  # type: ignore[union-attr]
    problem = window.profile_bar.problem
    assert not problem.isHidden() and "Base URL" in problem.text()
    assert not window.send_button.isEnabled()
    retype(qtbot, panel.base_url_edit, DEMO_BASE(window))
    assert problem.isHidden() and window.send_button.isEnabled()


def DEMO_BASE(window: MainWindow) -> str:
    book = window.profiles.book
    assert book is not None and book.demo_profile is not None
    return book.demo_profile.base_url


def test_a_typed_authorization_is_marked_replaced_while_a_token_is_valid(
        qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    panel = editor(window)
    note = panel.manual_token_note
    retype(qtbot, panel.authorization_edit, "Bearer typed-by-hand")
    assert note.isHidden()  # no fetched token: the typed one is used
    get_token(qtbot, window)
    assert not note.isHidden() and "Not used now" in note.text()
    assert "Token valid" in window.profile_bar.token_status.text()
    # Typing another Authorization makes it the one used: the fetched token is forgotten,
    # the note goes, and the next Send carries what was typed.
    retype(qtbot, panel.authorization_edit, "Bearer typed-again")
    assert note.isHidden()
    assert window.profile_bar.token_status.text() == "No token yet."
    before = len(sandbox.calls)
    send(qtbot, window)
    first_sso = next(call for call in sandbox.calls[before:] if "sso" in call.path)
    assert first_sso.headers.get("Authorization") == "Bearer typed-again"


def test_production_is_unmistakable_and_the_banner_never_grows_the_window(
        qtbot: Any, window: MainWindow, asker: Asker) -> None:
    window.resize(1280, 680)
    window.show()
    qtbot.waitExposed(window)
    size = window.size()
    combo = editor(window).environment_combo
    combo.setCurrentIndex(combo.findData(Environment.PRODUCTION.value))
    window.partner.editor.close()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.production_banner.isVisible())
    assert window.profile_bar.badge.text() == "PRODUCTION"
    assert window.size() == size
    window.show_notice("A notice as long as a keyring's, to take room from the form. " * 3)
    qtbot.wait(50)
    assert window.size() == size
    sideways = [area for area in window.findChildren(QAbstractScrollArea)
                if area.isVisible() and area.horizontalScrollBar().isVisible()]
    assert sideways == []
