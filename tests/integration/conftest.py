from __future__ import annotations

from collections.abc import Iterator

import pytest

from enkash_desktop.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb
