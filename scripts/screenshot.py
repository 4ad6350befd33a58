"""Take the README screenshot: the demo profile after a successful send, under Xvfb.

    python scripts/screenshot.py                 # writes docs/screenshot.png
    python scripts/screenshot.py --out shot.png

The parent process starts ``xvfb-run -a`` with the real ``xcb`` platform and runs this same
script with ``--child``; the child drives the real application start-up (`--demo`), presses
Send, waits for the result and saves ``window.grab()`` to the path in ``ENKASH_SCREENSHOT``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOT_ENV = "ENKASH_SCREENSHOT"
WINDOW_SIZE = (1280, 840)
TIMEOUT_MS = 20_000


def run_under_xvfb(out: Path, *, timeout_s: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run the child under ``xvfb-run -a`` (xcb platform); raises if xvfb-run is missing."""
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        raise FileNotFoundError("xvfb-run is not installed (apt-get install xvfb xauth)")
    env = dict(os.environ)
    env[SHOT_ENV] = str(out)
    env["QT_QPA_PLATFORM"] = "xcb"
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [xvfb, "-a", "-s", "-screen 0 1600x1000x24 -dpi 96",
           sys.executable, str(Path(__file__).resolve()), "--child"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout_s,
                          check=False)


def child() -> int:
    """Inside the X server: start the app in demo mode, send, grab, save."""
    out = Path(os.environ[SHOT_ENV])
    home = tempfile.mkdtemp(prefix="enkash-shot-")
    os.environ["ENKASH_DESKTOP_HOME"] = home
    os.environ.setdefault("ENKASH_DESKTOP_DEFAULTS", str(Path(home) / "none.json"))

    from PySide6.QtCore import QTimer  # noqa: TID251 - drives the real window

    from enkash_desktop.app import create_window, start_services, stop_services

    app, window = create_window()
    window.resize(*WINDOW_SIZE)
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
        window.cardholder.card_account_edit.setFocus()
        QTimer.singleShot(300, save)

    def save() -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        if window.grab().save(str(out), "PNG"):
            outcome["code"] = 0
        else:
            print(f"could not write {out}", file=sys.stderr)
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
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child()
    try:
        proc = run_under_xvfb(args.out.resolve())
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    sys.stderr.write(proc.stderr)
    if proc.returncode == 0:
        print(f"wrote {args.out}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
