"""Fixtures for the window tests: offscreen Qt, a real loopback sandbox, a temp home."""

from __future__ import annotations

import logging
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from enkash_desktop.core.lockout import FailureCounter, MemoryFailureCounter
from enkash_desktop.gui import dialogs
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import Sandbox
from enkash_desktop.store.history import HistoryStore
from enkash_desktop.store.paths import AppPaths
from enkash_desktop.store.secrets import SecretStore
from enkash_desktop.store.settings import SettingsStore
from tests.doubles import MemoryKeyring

# The offscreen platform cannot resize a window to its size hints; it says so once.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


class Asker:
    """Stands in for :func:`dialogs.ask`: records each question and gives ``answer``."""

    def __init__(self) -> None:
        self.answer = True
        self.calls: list[dict[str, Any]] = []

    def __call__(self, parent: Any, title: str, text: str, **kwargs: Any) -> bool:
        self.calls.append({"title": title, "text": text, **kwargs})
        return self.answer

    def texts(self) -> str:
        return "\n".join(f"{c['title']} {c['text']} {c.get('informative', '')}"
                         for c in self.calls)


@pytest.fixture
def asker(monkeypatch: pytest.MonkeyPatch) -> Asker:
    fake = Asker()
    monkeypatch.setattr(dialogs, "ask", fake)
    monkeypatch.setattr(dialogs, "inform", lambda *a, **k: fake.calls.append(
        {"title": "inform", "text": a[2] if len(a) > 2 else "", **k}))
    return fake


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(token_lifetime_s=300) as sb:
        yield sb


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    monkeypatch.setenv("ENKASH_DESKTOP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ENKASH_DESKTOP_DEFAULTS", str(tmp_path / "no-defaults.json"))
    return AppPaths.default().ensure()


@pytest.fixture
def logged(home: AppPaths) -> Iterator[None]:
    """The program's log file under ``home``, as start-up sets it up (redacted)."""
    from enkash_desktop.store.logs import setup_logging

    handler = setup_logging(home.log_file)
    assert handler is not None
    yield
    logging.getLogger().removeHandler(handler)
    handler.close()


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def make_window(qtbot: Any, home: AppPaths, sandbox: Sandbox, keyring_backend: MemoryKeyring,
                asker: Asker) -> Iterator[Callable[..., MainWindow]]:
    """Build a shown window on the demo profile (sandbox) with storage under ``home``."""

    def make(*, demo: bool = True, with_sandbox: bool = True,
             with_history: bool = False, failures: FailureCounter | None = None) -> MainWindow:
        history = HistoryStore(home.history_file) if with_history else None
        if history is not None:
            stores.append(history)
        window = MainWindow(
            settings_store=SettingsStore(home.settings_file),
            secret_store=SecretStore(keyring_backend, timeout_s=2.0),
            failures=failures or MemoryFailureCounter(),
            sandbox=sandbox if with_sandbox else None,
            demo=demo,
            history_store=history,
            paths=home,
        )
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.wait_for_background(3000)
        qtbot.wait(10)  # deliver the background results
        return window

    stores: list[HistoryStore] = []
    yield make
    for store in stores:
        store.close()


@pytest.fixture
def window(make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window()
