"""The window's Send against a server that trickles its reply: the profile's timeout is a
deadline for the whole call, and the window stays responsive meanwhile."""

from __future__ import annotations

import time
from typing import Any

from enkash_desktop.gui.main_window import MainWindow
from tests.gui.gui_helpers import editor, retype, send
from tests.trickle import TrickleServer


def test_send_ends_at_the_profiles_deadline(qtbot: Any, window: MainWindow) -> None:
    with TrickleServer("headers") as server:
        retype(qtbot, editor(window).base_url_edit, server.base_url)
        editor(window).timeout_spin.setValue(1.0)
        retype(qtbot, editor(window).authorization_edit, "Bearer abc")
        start = time.monotonic()
        send(qtbot, window, timeout_ms=6000)
        held = time.monotonic() - start
    assert "did not answer within 1 second." in window.result.outcome.text()
    assert 1.0 <= held < 3.0, held
