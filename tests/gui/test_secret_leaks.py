"""No secret reaches the disk: a scripted session with unique secrets, then a scan.

Demo sends, failed sends, Get token (good and bad), a saved profile with typed secrets,
the history CSV export, the diagnostics export and a crash; afterwards no file under the
app's config, data, log and cache folders holds any of the secret strings used.
"""

from __future__ import annotations

import csv
import json
import logging
import secrets as random_secrets
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from enkash_desktop.core.redaction import secret_forms
from enkash_desktop.gui.main_window import MainWindow
from enkash_desktop.sandbox import DEMO, Sandbox
from enkash_desktop.store.logs import log_uncaught
from enkash_desktop.store.paths import AppPaths
from tests.doubles import MemoryKeyring
from tests.gui.gui_helpers import editor, get_token, retype, send


def unique(prefix: str) -> str:
    return f"{prefix}-{random_secrets.token_hex(8)}"


def test_a_whole_session_writes_no_secret(qtbot: Any, make_window: Any, sandbox: Sandbox,
                                          home: AppPaths, keyring_backend: MemoryKeyring,
                                          logged: None, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    used: list[str] = [DEMO.password, DEMO.oauth_client_secret]
    window: MainWindow = make_window(with_history=True)
    assert window.history is not None

    # 1. demo: Get token, then sends that succeed and fail
    get_token(qtbot, window)
    client = window.calls.current_client()
    assert client is not None and client.token is not None
    used.append(client.token.value)
    send(qtbot, window)
    used.append(window.result.token_edit.text())
    for fault in ("http_500", "not_json", "code_1"):
        sandbox.set_fault(fault, endpoint="sso", times=1)
        send(qtbot, window)
    send(qtbot, window)
    used.append(window.result.token_edit.text())

    # 2. the user's own profile with unique typed secrets, saved (keyring), then used
    window.profiles.new_profile()
    typed_bearer = sandbox.issue_token()
    cookie_value = random_secrets.token_hex(16).upper()
    password, client_secret = unique("pw") + "+/=", unique("cs") + "/+"
    used += [typed_bearer, cookie_value, password, client_secret]
    p = editor(window)
    retype(qtbot, p.name_edit, "Leak check")
    retype(qtbot, p.base_url_edit, sandbox.base_url)
    retype(qtbot, p.auth_url_edit, sandbox.base_url)
    retype(qtbot, p.partner_id_edit, DEMO.partner_id)
    retype(qtbot, p.portal_partner_edit, DEMO.portal_partner)
    retype(qtbot, p.username_edit, DEMO.username)
    retype(qtbot, p.oauth_client_edit, DEMO.oauth_client_id)
    retype(qtbot, p.password_edit, password)
    retype(qtbot, p.client_secret_edit, client_secret)
    retype(qtbot, p.authorization_edit, typed_bearer)
    retype(qtbot, p.cookie_edit, f"JSESSIONID={cookie_value}")
    window.profiles.save_profile()
    assert window.wait_for_background(3000)
    assert any(v == password for v in keyring_backend.entries.values())
    send(qtbot, window)
    assert window.result.token_edit.text()
    used.append(window.result.token_edit.text())
    get_token(qtbot, window)  # the unique password is wrong: a failed login, logged
    own = window.calls.current_client()
    assert own is not None and own.login_failures() == 1

    # 3. exports into the app's own folders, so the scan covers them
    assert window.history.wait_for_idle(5000)
    csv_path = home.cache_dir / "history.csv"
    monkeypatch.setattr(window.history, "_choose_csv_path", lambda: str(csv_path))
    window.history.export_csv()
    qtbot.waitUntil(csv_path.exists, timeout=5000)
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    # Every call: 5 demo sends (3 failed), 1 own, and the two logins (the second failed).
    assert len(rows) == 8
    assert [r["kind"] for r in rows].count("login") == 2
    assert sorted(r["outcome"] for r in rows).count("success") == 4
    zip_path = home.cache_dir / "diagnostics.zip"
    monkeypatch.setattr(window.support, "choose_diagnostics_path", lambda: str(zip_path))
    window.support.export_diagnostics()
    qtbot.waitUntil(zip_path.exists, timeout=5000)
    with zipfile.ZipFile(zip_path) as archive:
        history = json.loads(archive.read("history.json"))
        report = json.loads(archive.read("report.json"))
        zipped_log = archive.read("logs/enkash-desktop.log").decode()
        assert "history.json" in archive.read("README.txt").decode()
    assert len(history) == 8 and sorted(r["outcome"] for r in history).count("server") == 1
    assert report["platform_plugin"] == "offscreen" and report["keyring_backend"]
    assert "outcome server, HTTP 500" in zipped_log and "Login: profile" in zipped_log

    # 4. a crash whose message carries secrets, through the app's crash hook
    try:
        raise RuntimeError(f"crash with {password} and Bearer {typed_bearer}")
    except RuntimeError:
        log_uncaught(*sys.exc_info())  # type: ignore[arg-type]
    crash_output = capsys.readouterr().err
    assert "RuntimeError" in crash_output and password not in crash_output

    window.close()
    logging.getLogger().handlers[-1].flush()

    written = [f for d in (home.config_dir, home.data_dir, home.log_dir, home.cache_dir)
               for f in Path(d).rglob("*") if f.is_file()]
    names = {f.name for f in written}
    assert {"settings.json", "history.sqlite3", "enkash-desktop.log", "history.csv",
            "diagnostics.zip"} <= names, names
    log_text = home.log_file.read_text()
    assert "crash with" in log_text
    assert len([s for s in used if s]) >= 10
    for path in written:
        data = _readable(path)
        for secret in used:  # raw, URL-encoded, base64 and JSON-escaped
            for form in secret_forms(secret):
                assert form.encode() not in data, f"{secret[:6]}… found in {path.name}"


def _readable(path: Path) -> bytes:
    """The file's bytes, and for a zip the bytes of every member (they are compressed)."""
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            data += b"".join(archive.read(name) for name in archive.namelist())
    return data


def test_an_echoing_server_leaks_no_form_of_a_secret(qtbot: Any, make_window: Any,
                                                     home: AppPaths, logged: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A gateway that repeats the request in its message: the screen, the history, its CSV
    export and the log hold no form of the password, the Basic pair or the bearer token."""
    from tests.netdoubles import CannedServer

    window: MainWindow = make_window(with_history=True)
    assert window.history is not None
    password, client_secret = unique("pw") + "+/=", unique("cs") + "+/="
    bearer = unique("tok") + "+/="
    with CannedServer(status=400, echo=True) as server:
        window.profiles.new_profile()
        p = editor(window)
        retype(qtbot, p.name_edit, "Echo")
        retype(qtbot, p.base_url_edit, server.base_url)
        retype(qtbot, p.partner_id_edit, DEMO.partner_id)
        retype(qtbot, p.username_edit, DEMO.username)
        retype(qtbot, p.oauth_client_edit, DEMO.oauth_client_id)
        retype(qtbot, p.password_edit, password)
        retype(qtbot, p.client_secret_edit, client_secret)
        get_token(qtbot, window)
        shown = [window.result.outcome.text()]
        retype(qtbot, p.authorization_edit, bearer)
        retype(qtbot, p.cookie_edit, "JSESSIONID=1")
        send(qtbot, window)
        shown.append(window.result.outcome.text() + window.reply.text.toPlainText())
        assert len(server.requests) == 2
    assert "Bad request" in shown[1]  # the echo is shown, masked
    assert window.history.wait_for_idle(5000)
    csv_path = home.cache_dir / "history.csv"
    monkeypatch.setattr(window.history, "_choose_csv_path", lambda: str(csv_path))
    window.history.export_csv()
    qtbot.waitUntil(csv_path.exists, timeout=5000)
    window.close()
    logging.getLogger().handlers[-1].flush()
    secrets = [password, client_secret, f"{DEMO.oauth_client_id}:{client_secret}", bearer]
    texts = [t.encode() for t in shown] + [
        _readable(f) for d in (home.config_dir, home.data_dir, home.log_dir, home.cache_dir)
        for f in Path(d).rglob("*") if f.is_file()]
    for data in texts:
        for secret in secrets:
            for form in secret_forms(secret):
                assert form.encode() not in data, f"{secret[:6]}… as {form[:4]}…"
