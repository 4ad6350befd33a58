"""The real app under the real xcb platform (Xvfb) on small and scaled screens: a demo send,
then window.grab() and the layout's facts."""

from __future__ import annotations

import importlib.util
import json
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


SCREENS = [("1280x720", 1.0), ("1366x768", 1.0), ("2560x1440", 2.0)]


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("xvfb-run") is None,
                    reason="xvfb-run is not installed (apt-get install xvfb xauth)")
@pytest.mark.parametrize(("screen", "scale"), SCREENS, ids=["1280x720", "1366x768", "200pct"])
def test_demo_send_fits_the_screen_under_xvfb(screen: str, scale: float) -> None:
    """The real app on a screen of that size: after a demo send, the window fits the
    screen's available area and no pane scrolls sideways; the screenshot is kept in
    build/screenshots for a person to look at."""
    out = ROOT / "build" / "screenshots" / f"demo-{screen}{'-200pct' if scale != 1 else ''}.png"
    out.unlink(missing_ok=True)
    proc = _screenshot_script().run_under_xvfb(out, screen=screen, scale=scale, timeout_s=90)
    assert proc.returncode == 0, proc.stderr
    facts = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert facts["fits"], facts
    assert facts["horizontal_scroll_bars"] == [], facts
    # The History tab too: its calls fit beside the task (its header's menu shows more).
    assert facts["history"]["fits"] and facts["history"]["horizontal_scroll_bars"] == [], facts
    assert facts["device_pixel_ratio"] == scale
    image = QImage(str(out))
    assert not image.isNull()
    width, height = (int(n) for n in screen.split("x"))
    # The grab is the whole window, in device pixels: most of the screen, never more.
    assert width * 0.8 <= image.width() <= width and height * 0.8 <= image.height() <= height
    # Not a blank grab: many distinct colours (text, the green success line, the badge).
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 50
