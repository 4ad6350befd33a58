"""`enkash_desktop.selftest` from source: the report's lines and its exit code."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from enkash_desktop import selftest
from enkash_desktop.sandbox import DEMO

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ENKASH_DESKTOP_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _statuses(report: str) -> dict[str, str]:
    """``{check name: status}`` from the report's check lines."""
    found = {}
    for line in report.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in (selftest.OK, selftest.WARNING, selftest.FAILED):
            found[parts[1].rstrip(":")] = parts[0]
    return found


def test_checks_pass_without_the_gui(home: Path) -> None:
    out = io.StringIO()
    assert selftest.main(["--no-gui", "--keyring-timeout", "1"], out=out) == 0
    report = out.getvalue()
    statuses = _statuses(report)
    assert statuses["sandbox"] == statuses["token"] == statuses["send"] == selftest.OK
    assert statuses["folders"] == selftest.OK
    assert statuses["keyring"] in (selftest.OK, selftest.WARNING)
    assert "The self-test passed" in report
    assert f"Enkash Desktop {selftest.__version__}" in report
    assert DEMO.password not in report and DEMO.oauth_client_secret not in report
    assert (home / "config").is_dir()
    assert not [p for p in home.rglob(".selftest-*")], "temporary files must be removed"


def test_unwritable_folder_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ENKASH_DESKTOP_HOME", str(blocker))
    out = io.StringIO()
    assert selftest.main(["--no-gui", "--keyring-timeout", "1"], out=out) == 1
    assert _statuses(out.getvalue())["folders"] == selftest.FAILED
    assert "The self-test failed" in out.getvalue()


def test_full_run_with_qt_offscreen(home: Path) -> None:
    # A separate process: the Qt check builds its own QApplication and real main window.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ENKASH_DESKTOP_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-m", "enkash_desktop.selftest", "--keyring-timeout", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    statuses = _statuses(proc.stdout)
    for name in ("sandbox", "token", "send", "folders", "qt", "images", "fonts"):
        assert statuses.get(name) == selftest.OK, proc.stdout
    assert "offscreen platform" in proc.stdout
