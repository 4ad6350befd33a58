"""What the window does before its first paint: the start-up path stays lean.

A fresh interpreter builds and paints the window exactly as the program does, and reports
which heavy parts were loaded by then. Nothing here is timed (the timing is in
``benchmarks/gui_startup.py``); these are the structural promises the timing depends on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFormLayout, QLabel, QSplitter

from enkash_desktop.gui.qtprops import set_enum

PROBE = r"""
import enum, json, sys, traceback
import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets  # their module-level enums: not ours
made = []
where = []
original = enum.EnumType._create_

def spy(cls, class_name, names, **kw):
    made.append(class_name)
    if class_name == "Key":  # one of the Qt namespace's enums: say who asked for it
        where.extend(traceback.format_stack(limit=12)[:-1])
    return original(cls, class_name, names, **kw)

enum.EnumType._create_ = spy
from enkash_desktop.app import create_window
app, window = create_window()
window.show()
app.processEvents()
heavy = ["httpx", "keyring", "sqlite3", "enkash_desktop.sandbox", "enkash_desktop.store",
         "enkash_desktop.core.client", "enkash_desktop.core.models", "dataclasses",
         "enkash_desktop.gui.history_panel"]
print(json.dumps({"enums": made, "modules": [m for m in heavy if m in sys.modules],
                  "title": window.windowTitle(), "where": "".join(where)}))
"""


def _probe(tmp_path: Path) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "ENKASH_DESKTOP_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_first_paint_loads_no_storage_network_or_qt_namespace(tmp_path: Path) -> None:
    result = _probe(tmp_path)
    assert "Enkash Desktop" in result["title"]
    assert result["modules"] == []  # they come after the first paint
    # PySide makes all 93 enums of the Qt namespace the first time anything touches it;
    # Key and AlignmentFlag are two of them. The widgets set those values by name instead.
    hint = ("something touched PySide's Qt namespace before the first paint; set the value "
            "with gui.qtprops.set_enum or import Qt in the function that needs it:\n")
    assert "Key" not in result["enums"], hint + result["where"]
    assert "AlignmentFlag" not in result["enums"], hint + result["where"]
    # QEvent.Type (~180 values) is made when an event first reaches Python: the window's
    # event filters are installed after the first paint, and no widget overrides a handler.
    assert "Type" not in result["enums"], "an event reached Python before the first paint"


SERVICES_PROBE = r"""
import json, sys
from enkash_desktop.app import main
code = main(["--demo", "--quit-after-show"])
late = ["httpx", "httpcore", "enkash_desktop.core.client", "keyring", "plistlib",
        "urllib.request", "click", "rich", "pygments"]
print(json.dumps({"code": code, "modules": [m for m in late if sys.modules.get(m)]}))
"""


def test_services_start_without_the_http_stack(tmp_path: Path) -> None:
    """Start-up's services (settings, log, history, the demo sandbox, the first profile's
    check) load no HTTP client: httpx comes with the warm-up or the first call, off the GUI
    thread, and never its command-line tool; a policy file is read without plistlib and
    the log's facts without urllib (both are for Windows and macOS)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "ENKASH_DESKTOP_HOME": str(tmp_path / "home"),
           "ENKASH_DESKTOP_DEFAULTS": str(tmp_path / "no-defaults.json")}
    proc = subprocess.run([sys.executable, "-c", SERVICES_PROBE], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    expected = [] if sys.platform.startswith("linux") else [
        m for m in result["modules"] if m in ("plistlib", "urllib.request")]
    assert result["modules"] == expected


HTTPX_PROBE = r"""
import sys
import enkash_desktop.core.client
import httpx
tools = [m for m in ("click", "rich", "pygments", "httpx._main") if sys.modules.get(m)]
print(tools, callable(httpx.main))
"""


def test_httpx_never_loads_its_command_line_tool() -> None:
    """httpx imports its command-line client (click, rich, pygments) when they are
    installed, as they are with the development tools; the program never does."""
    proc = subprocess.run([sys.executable, "-c", HTTPX_PROBE], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["[]", "True"]


def test_set_enum_sets_values_by_name(qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    label = QLabel("x")
    qtbot.addWidget(label)
    set_enum(label, "alignment", "AlignRight|AlignVCenter")
    set_enum(label, "textFormat", "PlainText")
    assert label.alignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert label.textFormat() == Qt.TextFormat.PlainText
    splitter = QSplitter()
    qtbot.addWidget(splitter)
    set_enum(splitter, "orientation", "Vertical")
    assert splitter.orientation() == Qt.Orientation.Vertical
    form = QFormLayout()
    set_enum(form, "labelAlignment", "AlignRight|AlignTop")
    assert form.labelAlignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop


@pytest.mark.parametrize(("name", "keys"), [("alignment", "AlignSideways"),
                                             ("noSuchProperty", "PlainText"),
                                             ("text", "PlainText")])
def test_set_enum_refuses_typos(qtbot: Any, name: str, keys: str) -> None:
    label = QLabel("x")
    qtbot.addWidget(label)
    with pytest.raises(ValueError):
        set_enum(label, name, keys)
