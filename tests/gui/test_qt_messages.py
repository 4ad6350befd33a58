"""Qt's own messages never carry a secret: the window started as the program starts it, a
demo send, Open in browser with no browser to open (Qt then writes the link, with its SSO
token, into a warning), and what reached stderr and the log file."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QtMsgType

from enkash_desktop.core.redaction import MASK
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.gui.qt_messages import UNSHOWABLE, qt_message
from enkash_desktop.store.logs import STDERR_HANDLER, remember_secrets, warn_on_stderr
from enkash_desktop.store.paths import AppPaths
from tests.gui.gui_helpers import send, start_as_the_program, stop_started


@pytest.fixture
def started(qtbot: Any, home: AppPaths) -> Iterator[MainWindow]:
    """The window, shown, then started as `enkash-desktop --demo` starts it."""
    window, state = start_as_the_program(qtbot)
    qtbot.waitUntil(lambda: window.ready and window.history is not None, timeout=5000)
    yield window
    stop_started(window, state)


@pytest.mark.no_qt_log  # Qt's messages go where the program's go, not to pytest-qt
def test_a_link_qt_could_not_open_reaches_stderr_and_the_log_masked(
        qtbot: Any, started: MainWindow, home: AppPaths,
        capfd: pytest.CaptureFixture[str]) -> None:
    window = started
    send(qtbot, window)
    link = window.result.link_view.text()
    token = window.result.token_edit.text()
    assert token and f"/sso/{token}/" in link
    window.result.open_private = False  # straight to Qt, which has no browser here
    capfd.readouterr()

    window.result.open_button.click()

    assert window.statusBar().currentMessage() == (
        "The browser could not be opened; copy the link instead.")
    err = capfd.readouterr().err
    assert "openUrl" in err or "web browser" in err, err  # Qt did say it, to stderr
    assert f"/sso/{MASK}/employee_rewards/" in err
    for form in (token, quote(token, safe=""), base64.b64encode(token.encode()).decode()):
        assert form not in err
    logged = home.log_file.read_text("utf-8")
    assert "Qt: " in logged and f"/sso/{MASK}/" in logged and token not in logged


SECRET = "s3cr+t/Pa=ss"  # the characters that URL-encoding and base64 change


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # read each time
@given(before=st.text(max_size=80), after=st.text(max_size=80),
       form=st.sampled_from([SECRET, quote(SECRET, safe=""),
                             base64.b64encode(SECRET.encode()).decode(),
                             base64.urlsafe_b64encode(SECRET.encode()).decode()]),
       category=st.one_of(st.none(), st.text(max_size=30)),
       mode=st.sampled_from(list(QtMsgType)))
def test_any_message_is_masked_and_never_raises(
        before: str, after: str, form: str, category: str | None, mode: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    remember_secrets([SECRET])

    class Context:
        pass

    context = Context()
    if category is not None:
        context.category = category  # type: ignore[attr-defined]
    qt_message(mode, context, f"{before}{form}{after}")
    err = capsys.readouterr().err
    assert err.endswith("\n")
    assert SECRET not in err and quote(SECRET, safe="") not in err
    assert base64.b64encode(SECRET.encode()).decode() not in err
    assert base64.urlsafe_b64encode(SECRET.encode()).decode() not in err


def test_a_message_that_cannot_be_masked_is_not_shown(
        capsys: pytest.CaptureFixture[str]) -> None:
    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError("no text")

    qt_message(QtMsgType.QtWarningMsg, object(), Hostile())  # type: ignore[arg-type]
    assert capsys.readouterr().err == UNSHOWABLE + "\n"


def test_without_a_log_file_a_qt_warning_is_on_stderr_once(
        capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    warn_on_stderr()  # what start-up does when the log file cannot be opened
    try:
        qt_message(QtMsgType.QtWarningMsg, object(), "a warning of Qt's")
        logging.getLogger("enkash_desktop.test").warning("one of ours")
        err = capsys.readouterr().err
        assert err.count("a warning of Qt's") == 1 and err.count("one of ours") == 1
    finally:
        for handler in [h for h in root.handlers if h.get_name() == STDERR_HANDLER]:
            root.removeHandler(handler)
