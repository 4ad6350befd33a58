"""The installer tests build the bundle (minutes): they run only when asked for.

Select them with ``-m packaging`` (or set ``ENKASH_PACKAGING=1``). Otherwise they are
deselected, not skipped, so a plain ``pytest`` stays fast and CI's no-skip rule holds.
"""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = "packaging" in (config.option.markexpr or "") or (
        os.environ.get("ENKASH_PACKAGING") == "1"
    )
    if wanted:
        return
    slow = [item for item in items if item.get_closest_marker("packaging")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("packaging")]
