"""The Qt binding itself: a known PySide6 bug must not come back with an upgrade.

PySide6 6.12.0 on Python 3.11 drops one reference to ``True`` (and to ``None``) on every
signal emit; after a few hundred emits the interpreter aborts with ``bool_dealloc``. The
window emits on every keystroke, so this would crash a working session.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    value = Signal(int)
    nothing = Signal()


def test_signal_emits_keep_reference_counts_of_singletons(qapp: object) -> None:
    emitter = _Emitter()
    seen: list[int] = []
    emitter.value.connect(seen.append)
    emitter.nothing.connect(lambda: None)
    before = sys.getrefcount(True), sys.getrefcount(None), sys.getrefcount(False)
    for i in range(200):
        emitter.value.emit(i)
        emitter.nothing.emit()
    after = sys.getrefcount(True), sys.getrefcount(None), sys.getrefcount(False)
    assert len(seen) == 200
    # Allow a little noise from other threads; the bug loses 200 at once.
    assert all(abs(a - b) < 20 for a, b in zip(after, before, strict=True)), (before, after)
