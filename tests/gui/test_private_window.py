"""Open in browser starts the default browser's private window.

A temporary home registers a stand-in browser as the default, the freedesktop way (a
desktop entry and ``mimeapps.list``; ``xdg-settings``, when installed, reads the same), and
the stand-in records the arguments it was started with.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from enkash_desktop.gui import result_view
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.gui.private_browser import default_browser, private_flag
from tests.gui.gui_helpers import send


def register_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, desktop_id: str,
                     program: str) -> Path:
    """Make ``program`` (a stand-in that records its arguments) the default browser."""
    home = tmp_path / "home"
    config, data = home / ".config", home / ".local" / "share"
    for var, value in (("HOME", home), ("XDG_CONFIG_HOME", config), ("XDG_DATA_HOME", data),
                       ("XDG_CONFIG_DIRS", tmp_path / "etc-xdg"),
                       ("XDG_DATA_DIRS", tmp_path / "usr-share")):
        monkeypatch.setenv(var, str(value))
    monkeypatch.delenv("XDG_CURRENT_DESKTOP", raising=False)
    monkeypatch.delenv("DESKTOP_SESSION", raising=False)
    record = tmp_path / "started-with.txt"
    stand_in = tmp_path / "bin" / program
    stand_in.parent.mkdir(parents=True)
    stand_in.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{record}.tmp'\n"
                        f"mv '{record}.tmp' '{record}'\n")
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IXUSR)
    (data / "applications").mkdir(parents=True)
    (data / "applications" / desktop_id).write_text(
        "[Desktop Entry]\nType=Application\nName=Stand-in browser\n"
        f"Exec={stand_in} %U\nMimeType=x-scheme-handler/http;x-scheme-handler/https;\n")
    config.mkdir(parents=True)
    (config / "mimeapps.list").write_text(
        "[Default Applications]\n"
        f"x-scheme-handler/http={desktop_id}\nx-scheme-handler/https={desktop_id}\n")
    return record


def test_the_link_opens_in_a_private_window(qtbot: Any, window: MainWindow, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    record = register_browser(tmp_path, monkeypatch, "standin-chromium.desktop", "chromium")
    ordinary: list[str] = []
    monkeypatch.setattr(result_view, "open_url", lambda url: ordinary.append(url) or True)
    send(qtbot, window)
    link = window.result.link_view.text()
    window.result.open_button.click()
    qtbot.waitUntil(record.exists, timeout=8000)
    assert record.read_text().splitlines() == ["--incognito", link]
    qtbot.waitUntil(lambda: "private window" in window.statusBar().currentMessage(),
                    timeout=3000)
    assert ordinary == []


def test_an_unknown_browser_opens_normally_and_is_said_once(
        qtbot: Any, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    record = register_browser(tmp_path, monkeypatch, "standin-lynx.desktop", "lynx")
    ordinary: list[str] = []
    monkeypatch.setattr(result_view, "open_url", lambda url: ordinary.append(url) or True)
    send(qtbot, window)
    window.result.open_button.click()
    qtbot.waitUntil(lambda: len(ordinary) == 1, timeout=8000)
    assert "ordinary one" in window.statusBar().currentMessage()
    window.result.open_button.click()
    qtbot.waitUntil(lambda: len(ordinary) == 2, timeout=8000)
    assert window.statusBar().currentMessage() == "The portal link was opened in your browser."
    assert not record.exists()


def test_the_ordinary_window_setting(qtbot: Any, window: MainWindow, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    record = register_browser(tmp_path, monkeypatch, "standin-chromium.desktop", "chromium")
    ordinary: list[str] = []
    monkeypatch.setattr(result_view, "open_url", lambda url: ordinary.append(url) or True)
    window.result.open_private = False
    send(qtbot, window)
    window.result.open_button.click()
    assert ordinary == [window.result.link_view.text()] and not record.exists()


@pytest.mark.parametrize(("desktop_id", "program", "flag"), [
    ("firefox.desktop", "firefox", "--private-window"),
    ("microsoft-edge.desktop", "microsoft-edge-stable", "--inprivate"),
    ("brave-browser.desktop", "brave-browser-stable", "--incognito"),
    ("google-chrome.desktop", "google-chrome-stable", "--incognito"),
    ("org.kde.falkon.desktop", "falkon", None),
])
def test_the_default_browser_and_its_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          desktop_id: str, program: str,
                                          flag: str | None) -> None:
    register_browser(tmp_path, monkeypatch, desktop_id, program)
    browser = default_browser()
    assert browser is not None and browser.name == desktop_id
    assert browser.command == (str(tmp_path / "bin" / program),)
    assert browser.private_flag == flag
    assert private_flag("MSEdgeHTM", "msedge.exe") == "--inprivate"  # Windows' names
    assert private_flag("com.microsoft.edge") == "--inprivate"
