"""The log file and the diagnostics zip never hold a secret."""

from __future__ import annotations

import logging
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from enkash_desktop.store import AppPaths
from enkash_desktop.store.diagnostics import export_diagnostics
from enkash_desktop.store.logs import (
    STDERR_HANDLER,
    remember_secrets,
    setup_logging,
    warn_on_stderr,
)

SECRET = "unique-secret-7f3a9c"
BEARER = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.sig-42"


@pytest.fixture
def paths(tmp_path: Path) -> Iterator[AppPaths]:
    p = AppPaths.under(tmp_path).ensure()
    handler = setup_logging(p.log_file)
    assert handler is not None
    yield p
    logging.getLogger().removeHandler(handler)
    handler.close()


def test_log_is_private_and_redacted(paths: AppPaths) -> None:
    remember_secrets([SECRET])
    log = logging.getLogger("enkash_desktop.test")
    log.info("login with password %s", SECRET)
    log.warning("Authorization: Bearer %s", BEARER)
    try:
        raise ValueError(f"boom {SECRET}")
    except ValueError:
        log.exception("call failed for Cookie: JSESSIONID=%s", "ABCDEF0123456789")
    text = paths.log_file.read_text()
    assert "login with password" in text and "call failed" in text and "ValueError" in text
    for leaked in (SECRET, BEARER, "ABCDEF0123456789"):
        assert leaked not in text
    assert stat.S_IMODE(paths.log_file.stat().st_mode) == 0o600


def test_diagnostics_zip_has_logs_settings_and_no_secret(paths: AppPaths) -> None:
    remember_secrets([SECRET])
    logging.getLogger("enkash_desktop.test").error("oops %s", SECRET)
    paths.settings_file.write_text('{"version": 1, "profiles": []}')
    target = paths.cache_dir / "diag.zip"
    export_diagnostics(paths, target, {"qt": "6.x"})
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        assert {"report.json", "settings.json", "logs/enkash-desktop.log"} <= names
        blob = b"".join(archive.read(n) for n in names)
    assert b"oops" in blob and SECRET.encode() not in blob and b'"qt": "6.x"' in blob
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_unwritable_log_dir_does_not_stop_the_program(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    root = logging.getLogger()
    try:
        assert setup_logging(blocker / "logs" / "app.log") is None
        assert "logging is off" in capsys.readouterr().err
        # The window's warnings then go to stderr, redacted (not raw, through Python's
        # last resort).
        warn_on_stderr()
        remember_secrets([SECRET])
        logging.getLogger("enkash_desktop.test").warning(
            "keyring call failed for %s with Authorization: Bearer %s", SECRET, BEARER)
        logging.getLogger("enkash_desktop.test").info("not shown: %s", "chatty")
        err = capsys.readouterr().err
        assert "keyring call failed" in err and "chatty" not in err
        assert SECRET not in err and BEARER not in err
        warn_on_stderr()  # a second time: still one handler
        assert sum(h.get_name() == STDERR_HANDLER for h in root.handlers) == 1
    finally:
        for handler in [h for h in root.handlers if h.get_name() == STDERR_HANDLER]:
            root.removeHandler(handler)
