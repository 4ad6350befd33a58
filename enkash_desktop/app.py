"""Start-up of the Enkash Desktop window (`enkash-desktop`, `python -m enkash_desktop`).

Start-up is kept fast: before the first paint only Qt (QtCore, QtGui, QtWidgets), the
window module and the core's choices (plain enums) are imported. The core's models (with
the first profile), the store, the keyring and the sandbox are imported after the window is
shown (a zero-timeout timer), and httpx only when the first call is made (or by a
background warm-up a moment after start).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from enkash_desktop import APP_NAME, __version__
from enkash_desktop.gui.application import create_window

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from enkash_desktop.gui.main_window import MainWindow
    from enkash_desktop.store.history import HistoryStore
    from enkash_desktop.store.paths import AppPaths

log = logging.getLogger("enkash_desktop")

NO_DISPLAY_MESSAGE = (
    "No display found: set DISPLAY or run with QT_QPA_PLATFORM=offscreen"
)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="Mint an EnKash rewards SSO token for a cardholder and open the portal.",
    )
    parser.add_argument("--demo", action="store_true",
                        help="start the built-in EnKash simulator and a ready demo profile")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation without a window, print a report, "
                             "and exit 0 when all is well")
    # For benchmarks and smoke tests: quit on the first event-loop turn after the window shows.
    parser.add_argument("--quit-after-show", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(list(argv) if argv is not None else None)


def _has_display() -> bool:
    """False when Qt would abort: Linux/BSD without DISPLAY, WAYLAND_DISPLAY or a platform."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the window; returns the process exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if "--self-test" in arguments:  # before any window; the self-test takes its own options
        from enkash_desktop.selftest import main as self_test

        return self_test([a for a in arguments if a != "--self-test"])
    args = _parse(arguments)
    if not _has_display():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 1

    from PySide6.QtCore import QCoreApplication, QEvent, QTimer

    app, window = create_window()
    state: dict[str, object] = {}
    window.show()
    if args.quit_after_show:  # the benchmark reads when the first window was on screen
        QTimer.singleShot(0, lambda: print(_first_window_report(), flush=True))
    QTimer.singleShot(0, lambda: start_services(window, demo=args.demo, state=state))
    QTimer.singleShot(0, lambda: _stop_on_signals(app, window))
    if args.quit_after_show:
        QTimer.singleShot(0, window.close)
        QTimer.singleShot(0, app.quit)
    try:
        return int(app.exec())
    finally:
        state["history"] = window.history_store
        state["workers_idle"] = window.wait_for_background(0) and (
            window.history is None or window.history.wait_for_idle(0))
        stop_services(state)
        # Delete the window while Qt is fully alive, not in the interpreter's final GC.
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _stop_on_signals(app: QApplication, window: MainWindow) -> None:
    """Ctrl+C and SIGTERM close the window cleanly (after the first paint: it loads a module)."""
    from enkash_desktop.gui.stop_signals import stop_on_signals

    stop_on_signals(app, window)


def _first_window_report() -> str:
    """``first-window <epoch seconds> <peak RSS so far, as getrusage says it>`` (benchmarks)."""
    try:
        import resource
    except ImportError:  # Windows
        return f"first-window {time.time():.6f} 0"
    return f"first-window {time.time():.6f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}"


def start_services(window: MainWindow, *, demo: bool, state: dict[str, object]) -> None:
    """Attach storage (and the sandbox) to a shown window; errors are shown, not raised."""
    try:
        _attach(window, demo=demo, state=state)
    except Exception:  # a start-up bug must not leave a dead window behind
        log.exception("start-up failed")
        from enkash_desktop.gui import dialogs

        dialogs.inform(window, window.tr("Enkash Desktop could not start"),
                       window.tr("Enkash Desktop could not load its settings."),
                       informative=window.tr("The details were written to the log."),
                       warning=True)


def _log_startup_facts() -> None:
    """Versions, platform, Qt platform and proxy into the log, for a support ticket; the
    package versions are read on a thread of their own (tens of milliseconds)."""
    import threading

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication

    from enkash_desktop.store.facts import log_facts

    qt = {"qt": qVersion(), "pyside6_runtime": pyside_version,
          "qt_platform": QGuiApplication.platformName()}
    threading.Thread(target=log_facts, args=(qt,), name="enkash-facts", daemon=True).start()


def _open_history(paths: AppPaths) -> HistoryStore | None:
    """The history database, or None if it cannot open. Runs on a worker: opening applies
    migrations and may wait on SQLite's lock while a command-line batch is writing."""
    from enkash_desktop.store.errors import StoreError
    from enkash_desktop.store.history import HistoryStore

    try:
        store = HistoryStore(paths.history_file)
        store.close_thread_connection()  # this pool thread is done with it
        return store
    except StoreError as exc:
        log.error("the history could not be opened: %s", exc)
        return None


def stop_services(state: dict[str, object]) -> None:
    """Stop the sandbox (if start-up started one) and close the history database."""
    sandbox = state.pop("sandbox", None)
    if sandbox is not None:
        sandbox.stop()  # type: ignore[attr-defined]
    history = state.pop("history", None)
    if history is not None:
        if state.pop("workers_idle", True):
            history.close()  # type: ignore[attr-defined]
        else:  # a worker still holds a connection: closing it under them could crash
            log.warning("the history was left open at exit: a worker was still using it")


def apply_log_level(name: str, handler: logging.Handler | None) -> None:
    """Log at the level the policy or the user's settings name (INFO when none)."""
    level = logging.getLevelName(name.upper())
    if not isinstance(level, int):
        return
    logging.getLogger("enkash_desktop").setLevel(level)
    if handler is not None:
        handler.setLevel(level)


def _attach(window: MainWindow, *, demo: bool, state: dict[str, object]) -> None:
    """Create the store (and the sandbox when wanted) and hand them to the window."""
    from enkash_desktop.gui import forget_module_sources
    from enkash_desktop.store.effective import load_settings
    from enkash_desktop.store.login_state import FileFailureCounter
    from enkash_desktop.store.logs import setup_logging, warn_on_stderr
    from enkash_desktop.store.paths import AppPaths
    from enkash_desktop.store.policy import load_policy
    from enkash_desktop.store.secrets import SecretStore
    from enkash_desktop.store.settings import installed_defaults_paths

    forget_module_sources()  # of the store: the sandbox's and the window's come next
    paths = AppPaths.default().ensure()
    handler = setup_logging(paths.log_file)
    if handler is None:
        warn_on_stderr()
    from enkash_desktop.gui.crash_dialog import install_crash_hook
    from enkash_desktop.gui.qt_messages import install_qt_messages

    # From here on a crash is logged and printed redacted, and shown in the crash dialog;
    # Qt's own messages (a link it could not open) are redacted too.
    install_crash_hook(window, window.support.export_diagnostics)
    install_qt_messages()
    log.info("Enkash Desktop %s started", __version__)
    _log_startup_facts()
    settings_store, loaded, effective = load_settings(
        paths.settings_file, defaults_paths=installed_defaults_paths(), policy=load_policy())
    apply_log_level(str(effective.value("log_level")), handler)
    sandbox = None
    if demo or not loaded.settings.profiles:
        from enkash_desktop.sandbox import Sandbox

        forget_module_sources()  # of the sandbox's HTTP server, email and ssl
        sandbox = Sandbox().start()
        state["sandbox"] = sandbox
    window.attach(
        settings_store=settings_store,
        secret_store=SecretStore(),
        failures=FileFailureCounter(paths.login_state_file),
        paths=paths,
        sandbox=sandbox,
        demo=demo,
        loaded=loaded,
        effective=effective,
    )
    window.open_history(lambda: _open_history(paths))
    forget_module_sources()  # of the service and the window's controllers


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
