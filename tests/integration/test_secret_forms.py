"""No secret in any form: raw, URL-encoded, base64 (the Basic pair too) or JSON-escaped.

An echoing server puts what it received into its message, as some gateways do; the
password has ``+``, ``/`` and ``=`` in it, so its URL-encoded form differs from the raw one.
The command line's stderr, the history, the results file and the log are scanned for every
form of every secret of the session, typed and fetched.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from enkash_desktop.core import EnkashClient, Environment, Profile
from enkash_desktop.core.redaction import MASK, mask_secrets, secret_forms
from enkash_desktop.sandbox import DEMO_CARDHOLDERS, Sandbox, demo_profile, demo_secrets
from enkash_desktop.store import AppPaths, Settings, SettingsStore
from enkash_desktop.store.logs import log_uncaught, setup_logging
from tests.netdoubles import CannedServer

PASSWORD = "Pa55+w/rd=X"
CLIENT_ID = "partner-client"
CLIENT_SECRET = "s3cr+t/=key"
BEARER = "tok+en/with=pad"
HOLDER = DEMO_CARDHOLDERS[0]


def forms_found(text: str | bytes, secrets: list[str]) -> list[str]:
    """The forms of ``secrets`` that occur in ``text`` (names only, never the values)."""
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    found = []
    for secret in secrets:
        for form in secret_forms(secret):
            if form.encode() in data:
                found.append(f"{secret[:3]}… as {form[:3]}…")
    return found


def files_under(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file()]


def test_every_form_of_a_secret_is_masked() -> None:
    pair = f"{CLIENT_ID}:{CLIENT_SECRET}"
    basic = base64.b64encode(pair.encode()).decode()
    quoted = 'q"uo/te'
    escaped = json.dumps({"p": quoted})
    text = (f"password={quote(PASSWORD, safe='')}&x={PASSWORD} Authorization: Basic {basic} "
            f"{escaped} {base64.b64encode(PASSWORD.encode()).decode()}"
            f" {quote(PASSWORD, safe='').lower()}")
    masked = mask_secrets(text, [PASSWORD, CLIENT_SECRET, pair, quoted])
    assert forms_found(masked, [PASSWORD, CLIENT_SECRET, pair, quoted]) == []
    assert masked.count(MASK) == 6
    assert mask_secrets("nothing secret here", [PASSWORD]) == "nothing secret here"


def _env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    env.update({"ENKASH_DESKTOP_HOME": str(home), **extra})
    return env


def test_an_echoing_token_service_leaks_nothing(tmp_path: Path) -> None:
    with CannedServer(status=400, echo=True) as server:
        profile = Profile(name="Echo", environment=Environment.CUSTOM,
                          base_url=server.base_url, partner_id="P1", username="9000000001",
                          oauth_client_id=CLIENT_ID, login_client_id="C1")
        SettingsStore(AppPaths.under(tmp_path).settings_file).save(
            Settings(profiles=(profile,), current_profile="Echo"))
        proc = subprocess.run(
            [sys.executable, "-m", "enkash_desktop.cli", "token", "--json"],
            env=_env(tmp_path, {"ENKASH_PASSWORD": PASSWORD,
                                "ENKASH_CLIENT_SECRET": CLIENT_SECRET}),
            capture_output=True, text=True, timeout=60)
        received = b"".join(server.requests)
    assert quote(PASSWORD, safe="").encode() in received  # the server did get it
    assert proc.returncode == 4, proc.stdout + proc.stderr
    secrets = [PASSWORD, CLIENT_SECRET, f"{CLIENT_ID}:{CLIENT_SECRET}"]
    assert forms_found(proc.stdout + proc.stderr, secrets) == []
    for path in files_under(tmp_path):
        assert forms_found(path.read_bytes(), secrets) == [], path.name


def test_an_echoing_sso_endpoint_leaks_nothing_into_results_or_history(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("Card Account ID,Company ID,EnKash Card ID\n"
                                     f"{HOLDER.card_account_id},{HOLDER.company_id},"
                                     f"{HOLDER.enkash_card_id}\n")
    cookie = "JSESSIONID=c00k+e/="
    with CannedServer(status=200, echo=True) as server:
        proc = subprocess.run(
            [sys.executable, "-m", "enkash_desktop.cli", "batch", "--base-url",
             server.base_url, "--partner-id", "P1", "--input", str(tmp_path / "in.csv"),
             "--output", str(tmp_path / "out.csv")],
            env=_env(tmp_path, {"ENKASH_AUTHORIZATION": f"Bearer {BEARER}",
                                "ENKASH_COOKIE": cookie}),
            capture_output=True, text=True, timeout=60)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    results = (tmp_path / "out.csv").read_text()
    assert "Bad request" in results  # the echoed message is kept, masked
    history = list(tmp_path.rglob("history.sqlite3*"))
    assert history
    secrets = [f"Bearer {BEARER}", BEARER, cookie, "c00k+e/="]
    assert forms_found(proc.stdout + proc.stderr, secrets) == []
    for path in files_under(tmp_path):
        if path.name != "in.csv":
            assert forms_found(path.read_bytes(), secrets) == [], path.name


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    path = tmp_path / "logs" / "enkash-desktop.log"
    handler = setup_logging(path)
    assert handler is not None
    yield path  # type: ignore[misc]
    logging.getLogger().removeHandler(handler)
    handler.close()


def test_a_crash_carrying_fetched_tokens_is_masked_in_the_log_and_on_stderr(
        log_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Sandbox() as sb, EnkashClient(demo_profile(sb.base_url), demo_secrets()) as client:
        result = client.send_sso(HOLDER)  # logs in, then mints: two fetched tokens
        assert result.ok and client.token is not None
        bearer, sso = client.token.value, result.sso_token
    fetched = [bearer, sso]
    try:
        raise RuntimeError(f"bug with {bearer}, {quote(sso, safe='')}, "
                           f"{base64.b64encode(bearer.encode()).decode()} and "
                           f"{json.dumps({'t': sso})}")
    except RuntimeError:
        log_uncaught(*sys.exc_info())  # type: ignore[arg-type]
    for handler in logging.getLogger().handlers:
        handler.flush()
    stderr = capsys.readouterr().err
    assert "RuntimeError: bug with" in stderr
    assert forms_found(stderr, fetched) == []
    assert "bug with" in log_file.read_text()
    assert forms_found(log_file.read_bytes(), fetched) == []


def test_the_command_lines_crash_output_is_masked(tmp_path: Path) -> None:
    code = ("import sys\n"
            "from enkash_desktop import cli\n"
            "from enkash_desktop.core.redaction import remember\n"
            "sys.excepthook = None\n"
            "cli.main(['profiles'])\n"
            f"remember([{BEARER!r}])\n"
            f"raise RuntimeError('bug with ' + {quote(BEARER, safe='')!r})\n")
    proc = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path, {}),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "RuntimeError: bug with" in proc.stderr
    assert forms_found(proc.stderr, [BEARER]) == []
