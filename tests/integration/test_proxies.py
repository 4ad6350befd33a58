"""Proxies as the system has them, through a real CONNECT proxy on loopback.

The EnKash host is called ``enkash.test``, a name only the proxy can resolve: a call that
succeeds went through the proxy. Over https the proxy sees only the tunnel's CONNECT line,
never the Authorization, the password or the tokens, and the server's certificate is still
verified (a certificate the system does not trust is refused through the proxy too).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from enkash_desktop.core import EnkashClient, ErrorKind
from enkash_desktop.core.proxies import proxy_for
from enkash_desktop.sandbox import DEMO, DEMO_CARDHOLDERS, Sandbox, demo_profile, demo_secrets
from tests.netdoubles import ConnectProxy, TlsFront, make_authority

HOST = "enkash.test"
PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "https_proxy",
              "http_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_system_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    with ConnectProxy(hosts={HOST: "127.0.0.1"}) as server:
        yield server


@pytest.fixture
def tls(tmp_path: Path, sandbox: Sandbox) -> Iterator[tuple[TlsFront, Path]]:
    ca, cert, key = make_authority(tmp_path, HOST)
    with TlsFront(int(sandbox.base_url.rsplit(":", 1)[1]), cert, key) as front:
        yield front, ca


def _secrets_seen(data: bytes, client: EnkashClient, token: str) -> list[str]:
    assert client.token is not None
    secrets = {"password": DEMO.password, "client secret": DEMO.oauth_client_secret,
               "bearer": client.token.value, "sso token": token}
    text = data.decode("latin-1")
    found = [name for name, value in secrets.items() if value in text]
    return found + (["Authorization header"] if "authorization" in text.lower() else [])


def test_https_goes_through_the_environments_proxy_in_a_tunnel(
        monkeypatch: pytest.MonkeyPatch, proxy: ConnectProxy,
        tls: tuple[TlsFront, Path]) -> None:
    front, ca = tls
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # the system's trust store, for this test
    profile = demo_profile(f"https://{HOST}:{front.port}")
    with EnkashClient(profile, demo_secrets()) as client:
        result = client.send_sso(DEMO_CARDHOLDERS[0])
        assert result.ok, result.error
        assert {line.split(" ")[0] for line in proxy.request_lines} == {"CONNECT"}
        assert proxy.request_lines[0] == f"CONNECT {HOST}:{front.port} HTTP/1.1"
        assert _secrets_seen(bytes(proxy.seen), client, result.sso_token) == []


def test_tls_verification_is_unchanged_through_the_proxy(
        monkeypatch: pytest.MonkeyPatch, proxy: ConnectProxy, sandbox: Sandbox,
        tls: tuple[TlsFront, Path]) -> None:
    front, _ca = tls  # a certificate the system does not trust
    monkeypatch.setenv("ALL_PROXY", proxy.url)
    with EnkashClient(demo_profile(f"https://{HOST}:{front.port}"), demo_secrets()) as client:
        result = client.send_sso(DEMO_CARDHOLDERS[0])
    assert result.error is not None and result.error.kind is ErrorKind.TLS
    assert proxy.request_lines == [f"CONNECT {HOST}:{front.port} HTTP/1.1"]
    assert sandbox.calls == []
    assert b"authorization" not in bytes(proxy.seen).lower()


def test_this_computer_and_no_proxy_hosts_go_direct(
        monkeypatch: pytest.MonkeyPatch, proxy: ConnectProxy, sandbox: Sandbox,
        tls: tuple[TlsFront, Path]) -> None:
    front, ca = tls
    for name in ("HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, proxy.url)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    # The sandbox on loopback: never through the system's proxy, as browsers do.
    with EnkashClient(demo_profile(sandbox.base_url), demo_secrets()) as client:
        assert client.send_sso(DEMO_CARDHOLDERS[0]).ok
    assert proxy.connections == 0 and len(sandbox.calls) == 2
    # A host on NO_PROXY goes direct: enkash.test exists only for the proxy, so it fails.
    monkeypatch.setenv("NO_PROXY", f"localhost,{HOST}")
    with EnkashClient(demo_profile(f"https://{HOST}:{front.port}"), demo_secrets()) as client:
        result = client.send_sso(DEMO_CARDHOLDERS[0])
    assert result.error is not None and result.error.kind is ErrorKind.NETWORK
    assert proxy.connections == 0


def test_a_profile_may_name_its_proxy_or_none(
        monkeypatch: pytest.MonkeyPatch, proxy: ConnectProxy, sandbox: Sandbox) -> None:
    explicit = demo_profile(sandbox.base_url).with_changes(proxy=proxy.url)
    with EnkashClient(explicit, demo_secrets()) as client:
        assert client.send_sso(DEMO_CARDHOLDERS[0]).ok
    assert proxy.connections == 1
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    direct = demo_profile(sandbox.base_url).with_changes(proxy="none")
    with EnkashClient(direct, demo_secrets()) as client:
        assert client.send_sso(DEMO_CARDHOLDERS[0]).ok
    assert proxy.connections == 1 and len(sandbox.calls) == 4


def test_how_a_proxy_is_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://pay.enkash.example/api"
    assert proxy_for(url) is None
    monkeypatch.setenv("ALL_PROXY", "proxy.corp:3128")
    assert proxy_for(url) == "http://proxy.corp:3128"
    monkeypatch.setenv("HTTPS_PROXY", "http://secure.corp:8080")
    assert proxy_for(url) == "http://secure.corp:8080"
    assert proxy_for("http://pay.enkash.example") == "http://proxy.corp:3128"
    monkeypatch.setenv("NO_PROXY", ".enkash.example")
    assert proxy_for(url) is None
    assert proxy_for(url, "http://own.proxy:1") == "http://own.proxy:1"
    monkeypatch.delenv("NO_PROXY")
    assert proxy_for(url, "None") is None
    for local in ("http://127.0.0.1:8080", "http://localhost", "http://[::1]:9"):
        assert proxy_for(local) is None  # this computer: direct
        assert proxy_for(local, "http://own.proxy:1") == "http://own.proxy:1"


def test_the_command_line_uses_the_environments_proxy(
        tmp_path: Path, proxy: ConnectProxy, tls: tuple[TlsFront, Path]) -> None:
    front, ca = tls
    holder = DEMO_CARDHOLDERS[0]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ENKASH_") and k not in PROXY_VARS}
    env.update({"ENKASH_DESKTOP_HOME": str(tmp_path), "HTTPS_PROXY": proxy.url,
                "SSL_CERT_FILE": str(ca), "ENKASH_PASSWORD": DEMO.password,
                "ENKASH_CLIENT_SECRET": DEMO.oauth_client_secret})
    base = f"https://{HOST}:{front.port}"
    from enkash_desktop.store import AppPaths, Settings, SettingsStore

    SettingsStore(AppPaths.under(tmp_path).settings_file).save(
        Settings(profiles=(demo_profile(base, "Behind the proxy"),),
                 current_profile="Behind the proxy"))
    proc = subprocess.run(
        [sys.executable, "-m", "enkash_desktop.cli", "send", "--json",
         "--card-account-id", holder.card_account_id, "--company-id", holder.company_id,
         "--enkash-card-id", holder.enkash_card_id],
        env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["ok"] is True
    assert proxy.request_lines == [f"CONNECT {HOST}:{front.port} HTTP/1.1"]
    assert b"authorization" not in bytes(proxy.seen).lower()


def test_the_command_lines_proxy_option(tmp_path: Path, proxy: ConnectProxy,
                                        sandbox: Sandbox) -> None:
    holder = DEMO_CARDHOLDERS[0]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ENKASH_") and k not in PROXY_VARS}
    env.update({"ENKASH_DESKTOP_HOME": str(tmp_path),
                "ENKASH_AUTHORIZATION": sandbox.issue_token(), "ENKASH_COOKIE": "JSESSIONID=42"})
    args = [sys.executable, "-m", "enkash_desktop.cli", "send", "--json",
            "--base-url", sandbox.base_url, "--partner-id", DEMO.partner_id,
            "--card-account-id", holder.card_account_id, "--company-id", holder.company_id,
            "--enkash-card-id", holder.enkash_card_id]
    sent = subprocess.run([*args, "--proxy", proxy.url], env=env, capture_output=True,
                          text=True, timeout=60)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert [line.split(" ")[0] for line in proxy.request_lines] == ["POST"]
    bad = subprocess.run([*args, "--proxy", "ftp://proxy"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "Proxy must be empty" in json.loads(bad.stdout)["error"]["message"]
