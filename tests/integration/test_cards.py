"""Finding a cardholder's card over loopback against the sandbox (ENKASH_API.md §7): the core
call, its failures through the same taxonomy, the card token kept out of sight, and
`enkash-sso cards` as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from enkash_desktop.core import EnkashClient, ErrorKind, MemoryFailureCounter, Secrets
from enkash_desktop.core.cards import CARD_SEARCH_PATH, search_cards
from enkash_desktop.core.crypto import decrypt_reply, derive_key
from enkash_desktop.sandbox import (
    DEMO,
    DEMO_CARDS,
    DEMO_EMPTY_CARD_ACCOUNT,
    DEMO_ENCRYPTED,
    DEMO_ENCRYPTED_RULE,
    Sandbox,
    demo_encrypted_profile,
    demo_encrypted_secrets,
    demo_profile,
    demo_secrets,
)

ACCOUNT = "CAQL8YCV3"
TOKENS = [c.token for c in DEMO_CARDS]


def client_for(sb: Sandbox, secrets: Secrets | None = None) -> EnkashClient:
    return EnkashClient(demo_profile(sb.base_url), demo_secrets() if secrets is None else secrets,
                        failures=MemoryFailureCounter())


def no_card_token_in(*texts: str) -> bool:
    return not any(token in text for token in TOKENS for text in texts)


def test_lists_the_accounts_cards_with_what_the_reply_says(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        result = search_cards(client, f"  {ACCOUNT} ", DEMO.company_id)
    assert result.ok and result.http_status == 200 and result.response_code == 0
    ids = [c.enkash_card_id for c in result.cards]
    assert ids == ["EKCDM5AVZY", "EKCDQ4RN8T", "EKCDW7ZP2M", "EKCDH6RS4A"]
    first, admin = result.cards[0], result.cards[3]
    assert (first.user_id, first.card_account_id, first.masked_number) == (
        "EKHCPB7W", ACCOUNT, "XXXX XXXX XXXX 2209")
    assert first.name == "Asha Verma" and first.mobile and "@" in first.email
    assert first.status == "ACTIVE" and not first.admin
    assert admin.admin and admin.role == "HR_ADMIN"
    assert result.cards[2].status == "BLOCKED"
    sent = sandbox.calls[-1]
    assert sent.path == CARD_SEARCH_PATH
    assert json.loads(sent.body) == {"cardAccountId": ACCOUNT, "companyId": DEMO.company_id}
    assert sent.headers["partnerId"] == DEMO.partner_id
    assert sent.headers["Authorization"].startswith("Bearer ")


def test_the_card_token_is_never_taken_shown_or_kept(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        result = search_cards(client, ACCOUNT, DEMO.company_id, "EKCDM5AVZY")
    assert [c.enkash_card_id for c in result.cards] == ["EKCDM5AVZY"]  # one object
    assert '"token"' in sandbox_reply_text(sandbox)  # the sandbox did send one
    texts = [result.message, result.summary, result.reply_redacted, result.request_redacted,
             repr(result), json.dumps(result.as_json())]
    assert no_card_token_in(*texts)
    assert not hasattr(result, "sso_token") and "sso_token" not in result.as_json()


def sandbox_reply_text(sandbox: Sandbox) -> str:
    # What the sandbox answers, fetched again with a raw client (not through the core).
    import httpx

    token = sandbox.issue_token()
    reply = httpx.post(sandbox.base_url + CARD_SEARCH_PATH,
                       headers={"partnerId": DEMO.partner_id,
                                "Authorization": f"Bearer {token}"},
                       json={"cardAccountId": ACCOUNT, "companyId": DEMO.company_id},
                       timeout=10)
    return reply.text


def test_an_empty_account_a_refusal_and_an_unknown_card(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        empty = search_cards(client, DEMO_EMPTY_CARD_ACCOUNT, DEMO.company_id)
        refused = search_cards(client, "CANOTOURS", DEMO.company_id)
        unknown = search_cards(client, ACCOUNT, DEMO.company_id, "EKNOSUCH1")
    assert empty.ok and empty.cards == ()
    assert empty.summary == ("Card lookup: no card found for card account "
                             f"{DEMO_EMPTY_CARD_ACCOUNT}.")
    assert refused.error is not None and refused.error.kind is ErrorKind.REJECTED
    assert refused.message == "Card account not found for this company."
    assert refused.summary.startswith("Card lookup failed:")
    assert unknown.error is not None and "Card not found" in unknown.message


def test_bad_ids_send_nothing(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        result = search_cards(client, "CA QL", DEMO.company_id)
    assert result.error is not None and result.error.kind is ErrorKind.BAD_INPUT
    assert result.error.field == "card_account_id"
    assert sandbox.calls == []


@pytest.mark.parametrize(("fault", "value", "kind"), [
    ("http_500", None, ErrorKind.SERVER),
    ("gateway_html", "403", ErrorKind.REJECTED),
    ("not_json", None, ErrorKind.UNREADABLE),
    ("code_1", "Card account is blocked", ErrorKind.REJECTED),
    ("drop", None, ErrorKind.NETWORK),
])
def test_failures_go_through_the_same_taxonomy(sandbox: Sandbox, fault: str,
                                                value: str | None, kind: ErrorKind) -> None:
    sandbox.set_fault(fault, endpoint="search", value=value, times=1)
    with client_for(sandbox) as client:
        result = search_cards(client, ACCOUNT, DEMO.company_id)
        assert result.error is not None and result.error.kind is kind, result.error
        assert result.error.message.endswith((".", "blocked")) and result.error.hint
        assert search_cards(client, ACCOUNT, DEMO.company_id).ok


def test_a_401_logs_in_once_more(sandbox: Sandbox) -> None:
    with client_for(sandbox) as client:
        assert search_cards(client, ACCOUNT, DEMO.company_id).ok
        sandbox.expire_tokens()
        assert search_cards(client, ACCOUNT, DEMO.company_id).ok
        sandbox.set_fault("http_401", endpoint="search")
        result = search_cards(client, ACCOUNT, DEMO.company_id)
    assert result.error is not None and result.error.kind is ErrorKind.TOKEN_EXPIRED
    assert [c.path for c in sandbox.calls].count("/oauth/token") == 3


def test_the_encrypted_partner_searches_encrypted(sandbox: Sandbox) -> None:
    profile = demo_encrypted_profile(sandbox.base_url)
    with EnkashClient(profile, demo_encrypted_secrets(),
                      failures=MemoryFailureCounter()) as client:
        result = search_cards(client, ACCOUNT, DEMO.company_id)
    assert result.ok and len(result.cards) == 4
    sent = sandbox.calls[-1]
    key = derive_key(DEMO_ENCRYPTED.oauth_client_secret, DEMO_ENCRYPTED_RULE)
    assert set(json.loads(sent.body)) == {"request"}
    assert json.loads(decrypt_reply(sent.body, key)) == {"cardAccountId": ACCOUNT,
                                                         "companyId": DEMO.company_id}


def run_cli(args: list[str], home: Path, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    full_env.update({"ENKASH_DESKTOP_HOME": str(home), **(env or {})})
    return subprocess.run([sys.executable, "-m", "enkash_desktop.cli", *args], env=full_env,
                          capture_output=True, text=True, timeout=60)


def test_cli_cards_json_and_text(tmp_path: Path) -> None:
    proc = run_cli(["cards", "--demo", "--json", "--card-account-id", ACCOUNT,
                    "--company-id", DEMO.company_id], tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["ok"] is True and out["error"] is None and out["http_status"] == 200
    cards = out["cards"]
    assert [c["enkash_card_id"] for c in cards] == ["EKCDM5AVZY", "EKCDQ4RN8T", "EKCDW7ZP2M",
                                                     "EKCDH6RS4A"]
    assert {"enkash_card_id", "masked_number", "user_id", "name", "status"} <= set(cards[0])
    assert cards[3]["admin"] is True
    assert no_card_token_in(proc.stdout, proc.stderr)

    text = run_cli(["cards", "--demo", "--card-account-id", ACCOUNT, "--company-id",
                    DEMO.company_id, "--enkash-card-id", "EKCDH6RS4A"], tmp_path)
    assert text.returncode == 0
    assert text.stdout.startswith("EKCDH6RS4A  Priya Sharma (HR / company admin)")
    assert no_card_token_in(text.stdout, text.stderr)


def test_cli_cards_exit_codes(tmp_path: Path) -> None:
    bad = run_cli(["cards", "--demo", "--json", "--card-account-id", "CA QL",
                   "--company-id", DEMO.company_id], tmp_path)
    assert bad.returncode == 2 and json.loads(bad.stdout)["error"]["kind"] == "bad_input"
    refused = run_cli(["cards", "--demo", "--card-account-id", "CANOTOURS",
                       "--company-id", DEMO.company_id], tmp_path)
    assert refused.returncode == 4 and "Card account not found" in refused.stderr
    with Sandbox() as sb:
        env = {"ENKASH_AUTHORIZATION": sb.issue_token()}
        adhoc = run_cli(["cards", "--base-url", sb.base_url, "--partner-id", DEMO.partner_id,
                         "--json", "--card-account-id", DEMO_EMPTY_CARD_ACCOUNT,
                         "--company-id", DEMO.company_id], tmp_path, env)
        assert adhoc.returncode == 0, adhoc.stderr
        assert json.loads(adhoc.stdout)["cards"] == []
        sb.set_fault("http_500", endpoint="search")
        server = run_cli(["cards", "--base-url", sb.base_url, "--partner-id", DEMO.partner_id,
                          "--card-account-id", ACCOUNT, "--company-id", DEMO.company_id],
                         tmp_path, env)
        assert server.returncode == 5
    down = run_cli(["cards", "--base-url", "http://127.0.0.1:9", "--partner-id",
                    DEMO.partner_id, "--card-account-id", ACCOUNT, "--company-id",
                    DEMO.company_id, "--timeout", "3"], tmp_path,
                   {"ENKASH_AUTHORIZATION": "x"})
    assert down.returncode == 3
