"""`enkash-desktop --self-test`: prove an installed copy works, before any window opens.

It runs the demo (sandbox, Get token, Send) through the core, checks the keyring and the
per-user folders, and shows and grabs the main window with Qt (offscreen when there is no
display), so a bundle with a missing module or Qt plugin fails here and not on a user's desk.
One line per check ("ok", "WARNING" or "FAILED" and a sentence); exit code 0 unless a check
failed. A missing keyring is a warning: the app then keeps secrets for the session only.
Nothing secret is ever printed.

Run it as ``enkash-desktop --self-test`` or ``python -m enkash_desktop.selftest``.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from enkash_desktop import APP_NAME, __version__

OK = "ok"
WARNING = "WARNING"
FAILED = "FAILED"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: a status and a sentence for the reader."""

    name: str
    status: str
    detail: str


class _Report:
    """Prints each check as soon as it is known, so a crash still leaves the lines before it."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.checks: list[Check] = []

    def add(self, check: Check) -> None:
        self.checks.append(check)
        print(f"{check.status:<8} {check.name + ':':<10} {check.detail}", file=self.out,
              flush=True)

    def run(self, name: str, fn: Callable[[], Check | list[Check]]) -> None:
        """Run one check; an unexpected exception is a failure, described without secrets."""
        try:
            result = fn()
        except Exception as exc:  # the self-test reports every failure instead of raising
            result = Check(name, FAILED, f"The check stopped with {type(exc).__name__}: {exc}.")
        for check in result if isinstance(result, list) else [result]:
            self.add(check)


def _versions() -> str:
    """App, Python, Qt/PySide6 and httpx versions; "unknown" where an import fails."""
    def version_of(fn: Callable[[], str]) -> str:
        try:
            return fn()
        except Exception:  # a missing module is reported by its own check
            return "unknown"

    def qt() -> str:
        import PySide6  # noqa: TID251 - the self-test must prove Qt loads
        from PySide6.QtCore import qVersion  # noqa: TID251

        return f"{qVersion()} (PySide6 {PySide6.__version__})"

    def httpx_version() -> str:
        import httpx

        return str(httpx.__version__)

    frozen = "a bundle" if getattr(sys, "frozen", False) else "source"
    return (f"Enkash Desktop {__version__} from {frozen}, Python {platform.python_version()}, "
            f"Qt {version_of(qt)}, httpx {version_of(httpx_version)}, "
            f"on {platform.system()} {platform.machine()}.")


def check_demo_call() -> list[Check]:
    """Start the sandbox, get a demo token and send the demo SSO call through the core."""
    from enkash_desktop.core.client import EnkashClient
    from enkash_desktop.core.errors import EnkashError
    from enkash_desktop.sandbox import DEMO_CARDHOLDERS, Sandbox, demo_profile, demo_secrets

    checks: list[Check] = []
    with Sandbox() as sb:
        checks.append(Check("sandbox", OK, f"The demo server answers at {sb.base_url}."))
        with EnkashClient(demo_profile(sb.base_url), demo_secrets()) as client:
            t0 = time.perf_counter()
            try:
                token = client.fetch_token()
            except EnkashError as exc:
                checks.append(Check("token", FAILED, f"Get token failed: {exc.message}"))
                return checks
            checks.append(Check(
                "token", OK,
                f"Get token worked in {(time.perf_counter() - t0) * 1000:.0f} ms "
                f"(the token is valid for {token.seconds_left():.0f} s).",
            ))
            result = client.send_sso(DEMO_CARDHOLDERS[0])
            if result.ok and result.sso_token:
                checks.append(Check(
                    "send", OK,
                    f"Send worked in {result.elapsed_ms:.0f} ms (HTTP {result.http_status}, "
                    f"response code {result.response_code}, an SSO token was received).",
                ))
            else:
                reason = result.error.message if result.error else result.message
                checks.append(Check("send", FAILED,
                                    f"Send failed (HTTP {result.http_status}): {reason}"))
    return checks


def check_keyring(timeout_s: float) -> Check:
    """Name the keyring backend and say whether it answers within ``timeout_s``."""
    import keyring

    from enkash_desktop.store.secrets import SecretStore

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    store = SecretStore(backend, timeout_s=timeout_s)
    if store.probe():
        return Check("keyring", OK, f"The keyring {name} is usable.")
    return Check("keyring", WARNING,
                 f"The keyring {name} is not usable ({store.detail}), so secrets will be "
                 "kept for the session only.")


def check_folders() -> Check:
    """Create and delete a temporary file in each per-user folder."""
    from enkash_desktop.store.paths import AppPaths

    paths = AppPaths.default().ensure()
    folders = {"config": paths.config_dir, "data": paths.data_dir, "log": paths.log_dir,
               "cache": paths.cache_dir}
    problems = []
    for label, folder in folders.items():
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".selftest-") as handle:
                handle.write(b"ok")
                handle.flush()
        except OSError as exc:
            problems.append(f"the {label} folder {folder} ({exc.strerror or exc})")
    if problems:
        return Check("folders", FAILED, "These folders are not writable: "
                     + "; ".join(problems) + ".")
    return Check("folders", OK, "The config, data, log and cache folders are writable "
                 f"(the config folder is {paths.config_dir}).")


def _ensure_qt_platform() -> str:
    """Use the offscreen platform when none is set and there is no display."""
    if not (os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY")
            or os.environ.get("WAYLAND_DISPLAY")) and sys.platform.startswith("linux"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return os.environ.get("QT_QPA_PLATFORM", "")


def check_qt() -> list[Check]:
    """Build the application and the main window, show it and grab it as a picture."""
    _ensure_qt_platform()
    from PySide6.QtGui import QFontDatabase, QGuiApplication, QImageReader  # noqa: TID251
    from PySide6.QtWidgets import QApplication  # noqa: TID251

    from enkash_desktop.gui.application import create_window

    existing = QApplication.instance()
    app, window = create_window()
    try:
        window.show()
        for _ in range(3):
            app.processEvents()
        picture = window.grab()
        platform_name = QGuiApplication.platformName()
        formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
        families = QFontDatabase.families()
        icon_ok = not app.windowIcon().isNull()
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
    checks: list[Check] = []
    if picture.isNull() or picture.width() == 0:
        checks.append(Check("qt", FAILED, f"The main window could not be drawn on the "
                            f"{platform_name} platform."))
    else:
        checks.append(Check("qt", OK, f"The main window was shown and drawn "
                            f"({picture.width()}x{picture.height()}) on the {platform_name} "
                            "platform."))
    wanted = {"png", "svg", "ico"}
    missing = sorted(wanted - formats)
    if missing:
        checks.append(Check("images", WARNING, "Qt cannot read these image formats: "
                            + ", ".join(missing) + "."))
    else:
        checks.append(Check("images", OK, "Qt reads PNG, SVG and ICO images."))
    if not families:
        checks.append(Check("fonts", WARNING, "Qt found no fonts, so text may show as boxes "
                            "(install fontconfig-config and a font package)."))
    else:
        checks.append(Check("fonts", OK, f"Qt found {len(families)} font families."))
    if not icon_ok:
        checks.append(Check("icon", WARNING, "The application icon files were not found."))
    else:
        checks.append(Check("icon", OK, "The application icon was loaded."))
    del existing  # an application made here lives until the process exits
    return checks


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run every check and print the report; 0 when nothing failed (warnings allowed)."""
    parser = argparse.ArgumentParser(
        prog=f"{APP_NAME} --self-test",
        description="Check that this copy of Enkash Desktop works, then exit.",
    )
    parser.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keyring-timeout", type=float, default=3.0, metavar="S",
                        help="how long to wait for the keyring to answer (default 3 s)")
    parser.add_argument("--no-gui", action="store_true",
                        help="skip the Qt check (for machines without Qt's system libraries)")
    args, _ = parser.parse_known_args(list(argv) if argv is not None else None)
    stream = out if out is not None else sys.stdout
    # The store logs its keyring fallback; the report already says it in a sentence.
    app_log = logging.getLogger("enkash_desktop")
    level = app_log.level
    app_log.setLevel(logging.ERROR)
    try:
        return _run_checks(args, stream)
    finally:
        app_log.setLevel(level)


def _run_checks(args: argparse.Namespace, stream: TextIO) -> int:
    """Run every check, printing each line as it finishes; 0 when none failed."""
    print("Enkash Desktop self-test", file=stream)
    print(_versions(), file=stream, flush=True)
    report = _Report(stream)
    report.run("sandbox", check_demo_call)
    report.run("keyring", lambda: check_keyring(args.keyring_timeout))
    report.run("folders", check_folders)
    if args.no_gui:
        report.add(Check("qt", WARNING, "The Qt check was skipped as asked."))
    else:
        report.run("qt", check_qt)

    failed = [c for c in report.checks if c.status == FAILED]
    warned = [c for c in report.checks if c.status == WARNING]
    if failed:
        print(f"The self-test failed: {len(failed)} check(s) failed and {len(warned)} "
              "gave a warning.", file=stream, flush=True)
        return 1
    print(f"The self-test passed with {len(warned)} warning(s).", file=stream, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
