"""The demo window stops cleanly on Ctrl+C and SIGTERM, even when started with SIGINT ignored.

A real process (``python -m enkash_desktop --demo``, offscreen), started the way ``&`` in a
script starts it; the test waits until the window has its handlers, sends the signal, and
expects a clean exit (code 0, the window's close saved the settings, no traceback).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from enkash_desktop.store import AppPaths
from tests.processes import child, python_with_sigint_ignored

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals only.")

READY = "Ctrl+C and SIGTERM close the window"


def _wait_for_log(log: Path, text: str, proc: subprocess.Popen[str], deadline_s: float) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        assert proc.poll() is None, "the program ended before it was ready"
        if log.is_file() and text in log.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} did not appear in the log within {deadline_s} s")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_demo_window_closes_cleanly_on_a_signal(tmp_path: Path, signum: signal.Signals) -> None:
    home = tmp_path / "home"
    paths = AppPaths.under(home)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ENKASH_DESKTOP_HOME": str(home),
           "ENKASH_DESKTOP_DEFAULTS": str(tmp_path / "none.json")}
    with child(python_with_sigint_ignored("-m", "enkash_desktop", "--demo"), env=env,
               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        _wait_for_log(paths.log_file, READY, proc, deadline_s=60)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err and "Error" not in err, err[-2000:]
    log = paths.log_file.read_text(encoding="utf-8")
    assert f"stopping on signal {signum.name}" in log
    assert paths.settings_file.is_file(), "the window did not close through its closeEvent"
