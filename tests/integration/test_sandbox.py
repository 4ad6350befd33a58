"""The EnKash simulator over real loopback HTTP, driven with raw httpx (no mocks)."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from enkash_desktop.core.models import SSO_PATH, TOKEN_PATH, Cardholder, Environment
from enkash_desktop.sandbox import (
    DEMO,
    DEMO_ADMIN_CARDHOLDER,
    DEMO_CARDHOLDERS,
    Fault,
    Sandbox,
    demo_profile,
    demo_secrets,
)
from tests.processes import child, python_with_sigint_ignored

DOCS_CARDHOLDER = Cardholder("CAQL8YCV3", "CEK1PU9AOO", "EKCDM5AVZY")
COOKIE = "JSESSIONID=BC1A71C9BC65576B3AB0E78896971B9E"
UNAUTHORIZED = {
    "response_code": 1,
    "response_message": "Unauthorized: the access token is missing, invalid or expired.",
    "payload": None,
}


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def client(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sb.base_url, timeout=5.0) as c:
        yield c


def login(client: httpx.Client, **overrides: str) -> httpx.Response:
    """POST /oauth/token with the demo credentials, any of them overridden."""
    form = {"username": DEMO.username, "password": DEMO.password, "grant_type": "password",
            "clientId": DEMO.login_client_id}
    basic_id = overrides.pop("basic_id", DEMO.oauth_client_id)
    basic_secret = overrides.pop("basic_secret", DEMO.oauth_client_secret)
    form.update(overrides)
    form = {k: v for k, v in form.items() if v != "<omit>"}
    return client.post(TOKEN_PATH, auth=(basic_id, basic_secret), data=form)


def sso(client: httpx.Client, token: str, holder: Cardholder = DOCS_CARDHOLDER,
        **headers: str) -> httpx.Response:
    """POST the SSO call with explicit headers (no cookie jar involved)."""
    sent = {"partnerId": DEMO.partner_id, "Authorization": f"Bearer {token}", "Cookie": COOKIE}
    sent.update(headers)
    sent = {k: v for k, v in sent.items() if v != "<omit>"}
    client.cookies.clear()
    return client.post(SSO_PATH, headers=sent, json=holder.body())


# -- /oauth/token -------------------------------------------------------------------------


def test_login_success_gives_token_and_session_cookie(sb: Sandbox, client: httpx.Client) -> None:
    r = login(client)
    assert r.status_code == 200
    data = r.json()
    assert data["token_type"] == "bearer"
    assert data["expires_in"] == 300
    assert data["access_token"] and data["refresh_token"] and data["scope"]
    assert re.fullmatch(r"JSESSIONID=[0-9A-F]{32}; Path=/; HttpOnly", r.headers["set-cookie"])
    assert sso(client, data["access_token"]).status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"password": "wrong"},
        {"username": "9000000009"},
        {"clientId": "CEKWRONG00"},
    ],
)
def test_bad_credentials(client: httpx.Client, overrides: dict[str, str]) -> None:
    r = login(client, **overrides)
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_grant", "error_description": "Bad credentials"}
    assert "set-cookie" not in r.headers


@pytest.mark.parametrize("overrides", [{"basic_secret": "not-the-secret"},
                                       {"basic_id": "someone-else"}])
def test_bad_client_credentials_are_invalid_client(sb: Sandbox, client: httpx.Client,
                                                   overrides: dict[str, str]) -> None:
    # As Spring Security OAuth2 does: the client is checked before the user is tried.
    for _ in range(3):
        r = login(client, **overrides)
        assert r.status_code == 401
        assert r.json() == {"error": "invalid_client",
                            "error_description": "Bad client credentials"}
    assert sb.locked_users == set()


def test_missing_form_field_is_invalid_request(sb: Sandbox, client: httpx.Client) -> None:
    r = login(client, clientId="<omit>")
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_request"
    assert "clientId" in r.json()["error_description"]


def test_lockout_after_three_failures(sb: Sandbox, client: httpx.Client) -> None:
    for _ in range(3):
        assert login(client, password="wrong").status_code == 400
    assert sb.locked_users == {DEMO.username}
    r = login(client)  # even the right password
    assert r.status_code == 423
    assert r.json() == {
        "error": "account_locked",
        "error_description": "The account is locked after 3 failed login attempts.",
    }
    sb.reset()
    assert sb.locked_users == set()
    assert login(client).status_code == 200


def test_missing_fields_count_towards_lockout(sb: Sandbox, client: httpx.Client) -> None:
    for _ in range(3):
        assert login(client, password="<omit>").status_code == 400
    assert login(client).status_code == 423


def test_success_resets_the_failure_count(sb: Sandbox, client: httpx.Client) -> None:
    for _ in range(2):
        assert login(client, password="wrong").status_code == 400
    assert login(client).status_code == 200
    for _ in range(2):
        assert login(client, password="wrong").status_code == 400
    assert login(client).status_code == 200
    assert sb.locked_users == set()


def test_token_expires() -> None:
    with Sandbox(token_lifetime_s=0.5) as sandbox, httpx.Client(base_url=sandbox.base_url) as c:
        token = login(c).json()["access_token"]
        assert sso(c, token).status_code == 200
        time.sleep(0.7)
        r = sso(c, token)
        assert r.status_code == 401
        assert r.json() == UNAUTHORIZED


# -- the SSO call -------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["bare", "bearer", "lower-case bearer"])
def test_sso_success_for_the_docs_cardholder(sb: Sandbox, client: httpx.Client,
                                             style: str) -> None:
    token = sb.issue_token()
    auth = {"bare": token, "bearer": f"Bearer {token}",
            "lower-case bearer": f"bearer {token}"}[style]
    r = sso(client, token, Authorization=auth)
    assert r.status_code == 200
    data = r.json()
    assert data["response_code"] == 0
    assert data["response_message"] == "Success"
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,}", data["payload"]["token"])


def test_sso_header_names_are_case_insensitive(sb: Sandbox, client: httpx.Client) -> None:
    token = sb.issue_token()
    headers = {"partnerid": DEMO.partner_id, "authorization": f"Bearer {token}",
               "cookie": COOKIE, "content-type": "application/json"}
    r = client.post(SSO_PATH, headers=headers, content=json.dumps(DOCS_CARDHOLDER.body()))
    assert r.status_code == 200
    assert r.json()["response_code"] == 0


@pytest.mark.parametrize("holder", [*DEMO_CARDHOLDERS, DEMO_ADMIN_CARDHOLDER])
def test_every_demo_cardholder_gets_a_token(sb: Sandbox, client: httpx.Client,
                                            holder: Cardholder) -> None:
    r = sso(client, sb.issue_token(), holder)
    assert r.json()["response_code"] == 0


def test_sso_tokens_are_fresh_each_time(sb: Sandbox, client: httpx.Client) -> None:
    token = sb.issue_token()
    first = sso(client, token).json()["payload"]["token"]
    second = sso(client, token).json()["payload"]["token"]
    assert first != second


def test_sso_unauthorized(sb: Sandbox, client: httpx.Client) -> None:
    r = sso(client, "never-issued")
    assert (r.status_code, r.json()) == (401, UNAUTHORIZED)
    r = sso(client, "x", Authorization="<omit>")
    assert (r.status_code, r.json()) == (401, UNAUTHORIZED)


def test_sso_partner_and_cookie_checks(sb: Sandbox, client: httpx.Client) -> None:
    token = sb.issue_token()
    r = sso(client, token, partnerId="NOTAPARTNER")
    assert r.status_code == 400
    assert "Unknown partnerId" in r.json()["response_message"]
    r = sso(client, token, partnerId="<omit>")
    assert r.status_code == 400
    # The Cookie is optional (ENKASH_API.md §8).
    assert sso(client, token, Cookie="<omit>").status_code == 200
    assert sso(client, token, Cookie="other=1").status_code == 200


def test_sso_body_checks(sb: Sandbox, client: httpx.Client) -> None:
    headers = {"partnerId": DEMO.partner_id, "Authorization": sb.issue_token(),
               "Cookie": COOKIE, "Content-Type": "application/json"}
    r = client.post(SSO_PATH, headers=headers, content=b"{not json")
    assert r.status_code == 400
    assert r.json()["response_code"] == 1
    body = DOCS_CARDHOLDER.body()
    del body["enkashCardId"]
    r = client.post(SSO_PATH, headers=headers, json=body)
    assert r.status_code == 400
    assert "enkashCardId" in r.json()["response_message"]
    r = client.post(SSO_PATH, headers=headers, json=[1, 2])
    assert r.status_code == 400


def test_unknown_cardholder_is_response_code_1(sb: Sandbox, client: httpx.Client) -> None:
    r = sso(client, sb.issue_token(), Cardholder("CAXXXXXXX", DEMO.company_id, "EKCDXXXXXX"))
    assert r.status_code == 200
    assert r.json() == {"response_code": 1,
                        "response_message": "Card holder not found for the given ids.",
                        "payload": None}


def test_unknown_path_is_404_envelope(client: httpx.Client) -> None:
    r = client.get("/nope")
    assert r.status_code == 404
    assert r.json()["response_code"] == 1
    assert client.get(SSO_PATH).status_code == 404


# -- the portal page ----------------------------------------------------------------------


def test_portal_pages(sb: Sandbox, client: httpx.Client) -> None:
    sso_token = sso(client, sb.issue_token()).json()["payload"]["token"]
    r = client.get(f"/sso/{sso_token}/employee_rewards/{DEMO.portal_partner}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "EnKash rewards (sandbox) — signed in as card EKCDM5AVZY" in r.text
    admin = sso(client, sb.issue_token(), DEMO_ADMIN_CARDHOLDER).json()["payload"]["token"]
    r = client.get(f"/sso/{admin}/reward_account/{DEMO.portal_partner}")
    assert r.status_code == 200
    assert DEMO_ADMIN_CARDHOLDER.enkash_card_id in r.text
    assert client.get(f"/sso/unknown/employee_rewards/{DEMO.portal_partner}").status_code == 404


# -- faults -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,status", [(Fault.HTTP_401, 401), (Fault.HTTP_422, 422),
                                         (Fault.HTTP_500, 500)])
def test_http_error_faults_use_the_envelope(sb: Sandbox, client: httpx.Client, kind: str,
                                            status: int) -> None:
    sb.set_fault(kind)
    r = sso(client, sb.issue_token())
    assert r.status_code == status
    data = r.json()
    assert data["response_code"] == 1
    assert data["response_message"]


def test_502_is_an_html_gateway_page(sb: Sandbox, client: httpx.Client) -> None:
    sb.set_fault(Fault.HTTP_502_HTML)
    r = sso(client, sb.issue_token())
    assert r.status_code == 502
    assert r.headers["content-type"].startswith("text/html")
    assert "502 Bad Gateway" in r.text and "nginx" in r.text


def test_code_1_is_the_docs_failure_example(sb: Sandbox, client: httpx.Client) -> None:
    sb.set_fault(Fault.CODE_1)
    r = sso(client, sb.issue_token())
    assert r.status_code == 200
    assert r.json() == {"response_code": 1,
                        "response_message": "Insufficient balance in card account",
                        "payload": "Insufficient balance in card account"}


def test_not_json(sb: Sandbox, client: httpx.Client) -> None:
    sb.set_fault(Fault.NOT_JSON)
    r = sso(client, sb.issue_token())
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    with pytest.raises(ValueError):
        r.json()


def test_oversized(sb: Sandbox, client: httpx.Client) -> None:
    sb.set_fault(Fault.OVERSIZED)
    r = sso(client, sb.issue_token())
    assert r.status_code == 200
    assert len(r.content) > 5_000_000
    assert r.json()["response_code"] == 0


def test_delay(sb: Sandbox, client: httpx.Client) -> None:
    sb.set_fault(Fault.DELAY, delay_s=0.3)
    start = time.perf_counter()
    r = sso(client, sb.issue_token())
    assert time.perf_counter() - start >= 0.3
    assert r.json()["response_code"] == 0


def test_hang(sb: Sandbox, client: httpx.Client) -> None:
    sb.set_fault(Fault.HANG)
    with pytest.raises(httpx.ReadTimeout):
        client.post(SSO_PATH, json=DOCS_CARDHOLDER.body(), timeout=httpx.Timeout(5.0, read=0.3))


def test_drop(sb: Sandbox, client: httpx.Client) -> None:
    sb.set_fault(Fault.DROP)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        sso(client, sb.issue_token())


@pytest.mark.parametrize(
    "value,path",
    [
        ("accessToken", ("payload", "accessToken")),
        ("ssoToken", ("payload", "ssoToken")),
        ("data.sso_token", ("data", "sso_token")),
        ("payload_string", ("payload",)),
        ("code_message", ("payload", "token")),
    ],
)
def test_token_field(sb: Sandbox, client: httpx.Client, value: str,
                     path: tuple[str, ...]) -> None:
    sb.set_fault(Fault.TOKEN_FIELD, value=value)
    data = sso(client, sb.issue_token()).json()
    node = data
    for key in path:
        node = node[key]
    assert isinstance(node, str) and len(node) >= 20
    if value == "code_message":
        assert (data["code"], data["message"]) == (0, "Success")
    else:
        assert data["response_code"] == 0


@pytest.mark.parametrize(
    "style,keys",
    [
        ("oauth", {"access_token", "token_type", "refresh_token", "expires_in", "scope"}),
        ("camel", {"accessToken", "tokenType", "expiresIn", "refreshToken"}),
        ("pg", {"token", "expiry", "resultCode", "resultMessage"}),
        ("no_expiry", {"access_token"}),
    ],
)
def test_token_style(sb: Sandbox, client: httpx.Client, style: str, keys: set[str]) -> None:
    sb.set_fault(Fault.TOKEN_STYLE, endpoint="token", value=style)
    r = login(client)
    assert r.status_code == 200
    data = r.json()
    assert set(data) == keys
    if style == "pg":
        assert data["expiry"] > time.time() * 1000 + 250_000
    token = data.get("access_token") or data.get("accessToken") or data["token"]
    assert sso(client, token).status_code == 200


def test_times_applies_only_that_often(sb: Sandbox, client: httpx.Client) -> None:
    sb.set_fault(Fault.HTTP_500, times=1)
    token = sb.issue_token()
    assert sso(client, token).status_code == 500
    assert sso(client, token).status_code == 200
    sb.set_fault(Fault.HTTP_500, times=2)
    assert [sso(client, token).status_code for _ in range(3)] == [500, 500, 200]


def test_faults_until_cleared_and_per_endpoint(sb: Sandbox, client: httpx.Client) -> None:
    sb.set_fault(Fault.HTTP_422)  # endpoint "sso"
    token = sb.issue_token()
    assert [sso(client, token).status_code for _ in range(3)] == [422, 422, 422]
    assert login(client).status_code == 200
    sb.clear_faults()
    assert sso(client, token).status_code == 200
    sb.set_fault(Fault.HTTP_500, endpoint="token")
    assert login(client).status_code == 500
    assert sso(client, token).status_code == 200
    sb.set_fault(Fault.HTTP_502_HTML, endpoint="any")
    assert sso(client, token).status_code == 502


def test_bad_fault_arguments_are_refused(sb: Sandbox) -> None:
    with pytest.raises(ValueError):
        sb.set_fault("explode")
    with pytest.raises(ValueError):
        sb.set_fault(Fault.HTTP_500, endpoint="portal")
    with pytest.raises(ValueError):
        sb.set_fault(Fault.TOKEN_STYLE, endpoint="token", value="weird")
    with pytest.raises(ValueError):
        sb.set_fault(Fault.HTTP_500, times=0)


# -- recording, life cycle, speed ---------------------------------------------------------


def test_calls_are_recorded(sb: Sandbox, client: httpx.Client) -> None:
    token = sb.issue_token()
    sso(client, token)
    call = sb.calls[-1]
    assert call.method == "POST"
    assert call.path == SSO_PATH
    assert call.headers["partnerId"] == DEMO.partner_id  # original case kept
    assert call.headers["Authorization"] == f"Bearer {token}"
    assert json.loads(call.body) == DOCS_CARDHOLDER.body()
    assert abs(call.time - time.time()) < 5
    sb.set_fault(Fault.HTTP_500)
    login(client)
    assert [c.path for c in sb.calls] == [SSO_PATH, TOKEN_PATH]
    sb.reset()
    assert sb.calls == []


def test_reset_forgets_tokens(sb: Sandbox, client: httpx.Client) -> None:
    token = sb.issue_token()
    sb.reset()
    assert sso(client, token).status_code == 401


def test_stop_is_prompt_while_a_request_hangs() -> None:
    sandbox = Sandbox().start()
    sandbox.set_fault(Fault.HANG)
    errors: list[BaseException] = []

    def call() -> None:
        with httpx.Client(base_url=sandbox.base_url, timeout=10.0) as c:
            try:
                c.post(SSO_PATH, json=DOCS_CARDHOLDER.body())
            except httpx.HTTPError as exc:
                errors.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    deadline = time.monotonic() + 5
    while not sandbox.calls and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sandbox.calls
    start = time.perf_counter()
    sandbox.stop()
    assert time.perf_counter() - start < 1.0
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(errors) == 1
    assert not sandbox.running


def test_keep_alive_posts_are_fast(sb: Sandbox, client: httpx.Client) -> None:
    """200 calls on one connection; at ~40 ms a call (delayed ACK) this would take 8 s."""
    token = sb.issue_token()
    headers = {"partnerId": DEMO.partner_id, "Authorization": f"Bearer {token}",
               "Cookie": COOKIE}
    body = DOCS_CARDHOLDER.body()
    start = time.perf_counter()
    for _ in range(200):
        r = client.post(SSO_PATH, headers=headers, json=body)
        assert r.status_code == 200
    assert time.perf_counter() - start < 4.0


def test_sandbox_restarts_and_base_url_needs_a_running_server() -> None:
    sandbox = Sandbox()
    with pytest.raises(RuntimeError):
        _ = sandbox.base_url
    with sandbox:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", sandbox.base_url)
    with sandbox:
        assert httpx.get(sandbox.base_url + "/x").status_code == 404


# -- demo data and the command ------------------------------------------------------------


def test_demo_data() -> None:
    assert DEMO.partner_id == "CRMXWB3ZM"
    assert DOCS_CARDHOLDER in DEMO_CARDHOLDERS
    assert 4 <= len(DEMO_CARDHOLDERS) <= 5
    assert all(c.company_id == DEMO.company_id and not c.admin for c in DEMO_CARDHOLDERS)
    assert DEMO_ADMIN_CARDHOLDER.admin
    profile = demo_profile("http://127.0.0.1:1/")
    assert profile.environment is Environment.SANDBOX
    assert profile.base_url == profile.auth_base_url == profile.portal_url == "http://127.0.0.1:1"
    assert (profile.partner_id, profile.portal_partner, profile.username,
            profile.oauth_client_id, profile.login_client_id) == (
        DEMO.partner_id, DEMO.portal_partner, DEMO.username, DEMO.oauth_client_id,
        DEMO.login_client_id)
    secrets = demo_secrets()
    assert secrets.can_login and not secrets.authorization and not secrets.cookie


def test_demo_profile_logs_in(sb: Sandbox) -> None:
    profile, secrets = demo_profile(sb.base_url), demo_secrets()
    with httpx.Client(base_url=profile.effective_auth_base_url) as c:
        r = c.post(TOKEN_PATH, auth=(profile.oauth_client_id, secrets.client_secret),
                   data={"username": profile.username, "password": secrets.password,
                         "grant_type": "password", "clientId": profile.login_client_id})
        assert r.status_code == 200


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_docs_curl_sample_works(sb: Sandbox) -> None:
    """The docs' curl command, with the docs' values, against the sandbox."""
    token = sb.issue_token()
    out = subprocess.run(
        ["curl", "--silent", "--location", "--request", "POST", sb.base_url + SSO_PATH,
         "--header", f"partnerId: {DEMO.partner_id}", "--header", f"Authorization: {token}",
         "--header", f"Cookie: {COOKIE}", "--header", "Content-Type: application/json",
         "--data-raw", '{ "cardAccountId": "CAQL8YCV3", "companyId": "CEK1PU9AOO", '
         '"enkashCardId": "EKCDM5AVZY" }'],
        capture_output=True, check=True, timeout=10,
    )
    assert json.loads(out.stdout)["response_code"] == 0
    call = sb.calls[-1]
    assert call.headers["partnerId"] == DEMO.partner_id
    assert call.headers["Authorization"] == token


def test_a_child_started_this_way_really_ignores_sigint() -> None:
    """The helper below starts children as ``cmd &`` in a script would: SIGINT ignored."""
    probe = "import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)"
    out = subprocess.run(python_with_sigint_ignored("-c", probe), capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.strip() == "True"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("command", [["enkash_desktop.sandbox"], ["enkash_desktop.cli", "sandbox"]],
                         ids=["module", "enkash-sso"])
def test_command_prints_base_url_first_and_stops_on_a_signal_even_with_sigint_ignored(
    command: list[str], signum: signal.Signals
) -> None:
    with child(python_with_sigint_ignored("-m", *command, "--port", "0"),
               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", first)
        assert httpx.get(first + "/nope").status_code == 404
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    with pytest.raises(httpx.ConnectError):  # it stopped serving, it did not just detach
        httpx.get(first + "/nope", timeout=2)
