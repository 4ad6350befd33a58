"""Take the README screenshot: the demo profile after a successful send, under Xvfb.

    python scripts/screenshot.py                            # docs/screenshot.png, 1280×720
    python scripts/screenshot.py --screen 1366x768 --out shot.png
    python scripts/screenshot.py --screen 2560x1440 --scale 2 --out shot-200.png

The parent process starts ``xvfb-run -a`` with the real ``xcb`` platform and a screen of the
given size, and runs this same script with ``--child``; the child drives the real
application start-up (`--demo`) at the size it chooses for that screen, presses Send, waits
for the result and saves ``window.grab()``. Next to it go what a person would check by eye
(``<out>.json``: the window's frame, the screen's available area and every horizontal
scroll bar that is showing), the profile editor as Edit profile opens it
(``<out>-editor.png``) and the History tab (``<out>-history.png``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOT_ENV = "ENKASH_SCREENSHOT"
TIMEOUT_MS = 20_000


def run_under_xvfb(out: Path, *, screen: str = "1280x720", scale: float = 1.0,
                   timeout_s: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run the child under ``xvfb-run -a`` (xcb platform); raises if xvfb-run is missing."""
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        raise FileNotFoundError("xvfb-run is not installed (apt-get install xvfb xauth)")
    env = dict(os.environ)
    env[SHOT_ENV] = str(out)
    env["QT_QPA_PLATFORM"] = "xcb"
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("QT_SCALE_FACTOR", None)
    if scale != 1.0:
        env["QT_SCALE_FACTOR"] = f"{scale:g}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [xvfb, "-a", "-s", f"-screen 0 {screen}x24 -dpi 96",
           sys.executable, str(Path(__file__).resolve()), "--child"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout_s,
                          check=False)


def layout_facts(window: object) -> dict[str, object]:
    """The frame, the screen's available area and the horizontal scroll bars showing."""
    from PySide6.QtWidgets import QAbstractScrollArea, QMainWindow  # noqa: TID251

    assert isinstance(window, QMainWindow)
    frame = window.frameGeometry()
    screen = window.screen().availableGeometry()
    sideways = [area.accessibleName() or area.objectName() or type(area).__name__
                for area in window.findChildren(QAbstractScrollArea)
                if area.isVisible() and area.horizontalScrollBar().isVisible()]
    return {
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "available": [screen.x(), screen.y(), screen.width(), screen.height()],
        "fits": screen.contains(frame),
        "horizontal_scroll_bars": sideways,
        "device_pixel_ratio": window.devicePixelRatioF(),
    }


def child() -> int:
    """Inside the X server: start the app in demo mode, send, grab, save."""
    out = Path(os.environ[SHOT_ENV])
    home = tempfile.mkdtemp(prefix="enkash-shot-")
    os.environ["ENKASH_DESKTOP_HOME"] = home
    os.environ.setdefault("ENKASH_DESKTOP_DEFAULTS", str(Path(home) / "none.json"))

    from PySide6.QtCore import QTimer  # noqa: TID251 - drives the real window

    from enkash_desktop.app import create_window, start_services, stop_services

    app, window = create_window()
    window.show()
    state: dict[str, object] = {}
    outcome = {"code": 2}

    def begin() -> None:
        start_services(window, demo=True, state=state)
        window.calls.send()
        poll.start()

    def check() -> None:
        if window.busy:
            return
        poll.stop()
        if "Success" not in window.result.outcome.text():
            print(f"the demo send did not succeed: {window.result.outcome.text()}",
                  file=sys.stderr)
            app.quit()
            return
        QTimer.singleShot(300, save)

    def save() -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        facts = layout_facts(window)
        editor_out = out.with_name(f"{out.stem}-editor.png")
        if window.grab().save(str(out), "PNG"):
            outcome["code"] = 0
        else:
            print(f"could not write {out}", file=sys.stderr)
        panel = window.partner.open_editor()  # Edit profile…, as a person would see it
        app.processEvents()
        if not panel.window().grab().save(str(editor_out), "PNG"):
            print(f"could not write {editor_out}", file=sys.stderr)
            outcome["code"] = 2
        panel.window().close()
        if window.history is not None:  # the History tab, as tall as the window allows
            window.lower_tabs.setCurrentWidget(window.history)
            app.processEvents()
            facts["history"] = layout_facts(window)
            window.grab().save(str(out.with_name(f"{out.stem}-history.png")), "PNG")
        out.with_suffix(".json").write_text(json.dumps(facts, indent=2), encoding="utf-8")
        window.close()
        app.quit()

    def give_up() -> None:
        print("timed out waiting for the demo send", file=sys.stderr)
        app.quit()

    poll = QTimer()
    poll.setInterval(50)
    poll.timeout.connect(check)
    QTimer.singleShot(0, begin)
    QTimer.singleShot(TIMEOUT_MS, give_up)
    try:
        app.exec()
    finally:
        stop_services(state)
        shutil.rmtree(home, ignore_errors=True)
    return outcome["code"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--screen", default="1280x720", help="the X screen, WIDTHxHEIGHT")
    parser.add_argument("--scale", type=float, default=1.0, help="the scale (2 for 200 %%)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child()
    try:
        proc = run_under_xvfb(args.out.resolve(), screen=args.screen, scale=args.scale)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    sys.stderr.write(proc.stderr)
    if proc.returncode == 0:
        print(f"wrote {args.out}")
        print(args.out.with_suffix(".json").read_text(encoding="utf-8"))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
