from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from enkash_desktop.store import AppPaths, write_atomic
from enkash_desktop.store.atomic import open_atomic


def test_home_env_puts_everything_under_one_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENKASH_DESKTOP_HOME", str(tmp_path / "home"))
    paths = AppPaths.default()
    assert paths.config_dir == tmp_path / "home" / "config"
    assert paths.data_dir == tmp_path / "home" / "data"
    assert paths.log_dir == tmp_path / "home" / "logs"
    assert paths.cache_dir == tmp_path / "home" / "cache"
    paths.ensure()
    for directory in (paths.config_dir, paths.data_dir, paths.log_dir, paths.cache_dir):
        assert directory.is_dir()
        if os.name == "posix":
            assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_platformdirs_without_home_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENKASH_DESKTOP_HOME", raising=False)
    paths = AppPaths.default()
    assert "enkash-desktop" in str(paths.config_dir)
    assert "enkash-desktop" in str(paths.data_dir)


def test_write_atomic_replaces_with_private_mode(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.json"]


def test_open_atomic_leaves_target_untouched_on_error(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), open_atomic(target) as f:
        f.write(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]
