"""The EnKash simulator: a real HTTP server on loopback, standard library only.

It implements ``POST /oauth/token`` (with the lockout after 3 failed logins), the SSO
endpoint (with the documented headers, body and reply envelope), a tiny portal page for the
links built from SSO tokens, and fault switches so tests can provoke every failure the
program must survive (see :class:`Fault`), and the card search (Get User Card Details, see
:mod:`.cards`). Three partners: the docs' own (plain JSON), one that requires encrypted
requests and answers encrypted with EnKash's SHA-256 key rule (ENKASH_API.md §5; the AES code
is the core's, imported only when that partner is called), and one keyed by another rule.

Every reply leaves in one ``write`` (buffered handler, one flush): otherwise headers and body
go out as two TCP segments and the client's delayed ACK adds about 40 ms to every call
(LINUX_SETUP.md, "Loopback HTTP: one write per reply").
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, unquote

from enkash_desktop.core.models import (
    DEFAULT_TOKEN_LIFETIME_S,
    SSO_PATH,
    TOKEN_PATH,
    Cardholder,
    Profile,
    Secrets,
)

from .cards import CARD_SEARCH_PATH, search_reply
from .demo import (
    ALL_DEMO_CARDHOLDERS,
    DEMO,
    DEMO_CARDS,
    DEMO_ENCRYPTED,
    DEMO_ENCRYPTED_FIRST16,
    DEMO_ENCRYPTED_FIRST16_RULE,
    DEMO_ENCRYPTED_RULE,
    DemoConstants,
)
from .http import _Server
from .wire import (
    UNAUTHORIZED_MESSAGE,
    Fault,
    RecordedCall,
    _check_fault_value,
    _envelope,
    _FaultRule,
    _html_reply,
    _json_reply,
    _Reply,
)

LOCKOUT_AFTER = 3

NOT_FOUND_MESSAGE = "Card holder not found for the given ids."
ENCRYPTION_REQUIRED_MESSAGE = "This partner requires encrypted requests."
# EnKash's own wording for a request it cannot decrypt (its payouts code table).
UNDECRYPTABLE_MESSAGE = "Invalid encrypted request"
PARTNERS: tuple[DemoConstants, ...] = (DEMO, DEMO_ENCRYPTED, DEMO_ENCRYPTED_FIRST16)
# The partners that demand encrypted payloads, and the key rule of each.
ENCRYPTED_PARTNERS = {
    DEMO_ENCRYPTED.partner_id: (DEMO_ENCRYPTED, DEMO_ENCRYPTED_RULE),
    DEMO_ENCRYPTED_FIRST16.partner_id: (DEMO_ENCRYPTED_FIRST16, DEMO_ENCRYPTED_FIRST16_RULE),
}

ENDPOINTS = ("sso", "token", "search", "any")
TOKEN_STYLES = ("oauth", "camel", "pg", "no_expiry")




# No dataclasses here: `enkash-sso send --demo` starts a sandbox, and each dataclass costs
# about half a millisecond to create at import. Records are named tuples; the two mutable
# classes are plain.
















class Sandbox:
    """An in-process EnKash simulator on loopback.

    ``with Sandbox() as sb:`` starts it on a free port; ``sb.base_url`` serves as both the SSO
    base and the auth base. State (tokens, lockouts, recorded calls, faults) is shared by the
    handler threads under one lock.
    """

    def __init__(
        self,
        token_lifetime_s: float = DEFAULT_TOKEN_LIFETIME_S,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token_lifetime_s = float(token_lifetime_s)
        self.host = host
        self.port = port
        self._lock = threading.Lock()
        self._bearer_tokens: dict[str, float] = {}  # token -> monotonic expiry
        self._sso_tokens: dict[str, Cardholder] = {}
        self._failures: dict[str, int] = {}
        self._locked: set[str] = set()
        self._calls: list[RecordedCall] = []
        self._faults: list[_FaultRule] = []
        self._release_hangs = threading.Event()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._cardholders = {
            (c.card_account_id, c.company_id, c.enkash_card_id): c for c in ALL_DEMO_CARDHOLDERS
        }
        self.add_cardholders(card.cardholder for card in DEMO_CARDS)

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Bind and serve in a daemon thread; returns self. Starting twice is an error."""
        if self._server is not None:
            raise RuntimeError("The sandbox is already running.")
        self._stopping.clear()
        server = _Server((self.host, self.port), self)
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_until_stopped,
            name=f"enkash-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop promptly, even with hung handlers: release them and close every connection."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        self._release_hangs.set()
        server.stop_serving()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        server.close_all_connections()
        server.server_close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` with no trailing slash; the sandbox must be running."""
        if self._server is None:
            raise RuntimeError("The sandbox is not running: call start() first.")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def demo_partner(self) -> tuple[Profile, Secrets, Cardholder]:
        """The demo profile for this running sandbox, its secrets and its first cardholder.

        The window is handed these values (it never imports the sandbox).
        """
        from .demo import DEMO_CARDHOLDERS, demo_profile, demo_secrets

        return demo_profile(self.base_url), demo_secrets(), DEMO_CARDHOLDERS[0]

    # -- faults -------------------------------------------------------------------------

    def set_fault(
        self,
        kind: str,
        *,
        endpoint: str = "sso",
        times: int | None = None,
        delay_s: float = 0.0,
        value: str | None = None,
    ) -> None:
        """Make matching calls misbehave: until cleared (``times=None``) or for the next n.

        A fault of the same kind and endpoint replaces the previous one. Faults combine: a
        ``delay`` postpones, ``token_field``/``token_style`` shape a successful reply, and the
        first other kind replaces the answer. ``endpoint="any"`` matches every request.
        """
        if kind not in Fault.ALL:
            raise ValueError(f"Unknown fault kind {kind!r}; expected one of {sorted(Fault.ALL)}.")
        if endpoint not in ENDPOINTS:
            raise ValueError(f"Unknown endpoint {endpoint!r}; expected one of {ENDPOINTS}.")
        if times is not None and times < 1:
            raise ValueError("times must be None (until cleared) or at least 1.")
        if kind == Fault.TOKEN_STYLE and (value or "oauth") not in TOKEN_STYLES:
            raise ValueError(f"Unknown token style {value!r}; expected one of {TOKEN_STYLES}.")
        if kind in (Fault.HTTP_STATUS, Fault.GATEWAY_HTML, Fault.OAUTH_ERROR):
            _check_fault_value(kind, value)
        if kind == Fault.TOKEN_FIELD and not value:
            raise ValueError("The token_field fault needs a value (a key name, "
                             "'payload_string' or 'code_message').")
        rule = _FaultRule(kind, endpoint, times, max(0.0, delay_s), value)
        with self._lock:
            self._faults = [f for f in self._faults
                            if not (f.kind == kind and f.endpoint == endpoint)]
            self._faults.append(rule)

    def clear_faults(self) -> None:
        """Remove every fault; requests hung by a ``hang`` fault are closed unanswered."""
        with self._lock:
            self._faults = []
            self._release_hangs.set()
            self._release_hangs = threading.Event()

    def _take_faults(self, endpoint: str | None) -> tuple[list[_FaultRule], threading.Event]:
        """The faults matching this call (each one use consumed) and the hang event."""
        taken: list[_FaultRule] = []
        with self._lock:
            for rule in list(self._faults):
                if rule.endpoint != "any" and rule.endpoint != endpoint:
                    continue
                taken.append(_FaultRule(rule.kind, rule.endpoint, rule.times, rule.delay_s,
                                        rule.value))
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._faults.remove(rule)
            return taken, self._release_hangs

    # -- state --------------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """A snapshot of every request received since start or the last reset."""
        with self._lock:
            return list(self._calls)

    @property
    def locked_users(self) -> set[str]:
        with self._lock:
            return set(self._locked)

    def unlock(self, username: str) -> None:
        """Unlock ``username`` and forget its failed logins, as EnKash support does."""
        with self._lock:
            self._locked.discard(username)
            self._failures.pop(username, None)

    def reset(self) -> None:
        """Forget tokens, lockout counts, recorded calls and faults."""
        with self._lock:
            self._bearer_tokens.clear()
            self._sso_tokens.clear()
            self._failures.clear()
            self._locked.clear()
            self._calls.clear()
        self.clear_faults()

    def expire_tokens(self) -> None:
        """End every bearer token issued so far, as if its lifetime had run out just now."""
        with self._lock:
            self._bearer_tokens.clear()

    def add_cardholders(self, cardholders: Iterable[Cardholder]) -> None:
        """Let the SSO endpoint know more cardholders (batch tests and benchmarks)."""
        with self._lock:
            for c in cardholders:
                self._cardholders[(c.card_account_id, c.company_id, c.enkash_card_id)] = c

    def issue_token(self) -> str:
        """Mint a valid bearer token directly (for tests and the docs' curl sample)."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._bearer_tokens[token] = time.monotonic() + self.token_lifetime_s
        return token

    def _record(self, call: RecordedCall) -> None:
        with self._lock:
            self._calls.append(call)

    def _bearer_valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._bearer_tokens.get(token)
            if expiry is None:
                return False
            if time.monotonic() >= expiry:
                del self._bearer_tokens[token]
                return False
            return True

    # -- endpoints ----------------------------------------------------------------------

    def _oauth_token(self, headers: dict[str, str], body: bytes, style: str) -> _Reply:
        """``POST /oauth/token``: password grant with HTTP Basic client credentials."""
        form = {k: v[0] for k, v in
                parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        username = form.get("username", "")
        with self._lock:
            if username and username in self._locked:
                return _json_reply(423, {
                    "error": "account_locked",
                    "error_description":
                        f"The account is locked after {LOCKOUT_AFTER} failed login attempts.",
                })
        missing = [k for k in ("username", "password", "grant_type", "clientId")
                   if not form.get(k)]
        if missing:
            self._count_failure(username)
            return _json_reply(400, {
                "error": "invalid_request",
                "error_description": f"Missing parameter: {', '.join(missing)}.",
            })
        if form["grant_type"] != "password":
            self._count_failure(username)
            return _json_reply(400, {
                "error": "unsupported_grant_type",
                "error_description": f"Unsupported grant type: {form['grant_type']}.",
            })
        client = _basic_credentials(headers.get("authorization", ""))
        if not any(client == (p.oauth_client_id, p.oauth_client_secret) for p in PARTNERS):
            # As Spring does: the client is checked first; the user's password is not tried,
            # so this does not count towards the user's lockout.
            return _json_reply(401, {"error": "invalid_client",
                                     "error_description": "Bad client credentials"})
        good = any(
            client == (p.oauth_client_id, p.oauth_client_secret)
            and form["clientId"] == p.login_client_id
            and username == p.username
            and form["password"] == p.password
            for p in PARTNERS
        )
        if not good:
            self._count_failure(username)
            return _json_reply(400, {"error": "invalid_grant",
                                     "error_description": "Bad credentials"})
        with self._lock:
            self._failures.pop(username, None)
        token = self.issue_token()
        cookie = ("Set-Cookie", f"JSESSIONID={secrets.token_hex(16).upper()}; Path=/; HttpOnly")
        return _json_reply(200, self._token_body(token, style), [cookie])

    def _token_body(self, token: str, style: str) -> dict[str, Any]:
        lifetime = int(self.token_lifetime_s)
        refresh = secrets.token_urlsafe(32)
        if style == "camel":
            return {"accessToken": token, "tokenType": "Bearer", "expiresIn": lifetime,
                    "refreshToken": refresh}
        if style == "pg":
            expiry_ms = int((time.time() + self.token_lifetime_s) * 1000)
            return {"token": token, "expiry": expiry_ms, "resultCode": 0,
                    "resultMessage": "Success"}
        if style == "no_expiry":
            return {"access_token": token}
        return {"access_token": token, "token_type": "bearer", "refresh_token": refresh,
                "expires_in": lifetime, "scope": "read write"}

    def _count_failure(self, username: str) -> None:
        if not username:
            return
        with self._lock:
            count = self._failures.get(username, 0) + 1
            self._failures[username] = count
            if count >= LOCKOUT_AFTER:
                self._locked.add(username)

    def _sso_token(self, headers: dict[str, str], body: bytes, token_field: str | None) -> _Reply:
        """``POST /api/v0/partner/enKashCard/sso-token``: mint an SSO token for a cardholder."""
        partner = headers.get("partnerid", "").strip()
        if not partner:
            return _envelope(400, 1, "Missing partnerId header.")
        if partner in ENCRYPTED_PARTNERS:
            return self._sso_token_encrypted(partner, headers, body, token_field)
        if partner != DEMO.partner_id:
            return _envelope(400, 1, f"Unknown partnerId: {partner}.")
        return self._sso_token_plain(headers, body, token_field)

    def _sso_token_encrypted(self, partner: str, headers: dict[str, str], body: bytes,
                             token_field: str | None) -> _Reply:
        """The encrypted partner: decrypt the request, answer as usual, encrypt the reply."""
        from enkash_desktop.core.crypto import encrypt_payload

        opened = _decrypt_request(partner, body)
        if isinstance(opened, _Reply):
            return opened
        key, plain = opened
        try:
            json.loads(plain.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return _envelope(422, 1, UNDECRYPTABLE_MESSAGE)
        reply = self._sso_token_plain(headers, plain, token_field)
        reply.body = encrypt_payload(reply.body, key)
        return reply

    def _card_search(self, headers: dict[str, str], body: bytes) -> _Reply:
        """``POST /api/v0/partner/enKashCard/search``: the cards of a card account (§7)."""
        partner = headers.get("partnerid", "").strip()
        if not partner:
            return _envelope(400, 1, "Missing partnerId header.")
        if partner not in ENCRYPTED_PARTNERS and partner != DEMO.partner_id:
            return _envelope(400, 1, f"Unknown partnerId: {partner}.")
        auth = headers.get("authorization", "").strip()
        if auth[:7].lower() == "bearer ":
            auth = auth[7:].strip()
        if not auth or not self._bearer_valid(auth):
            return _envelope(401, 1, UNAUTHORIZED_MESSAGE)
        key: bytes | None = None
        if partner in ENCRYPTED_PARTNERS:
            opened = _decrypt_request(partner, body)
            if isinstance(opened, _Reply):
                return opened
            key, body = opened
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _envelope(400, 1, "The request body is not valid JSON.")
        status, reply_data = search_reply(data)
        reply = _json_reply(status, reply_data)
        if key is not None:
            from enkash_desktop.core.crypto import encrypt_payload

            reply.body = encrypt_payload(reply.body, key)
        return reply

    def _sso_token_plain(self, headers: dict[str, str], body: bytes,
                         token_field: str | None) -> _Reply:
        """The SSO call once the partner is known and the body is plain JSON."""
        auth = headers.get("authorization", "").strip()
        if auth[:7].lower() == "bearer ":
            auth = auth[7:].strip()
        if not auth or not self._bearer_valid(auth):
            return _envelope(401, 1, UNAUTHORIZED_MESSAGE)
        # No Cookie is demanded: the docs mark it required, yet the one public client sends
        # none (ENKASH_API.md §8), so the program must work without one.
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _envelope(400, 1, "The request body is not valid JSON.")
        if not isinstance(data, dict):
            return _envelope(400, 1, "The request body must be a JSON object.")
        for name in ("cardAccountId", "companyId", "enkashCardId"):
            value = data.get(name)
            if not isinstance(value, str) or not value:
                return _envelope(400, 1, f"Missing or invalid field: {name}.")
        key = (data["cardAccountId"], data["companyId"], data["enkashCardId"])
        holder = self._cardholders.get(key)
        if holder is None:
            return _envelope(200, 1, NOT_FOUND_MESSAGE)
        sso = secrets.token_urlsafe(24)
        with self._lock:
            self._sso_tokens[sso] = holder
        return _json_reply(200, _sso_success_body(sso, token_field))

    def _portal(self, path: str) -> _Reply:
        """``GET /sso/{token}/employee_rewards|reward_account/{partner}``: a stand-in page."""
        parts = path.split("/")
        # ["", "sso", token, page, partner]
        if len(parts) != 5 or parts[3] not in ("employee_rewards", "reward_account"):
            return _html_reply(404, "Not found", "This page does not exist in the sandbox.")
        with self._lock:
            holder = self._sso_tokens.get(unquote(parts[2]))
        if holder is None:
            return _html_reply(404, "Not found",
                               "This SSO link is unknown or belongs to another sandbox run.")
        page = "HR admin: reward accounts" if parts[3] == "reward_account" else "Employee rewards"
        return _html_reply(
            200,
            "EnKash rewards (sandbox)",
            f"EnKash rewards (sandbox) — signed in as card {holder.enkash_card_id} "
            f"(account {holder.card_account_id}, company {holder.company_id}). "
            f"{page} for partner {unquote(parts[4])}.",
        )

    def _route(self, method: str, path: str, headers: dict[str, str], body: bytes,
               faults: list[_FaultRule]) -> _Reply:
        shape = {f.kind: f.value for f in faults}
        if path == TOKEN_PATH and method == "POST":
            return self._oauth_token(headers, body, shape.get(Fault.TOKEN_STYLE) or "oauth")
        if path == SSO_PATH and method == "POST":
            return self._sso_token(headers, body, shape.get(Fault.TOKEN_FIELD))
        if path == CARD_SEARCH_PATH and method == "POST":
            return self._card_search(headers, body)
        if path.startswith("/sso/") and method == "GET":
            return self._portal(path)
        return _envelope(404, 1, f"Not found: {method} {path}.")


def _decrypt_request(partner: str, body: bytes) -> tuple[bytes, bytes] | _Reply:
    """An encrypted partner's request: its key and the decrypted body, or the refusal
    (400 when it is not wrapped, 422 when it does not decrypt with the partner's key)."""
    from enkash_desktop.core.crypto import decrypt_bytes, derive_key, wrapped_cipher_text

    demo, rule = ENCRYPTED_PARTNERS[partner]
    key = derive_key(demo.oauth_client_secret, rule)
    encoded = wrapped_cipher_text(body)
    if encoded is None:
        return _envelope(400, 1, ENCRYPTION_REQUIRED_MESSAGE)
    try:
        return key, decrypt_bytes(base64.b64decode(encoded, validate=True), key)
    except (ValueError, binascii.Error):
        return _envelope(422, 1, UNDECRYPTABLE_MESSAGE)


def _sso_success_body(token: str, token_field: str | None) -> dict[str, Any]:
    """The SSO success reply; ``token_field`` moves the token (the real reply is undocumented).

    ``None``: ``payload.token``; ``payload_string``: payload is the token; ``code_message``:
    the ``code``/``message`` envelope; a dotted path (``data.ssoToken``) is set from the top
    level; any other name is used as the key inside ``payload``.
    """
    if token_field is None:
        return {"response_code": 0, "response_message": "Success", "payload": {"token": token}}
    if token_field == "payload_string":
        return {"response_code": 0, "response_message": "Success", "payload": token}
    if token_field == "code_message":
        return {"code": 0, "message": "Success", "payload": {"token": token}}
    if "." in token_field:
        out: dict[str, Any] = {"response_code": 0, "response_message": "Success"}
        node = out
        *parents, leaf = token_field.split(".")
        for name in parents:
            node = node.setdefault(name, {})
        node[leaf] = token
        return out
    return {"response_code": 0, "response_message": "Success", "payload": {token_field: token}}


def _basic_credentials(header: str) -> tuple[str, str] | None:
    """(client id, secret) from an HTTP Basic ``Authorization`` header, or None."""
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None














def serve_forever(
    host: str = "127.0.0.1",
    port: int = 0,
    token_lifetime_s: float = DEFAULT_TOKEN_LIFETIME_S,
) -> None:
    """Run a sandbox in the foreground until Ctrl+C or SIGTERM; prints its base URL first."""
    with Sandbox(token_lifetime_s=token_lifetime_s, host=host, port=port) as sandbox:
        print(sandbox.base_url, flush=True)
        print(
            f"EnKash sandbox running. Partner id {DEMO.partner_id}, user {DEMO.username}, "
            f"password {DEMO.password}, OAuth client {DEMO.oauth_client_id} / "
            f"{DEMO.oauth_client_secret}, clientId {DEMO.login_client_id}. "
            "Press Ctrl+C to stop.",
            flush=True,
        )
        for e, how in ((DEMO_ENCRYPTED, "the first 16 bytes of the SHA-256 of"),
                       (DEMO_ENCRYPTED_FIRST16, "the first 16 characters of")):
            print(
                f"Encrypted partner {e.partner_id}: user {e.username}, password {e.password}, "
                f"OAuth client {e.oauth_client_id} / {e.oauth_client_secret}; its requests "
                f"must be encrypted with {how} that client secret.",
                flush=True,
            )
        from .stopping import wait_for_stop_signal

        wait_for_stop_signal()  # Ctrl+C or SIGTERM, even when started with SIGINT ignored
