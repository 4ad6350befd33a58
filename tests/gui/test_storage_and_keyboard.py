"""Profiles, secrets and layout storage; keyboard and accessibility; start-up arguments."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
)

from enkash_desktop import __version__, app
from enkash_desktop.gui import result_view
from enkash_desktop.gui.main_window import PREF_GEOMETRY, PREF_MAIN_SPLITTER, MainWindow
from enkash_desktop.gui.widgets import SecretLineEdit
from enkash_desktop.sandbox import DEMO, Sandbox
from enkash_desktop.store.paths import AppPaths
from tests.doubles import MemoryKeyring
from tests.gui.gui_helpers import editor, retype, send


def _settings(home: AppPaths) -> dict[str, Any]:
    return json.loads(home.settings_file.read_text("utf-8"))


def test_demo_secrets_stay_in_memory(qtbot: Any, window: MainWindow, home: AppPaths,
                                     keyring_backend: MemoryKeyring) -> None:
    send(qtbot, window)
    window.close()
    assert keyring_backend.entries == {}
    text = home.settings_file.read_text("utf-8")
    assert DEMO.password not in text and DEMO.oauth_client_secret not in text
    assert _settings(home)["profiles"] == []  # the demo profile is not saved either
    assert not editor(window).save_button.isEnabled()


def test_saving_a_profile(qtbot: Any, window: MainWindow, sandbox: Sandbox, home: AppPaths,
                          keyring_backend: MemoryKeyring) -> None:
    qtbot.mouseClick(editor(window).new_button, Qt.MouseButton.LeftButton)
    partner = editor(window)
    retype(qtbot, partner.name_edit, "Acme UAT")
    retype(qtbot, partner.base_url_edit, sandbox.base_url)
    retype(qtbot, partner.portal_url_edit, sandbox.base_url)
    retype(qtbot, partner.partner_id_edit, DEMO.partner_id)
    retype(qtbot, partner.portal_partner_edit, DEMO.portal_partner)
    retype(qtbot, partner.username_edit, DEMO.username)
    retype(qtbot, partner.oauth_client_edit, DEMO.oauth_client_id)
    retype(qtbot, partner.login_client_edit, DEMO.login_client_id)
    retype(qtbot, partner.password_edit, DEMO.password)
    retype(qtbot, partner.client_secret_edit, DEMO.oauth_client_secret)
    assert window.isWindowModified()
    qtbot.mouseClick(partner.save_button, Qt.MouseButton.LeftButton)
    assert window.wait_for_background(3000)
    assert not window.isWindowModified()
    saved = _settings(home)
    assert [p["name"] for p in saved["profiles"]] == ["Acme UAT"]
    assert saved["current_profile"] == "Acme UAT"
    assert DEMO.password not in home.settings_file.read_text("utf-8")
    assert keyring_backend.entries[("enkash-desktop", "Acme UAT:password")] == DEMO.password
    send(qtbot, window)
    assert "Success" in window.result.outcome.text()


def test_saved_profile_and_layout_come_back(qtbot: Any, make_window: Any, sandbox: Sandbox,
                                            home: AppPaths,
                                            keyring_backend: MemoryKeyring) -> None:
    first = make_window(with_sandbox=False)
    retype(qtbot, editor(first).name_edit, "Acme")
    retype(qtbot, editor(first).base_url_edit, sandbox.base_url)
    retype(qtbot, editor(first).partner_id_edit, DEMO.partner_id)
    retype(qtbot, editor(first).authorization_edit, "typed-token")
    first.profiles.save_profile()
    assert first.wait_for_background(3000)
    first.resize(780, 560)  # fits the offscreen platform's 800×600 screen
    size = first.size()
    first.main_splitter.setSizes([300, 480])
    qtbot.wait(10)
    sizes = first.main_splitter.sizes()
    first.close()
    prefs = _settings(home)["preferences"]
    assert prefs[PREF_GEOMETRY] and prefs[PREF_MAIN_SPLITTER]

    second = make_window(with_sandbox=False)
    assert editor(second).name_edit.text() == "Acme"
    assert editor(second).authorization_edit.text() == "typed-token"  # from the keyring
    assert abs(second.main_splitter.sizes()[0] - sizes[0]) <= 4  # the partner pane's width
    assert second.size() == size


def test_keyring_notice_is_shown_for_own_profiles(qtbot: Any, home: AppPaths) -> None:
    from keyring.backends import fail

    from enkash_desktop.core.lockout import MemoryFailureCounter
    from enkash_desktop.store.secrets import SecretStore
    from enkash_desktop.store.settings import SettingsStore

    real = MainWindow(settings_store=SettingsStore(home.settings_file),
                      secret_store=SecretStore(fail.Keyring()),
                      failures=MemoryFailureCounter())
    qtbot.addWidget(real)
    real.show()
    assert real.wait_for_background(3000)
    assert real.notice_bar.isHidden()  # the keyring is not even imported until needed
    retype(qtbot, editor(real).name_edit, "Own")
    retype(qtbot, editor(real).base_url_edit, "https://pay-uat.enkash.in")
    retype(qtbot, editor(real).partner_id_edit, "CRMXWB3ZM")
    real.profiles.save_profile()
    assert real.wait_for_background(3000)
    qtbot.waitUntil(lambda: not real.notice_bar.isHidden(), timeout=2000)
    assert "session only" in real.notice_label.text()
    assert "this session only" in real.storage_label.text()


def test_every_input_has_a_label_and_an_accessible_name(window: MainWindow) -> None:
    dialog = window.partner.editor
    assert dialog is None  # the profile editor is built when it is first opened
    panel = editor(window)
    assert window.partner.editor is not None
    for root, least in ((window, 5), (window.partner.editor, 17)):
        inputs = [w for w in root.findChildren(QLineEdit) + root.findChildren(QComboBox)
                  + root.findChildren(QDoubleSpinBox) + root.findChildren(QPlainTextEdit)
                  if not isinstance(w.parent(), (QComboBox, QDoubleSpinBox))
                  and (root is window.partner.editor or w.window() is window)]
        assert len(inputs) >= least, root
        buddies = {label.buddy() for label in root.findChildren(QLabel)}
        for widget in inputs:
            assert widget.accessibleName(), widget
            if widget is not window.reply.text:
                assert widget in buddies, widget.accessibleName()
        for button in root.findChildren(QAbstractButton):
            if button.objectName().startswith("qt_"):
                continue  # Qt's own (the menu bar's overflow button)
            assert button.text() or button.accessibleName(), button
    assert panel.base_url_edit.accessibleName() == "Base URL"


def test_tab_order_follows_the_task(window: MainWindow) -> None:
    """The cardholder first, then Send, the result's actions, the reply, the profile row;
    in the profile editor, its fields in the order they are shown."""
    holder, result, bar = window.cardholder, window.result, window.profile_bar
    main_chain = [holder.card_account_edit, holder.company_edit, holder.card_id_edit]
    for first, second in itertools.pairwise(main_chain):
        assert _next_focus(first) is second
    assert _next_focus(holder.admin_radio) is window.send_button
    assert window.reply.curl_secrets_button in _chain_from(window.send_button, bar.combo)
    assert _next_focus(bar.combo) is bar.edit_button
    partner = editor(window)
    chain = [partner.profile_combo, partner.new_button, partner.save_button,
             partner.delete_button, partner.name_edit, partner.environment_combo,
             partner.base_url_edit]
    for first, second in itertools.pairwise(chain):
        assert _next_focus(first) is second
    assert result.open_button in _chain_from(window.send_button, bar.combo)


def _chain_from(start: Any, stop: Any) -> list[Any]:
    """The widgets Tab visits from ``start`` until ``stop`` (which must be reached)."""
    seen: list[Any] = []
    widget = start
    for _ in range(200):
        widget = widget.nextInFocusChain()
        if widget is stop:
            return seen
        seen.append(widget)
    raise AssertionError(f"{stop!r} is not reached from {start!r}")


def _next_focus(widget: Any) -> Any:
    nxt = widget.nextInFocusChain()
    while nxt is not None and nxt is not widget and nxt.focusPolicy() == Qt.FocusPolicy.NoFocus:
        nxt = nxt.nextInFocusChain()
    return nxt


def test_ctrl_shift_c_copies_the_link_and_open_uses_the_browser(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    send(qtbot, window)
    link = window.result.link_view.text()
    QApplication.clipboard().setText("")
    qtbot.keyClick(window.cardholder.card_account_edit, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.clipboard().text() == link
    opened: list[str] = []
    monkeypatch.setattr(result_view, "open_url", lambda url: opened.append(url) or True)
    window.result.open_private = False  # the preference for an ordinary window
    window.result.open_button.click()
    assert opened == [link]


def test_secret_fields_show_and_hide(qtbot: Any, window: MainWindow) -> None:
    edit = editor(window).password_edit
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    edit.toggle_action.trigger()
    assert edit.echoMode() == QLineEdit.EchoMode.Normal
    assert edit.toggle_action.text() == "Hide"
    edit.toggle_action.trigger()
    assert edit.echoMode() == QLineEdit.EchoMode.Password


def _eye_color(edit: SecretLineEdit) -> str:
    """The colour of the eye drawn in ``edit``'s show/hide action (its most opaque pixel)."""
    image = edit.toggle_action.icon().pixmap(32, 32).toImage()
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    return max(pixels, key=lambda color: color.alpha()).name()


def test_the_eyes_follow_a_light_dark_switch(qtbot: Any, window: MainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    token = window.result.token_edit
    assert not token.eye_drawn and token.toggle_action.icon().isNull()  # no token, no eye
    assert token.toggle_action.text() == "Show"  # named all the same
    send(qtbot, window)
    assert token.eye_drawn and not token.toggle_action.icon().isNull()
    editor(window).password_edit.toggle_action.trigger()  # one crossed-out eye as well
    edits = window.findChildren(SecretLineEdit)
    assert len(edits) == 5  # four in the profile editor, the SSO token in the result
    original = app.palette()
    try:
        for color in ("#00ff00", "#ff0000"):  # as a switch to dark and back would
            palette = QPalette(original)
            palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(color))
            app.setPalette(palette)
            qtbot.waitUntil(lambda c=color: [_eye_color(e) for e in edits] == [c] * 5)
    finally:
        app.setPalette(original)
    assert editor(window).password_edit.toggle_action.text() == "Hide"


def test_no_display_is_a_clear_message(monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert app.main([]) == 1
    assert "No display found: set DISPLAY or run with QT_QPA_PLATFORM=offscreen" in \
        capsys.readouterr().err


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        app.main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_duplicate_then_rename_a_profile(qtbot: Any, make_window: Any, sandbox: Sandbox,
                                         home: AppPaths,
                                         keyring_backend: MemoryKeyring) -> None:
    window = make_window()
    window.duplicate_action.trigger()
    assert editor(window).name_edit.text() == "Demo (sandbox) (copy)"
    assert editor(window).base_url_edit.text() == sandbox.base_url
    window.profiles.save_profile()
    assert window.wait_for_background(3000)
    saved = {p["name"]: p for p in _settings(home)["profiles"]}
    assert saved["Demo (sandbox) (copy)"]["base_url"] == sandbox.base_url
    assert ("enkash-desktop", "Demo (sandbox) (copy):password") in keyring_backend.entries

    retype(qtbot, editor(window).name_edit, "Acme copy")  # rename = new name, then Save
    window.profiles.save_profile()
    assert window.wait_for_background(3000)
    names = [p["name"] for p in _settings(home)["profiles"]]
    assert "Acme copy" in names and "Demo (sandbox) (copy)" not in names
    users = {user for _, user in keyring_backend.entries}
    assert "Acme copy:password" in users
    assert not any(u.startswith("Demo (sandbox) (copy):") for u in users)
