"""The portal link as a QR code, and the per-profile payload encryption option."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from enkash_desktop.core.models import ENCRYPTION_HELP, RULE_LABELS, PayloadEncryption
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.gui.qr_dialog import QrDialog
from enkash_desktop.sandbox import (
    Sandbox,
    demo_encrypted_first16_profile,
    demo_encrypted_first16_secrets,
    demo_encrypted_profile,
    demo_encrypted_secrets,
)
from enkash_desktop.store.settings import SettingsStore
from tests.gui.conftest import Asker
from tests.gui.gui_helpers import editor, send


def decode(path: Path) -> list[str]:
    with Image.open(path) as image:
        return [b.text for b in zxingcpp.read_barcodes(image)]


def qr_dialogs() -> list[QrDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QrDialog) and w.isVisible()]


# ====================================================================== QR


def test_qr_button_needs_a_link(qtbot: Any, window: MainWindow) -> None:
    assert not window.result.qr_button.isEnabled()
    send(qtbot, window)
    assert window.result.qr_button.isEnabled()
    assert window.result.qr_dialog is None and not qr_dialogs()  # never shown unless asked


def test_qr_dialog_shows_the_link_and_saves_png_and_svg(
        qtbot: Any, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    send(qtbot, window)
    link = window.result.link_view.text()
    assert link
    qtbot.mouseClick(window.result.qr_button, Qt.MouseButton.LeftButton)
    dialog = window.result.qr_dialog
    assert dialog is not None and dialog.isVisible()
    assert "signs in" in dialog.warning.text() and "expires" in dialog.warning.text()

    shown = tmp_path / "shown.png"
    pixmap = dialog.image.pixmap()
    assert pixmap is not None and not pixmap.isNull()
    assert pixmap.save(str(shown), "PNG")
    assert decode(shown) == [link]

    targets = {"png": tmp_path / "qr.png", "svg": tmp_path / "qr"}  # the suffix is added
    monkeypatch.setattr(dialog, "_choose_save_path", lambda kind: str(targets[kind]))
    qtbot.mouseClick(dialog.save_png_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_svg_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dialog.saved) == 2, timeout=5000)
    png = tmp_path / "qr.png"
    svg = tmp_path / "qr.svg"
    assert decode(png) == [link]
    assert svg.exists() and svg.read_bytes().startswith(b"<?xml")
    assert b"<svg" in svg.read_bytes()
    for path in (png, svg):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "saved" in dialog.status.text()

    # A new result closes the code of the old link.
    window.result.clear()
    qtbot.waitUntil(lambda: window.result.qr_dialog is None)
    assert not window.result.qr_button.isEnabled()


def test_qr_save_can_be_cancelled(qtbot: Any, window: MainWindow, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    send(qtbot, window)
    window.result.show_qr()
    dialog = window.result.qr_dialog
    assert dialog is not None
    monkeypatch.setattr(dialog, "_choose_save_path", lambda kind: "")
    dialog.save("png")
    assert dialog.wait_for_saves()
    assert dialog.saved == [] and not list(tmp_path.rglob("*.png"))
    dialog.reject()


# ====================================================================== encryption


def load_encrypted(window: MainWindow, sandbox: Sandbox,
                   rule: PayloadEncryption = PayloadEncryption.OFF) -> None:
    window.profiles.new_profile()
    profile = demo_encrypted_profile(sandbox.base_url).with_changes(encryption=rule)
    window.partner.load(profile, demo_encrypted_secrets())


def choose_rule(qtbot: Any, window: MainWindow, rule: PayloadEncryption) -> None:
    combo = editor(window).encryption_combo
    combo.setFocus()
    # Keyboard: Home, then Down to the rule (as a user would pick it).
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.findData(rule.value)):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert editor(window).encryption is rule


def test_encryption_option_is_off_by_default_and_explained(window: MainWindow) -> None:
    combo = editor(window).encryption_combo
    assert editor(window).encryption is PayloadEncryption.OFF
    assert window.partner.profile().encryption is PayloadEncryption.OFF
    assert combo.count() == len(RULE_LABELS)
    assert [combo.itemText(i) for i in range(combo.count())] == list(RULE_LABELS.values())
    assert combo.toolTip() == ENCRYPTION_HELP
    assert combo.whatsThis() == ENCRYPTION_HELP
    assert combo.accessibleName() == "Payload encryption"
    label = editor(window).conn_rows.labels["encryption"]
    assert label.buddy() is combo
    assert editor(window).encryption_note.isHidden()
    combo.setCurrentIndex(combo.findData(PayloadEncryption.SECRET_HEX.value))
    assert not editor(window).encryption_note.isHidden()
    assert editor(window).encryption_note.text() == "ECB is weak; EnKash's API requires it."


def test_encrypted_partner_works_after_choosing_the_rule(
        qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    load_encrypted(window, sandbox)
    send(qtbot, window)
    assert "Success" not in window.result.outcome.text()  # the partner demands encryption

    # Turning encryption on (one step down from Off) chooses EnKash's own key rule.
    combo = editor(window).encryption_combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert editor(window).encryption is PayloadEncryption.SECRET_SHA256
    assert combo.currentText() == "SHA-256 of the client secret (EnKash's guide)"
    send(qtbot, window)
    assert "Success" in window.result.outcome.text(), (window.result.outcome.text(),
                                                       window.result.hint.text())
    assert window.result.link_view.text()


def test_a_partner_on_another_rule_needs_that_rule(
        qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    window.profiles.new_profile()
    window.partner.load(demo_encrypted_first16_profile(sandbox.base_url),
                        demo_encrypted_first16_secrets())
    assert editor(window).encryption is PayloadEncryption.SECRET_FIRST_16  # kept as saved
    choose_rule(qtbot, window, PayloadEncryption.SECRET_SHA256)
    send(qtbot, window)
    hint = window.result.hint.text()
    assert "Success" not in window.result.outcome.text()
    assert "Invalid encrypted request" in window.result.outcome.text()
    assert "key rule" in hint and "client secret" in hint
    choose_rule(qtbot, window, PayloadEncryption.SECRET_FIRST_16)
    send(qtbot, window)
    assert "Success" in window.result.outcome.text(), window.result.hint.text()


@pytest.mark.parametrize(("rule", "words"), [
    (PayloadEncryption.SECRET_EXACT_16, "needs exactly 16"),
    (PayloadEncryption.SECRET_HEX, "decrypt"),
])
def test_a_wrong_rule_shows_the_cores_error(qtbot: Any, window: MainWindow, sandbox: Sandbox,
                                            rule: PayloadEncryption, words: str) -> None:
    load_encrypted(window, sandbox)
    choose_rule(qtbot, window, rule)
    send(qtbot, window)
    text = f"{window.result.outcome.text()} {window.result.hint.text()}"
    assert "Success" not in text
    assert words in text


def test_the_rule_is_saved_with_the_profile(qtbot: Any, window: MainWindow, sandbox: Sandbox,
                                            asker: Asker, home: Any) -> None:
    load_encrypted(window, sandbox)
    choose_rule(qtbot, window, PayloadEncryption.SECRET_FIRST_16)
    window.profiles.save_profile()
    assert window.wait_for_background(5000)
    qtbot.wait(10)
    saved = SettingsStore(home.settings_file).load().settings
    profile = next(p for p in saved.profiles if p.name == "Demo, encrypted (sandbox)")
    assert profile.encryption is PayloadEncryption.SECRET_FIRST_16

    # Away and back: the panel shows the saved rule again.
    editor(window).encryption_combo.setCurrentIndex(0)
    window.profiles.select("Demo (sandbox)")
    assert editor(window).encryption is PayloadEncryption.OFF
    window.profiles.select("Demo, encrypted (sandbox)")
    assert editor(window).encryption is PayloadEncryption.SECRET_FIRST_16
    assert window.partner.profile().encryption is PayloadEncryption.SECRET_FIRST_16
    assert not editor(window).encryption_note.isHidden()
