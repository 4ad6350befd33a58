"""The real program quits cleanly while a long history job (retention) is still running."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from enkash_desktop.store import HistoryStore
from tests.history_data import build_history

OLD = 1_600_000_000.0  # 2020: every row is past the default retention of 365 days
# Enough rows that the clean-up outlasts the window's wait at close (1.5 s).
ROWS = 1_000_000


def test_quit_during_retention_of_a_large_history(tmp_path: Path) -> None:
    home = tmp_path / "home"
    history = home / "data" / "history.sqlite3"
    history.parent.mkdir(parents=True)
    build_history(history, ROWS, start=OLD)
    env = {**os.environ, "ENKASH_DESKTOP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "ENKASH_DESKTOP_DEFAULTS": str(tmp_path / "none.json")}
    proc = subprocess.run([sys.executable, "-m", "enkash_desktop", "--demo",
                           "--quit-after-show"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "first-window" in proc.stdout
    with HistoryStore(history) as store:  # intact, whatever retention managed to delete
        assert store.count() <= ROWS
        assert store.page(None, 10) is not None
