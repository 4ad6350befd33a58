"""The real app under the real xcb platform (Xvfb): a demo send, then window.grab()."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def _screenshot_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("enkash_screenshot",
                                                  ROOT / "scripts" / "screenshot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("xvfb-run") is None,
                    reason="xvfb-run is not installed (apt-get install xvfb xauth)")
def test_demo_send_screenshot_under_xvfb(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    proc = _screenshot_script().run_under_xvfb(out, timeout_s=90)
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert not image.isNull()
    assert image.width() >= 1000 and image.height() >= 700
    # Not a blank grab: many distinct colours (text, the green success line, the badge).
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 50
