"""Finding a cardholder's card: EnKash's Get User Card Details call (ENKASH_API.md §7).

``POST {base}/api/v0/partner/enKashCard/search`` with ``cardAccountId`` and ``companyId``
(and optionally ``enKashCardId``) lists the cards of a card account, so a support agent who
knows the account and the company can pick the cardholder instead of typing an ``EK…`` id.

The reply is barely documented, so it is read defensively: one card object or a list, under
``payload`` or ``data`` (or bare), in either envelope, with ``enKashCardId`` or
``enkashCardId``; name, mobile, email, status and role are shown when present. A card carries
a ``token`` field: that is a *card* token, not an SSO token. It is never read into a
:class:`CardRecord`, and it is masked in the reply kept for the screen and the history.

The call goes through the same client as the SSO call (same headers, bearer token and
cookie, one fresh login after a 401, the profile's payload encryption, the same error
taxonomy); the parser never raises anything but :class:`EnkashError`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import EnkashError, ErrorKind
from .gateway import gateway_error, oauth_error_code, with_retry_after
from .models import Cardholder, Environment, PreparedCall
from .redaction import mask_secrets, redact
from .replies import MAX_REPLY_BYTES, Envelope, error_for_status, read_envelope
from .validation import check_id

if TYPE_CHECKING:
    from .client import EnkashClient

CARD_SEARCH_PATH = "/api/v0/partner/enKashCard/search"
MAX_CARDS = 5000  # more than any card account holds; the rest of a reply is not read

# Normalised key names (lower case, no "_" or "-") for each field of a card record.
_FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "enkash_card_id": ("enkashcardid", "cardid"),
    "user_id": ("userid", "enkashuserid"),
    "card_account_id": ("cardaccountid", "rewardaccountid"),
    "masked_number": ("maskednumber", "maskedcardnumber", "maskedcardno"),
    "name": ("name", "cardholdername", "fullname", "employeename", "username", "nameoncard"),
    "mobile": ("mobile", "mobilenumber", "mobileno", "phone", "phonenumber"),
    "email": ("email", "emailid", "emailaddress"),
    "status": ("status", "cardstatus"),
    "role": ("role", "cardtype", "usertype", "cardrole", "type"),
}
_LIST_KEYS = ("cards", "content", "records", "list", "items", "enkashcards")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_DIGITS = re.compile(r"\d")
_ADMIN_WORDS = re.compile(r"(?i)admin|\bhr\b|^hr[_\s-]|company[_\s-]?owner")


@dataclass(frozen=True)
class CardRecord:
    """One card of a card account, as the search reply describes it (no card token)."""

    enkash_card_id: str
    user_id: str = ""
    card_account_id: str = ""
    masked_number: str = ""
    name: str = ""
    mobile: str = ""
    email: str = ""
    status: str = ""
    role: str = ""

    @property
    def admin(self) -> bool:
        """True when the reply says this is an HR or company admin's card."""
        return bool(self.role and _ADMIN_WORDS.search(self.role))

    def as_json(self) -> dict[str, Any]:
        """The card in `enkash-sso cards --json`."""
        return {"enkash_card_id": self.enkash_card_id, "masked_number": self.masked_number,
                "user_id": self.user_id, "card_account_id": self.card_account_id,
                "name": self.name, "mobile": self.mobile, "email": self.email,
                "status": self.status, "role": self.role, "admin": self.admin}


@dataclass(frozen=True)
class CardSearch:
    """What was asked: the card account, the company, and optionally one card."""

    card_account_id: str
    company_id: str
    enkash_card_id: str = ""

    def body(self) -> dict[str, str]:
        """The request body, spelled as on the Get User Card Details page (capital K)."""
        out = {"cardAccountId": self.card_account_id, "companyId": self.company_id}
        if self.enkash_card_id:
            out["enKashCardId"] = self.enkash_card_id
        return out


@dataclass(frozen=True)
class CardSearchResult:
    """The outcome of one card search; recorded in the history as a lookup."""

    ok: bool
    profile_name: str
    environment: Environment
    search: CardSearch
    started_at: float
    elapsed_ms: float
    cards: tuple[CardRecord, ...] = ()
    http_status: int | None = None
    response_code: int | str | None = None
    message: str = ""
    error: EnkashError | None = None
    request_redacted: str = field(default="", repr=False)
    reply_redacted: str = field(default="", repr=False)

    kind = "lookup"  # the history's word for this kind of call

    @property
    def cardholder(self) -> Cardholder:
        """The ids searched for, as the history's cardholder columns hold them."""
        s = self.search
        return Cardholder(s.card_account_id, s.company_id, s.enkash_card_id)

    @property
    def outcome(self) -> str:
        return "success" if self.ok else (self.error.kind.value if self.error else "error")

    @property
    def summary(self) -> str:
        """One sentence for the history's message column."""
        if not self.ok:
            return f"Card lookup failed: {self.message}"
        count = len(self.cards)
        found = "no card" if count == 0 else "1 card" if count == 1 else f"{count} cards"
        return f"Card lookup: {found} found for card account {self.search.card_account_id}."

    def as_json(self) -> dict[str, Any]:
        """The `enkash-sso cards --json` object."""
        return {
            "ok": self.ok, "http_status": self.http_status,
            "response_code": self.response_code, "message": self.message,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "cards": [card.as_json() for card in self.cards],
            "error": self.error.as_dict() if self.error else None,
        }


# -- parsing ------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return name.replace("_", "").replace("-", "").replace(" ", "").lower()


def _clean(value: Any, limit: int = 200) -> str:
    """A value shown to the user: a short line of text with no control characters."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        return ""
    return " ".join(_CONTROL.sub(" ", text).split())[:limit]


def _masked(number: str) -> str:
    """A card number shown safely: only its last four digits."""
    digits = _DIGITS.findall(number)
    return f"XXXX XXXX XXXX {''.join(digits[-4:])}" if len(digits) >= 4 else ""


def card_from(data: Any) -> CardRecord | None:
    """A card record from one object of the reply, or None when it names no card id.

    The ``token`` field (a card token) is never read.
    """
    if not isinstance(data, dict):
        return None
    by_key: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(key, str) and value is not None and value != "":
            by_key.setdefault(_norm(key), value)  # the first spelling that has a value
    values: dict[str, str] = {}
    for name, keys in _FIELD_KEYS.items():
        values[name] = next((text for k in keys if (text := _clean(by_key.get(k)))), "")
    card_id = values.pop("enkash_card_id")
    try:
        card_id = check_id("enkash_card_id", card_id)
    except EnkashError:
        return None
    if not values["masked_number"]:
        values["masked_number"] = _masked(_clean(by_key.get("cardnumber")))
    elif len(_DIGITS.findall(values["masked_number"])) > 4:  # unmasked after all
        values["masked_number"] = _masked(values["masked_number"])
    if not values["name"]:
        first, last = _clean(by_key.get("firstname")), _clean(by_key.get("lastname"))
        values["name"] = f"{first} {last}".strip()
    return CardRecord(card_id, **values)


def _card_objects(data: Any, depth: int = 0) -> Iterator[Any]:
    """The card objects of a decoded reply: payload/data, one object or a list."""
    if depth > 3:
        return
    if isinstance(data, list):
        yield from data[:MAX_CARDS]
        return
    if not isinstance(data, dict):
        return
    for container in ("payload", "data", "result"):
        inner = data.get(container)
        if isinstance(inner, dict | list):
            yield from _card_objects(inner, depth + 1)
            return
    for key, value in data.items():
        if isinstance(key, str) and _norm(key) in _LIST_KEYS and isinstance(value, list):
            yield from value[:MAX_CARDS]
            return
    yield data


def parse_cards(data: Any) -> tuple[CardRecord, ...]:
    """Every card record in a decoded reply, in order, each card id once."""
    seen: set[str] = set()
    cards: list[CardRecord] = []
    for obj in _card_objects(data):
        card = card_from(obj)
        if card is not None and card.enkash_card_id not in seen:
            seen.add(card.enkash_card_id)
            cards.append(card)
    return tuple(cards)


def card_tokens(data: Any, depth: int = 0) -> list[str]:
    """The values of every ``token`` field in a reply, so they can be masked wherever shown."""
    found: list[str] = []
    if depth > 6:
        return found
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and "token" in key.lower() and isinstance(value, str):
                found.append(value)
            else:
                found += card_tokens(value, depth + 1)
    elif isinstance(data, list):
        for item in data[:MAX_CARDS]:
            found += card_tokens(item, depth + 1)
    return [t for t in found if len(t) >= 4]


class CardReply:
    """A search reply understood: its envelope, the cards, or the error."""

    def __init__(self, envelope: Envelope, cards: tuple[CardRecord, ...],
                 error: EnkashError | None) -> None:
        self.envelope = envelope
        self.cards = cards
        self.error = error


def parse_card_reply(status: int, body: bytes) -> CardReply:
    """Turn the search call's HTTP status and body into card records or an error."""
    env = read_envelope(body)
    detail = f"HTTP {status}; {len(body)} bytes"
    if len(body) > MAX_REPLY_BYTES:
        return CardReply(env, (), EnkashError(
            ErrorKind.UNREADABLE,
            "The server's reply was far larger than expected and was not read.",
            detail=detail, http_status=status))
    error = gateway_error(status, body) or error_for_status(status, env.message, detail)
    if 400 <= status < 500 and oauth_error_code(env.data) == "invalid_token":
        error = EnkashError(ErrorKind.TOKEN_EXPIRED, detail=detail, http_status=status)
    if error is not None:
        return CardReply(env, (), error)
    if env.data is None:
        what = "empty" if not body.strip() else "not JSON"
        return CardReply(env, (), EnkashError(
            ErrorKind.UNREADABLE, f"The server's reply was {what}, so it could not be read.",
            detail=detail, http_status=status))
    if env.failed:
        message = env.message or f"response code {env.code}"
        return CardReply(env, (), EnkashError(
            ErrorKind.REJECTED, f"EnKash refused the card search: {message}",
            detail=f"{detail}; response_code {env.code}", http_status=status))
    return CardReply(env, parse_cards(env.data), None)


# -- the call -----------------------------------------------------------------------------


def validate_search(search: CardSearch) -> CardSearch:
    """Trimmed and checked ids (BAD_INPUT names the field); the card id is optional."""
    card = search.enkash_card_id.strip()
    return CardSearch(check_id("card_account_id", search.card_account_id),
                      check_id("company_id", search.company_id),
                      check_id("enkash_card_id", card) if card else "")


def prepare_search(client: EnkashClient, search: CardSearch, authorization: str,
                   cookie: str) -> PreparedCall:
    """The search call exactly as it goes on the wire: the SSO call's headers, its own body."""
    sso = client.prepare_sso(Cardholder(search.card_account_id, search.company_id, "X"),
                             authorization, cookie)
    key = client._payload_key()
    if key is not None:
        from .crypto import encrypt_payload

        body = encrypt_payload(search.body(), key)
    else:
        body = json.dumps(search.body()).encode("utf-8")
    base = client.profile.base_url.strip().rstrip("/")
    return PreparedCall("POST", base + CARD_SEARCH_PATH, sso.headers, body)


def search_cards(client: EnkashClient, card_account_id: str, company_id: str,
                 enkash_card_id: str = "") -> CardSearchResult:
    """List the cards of a card account (or the one card). Never raises: errors are in the
    result. A 401 gets one fresh login, as the SSO call does."""
    from .client import _Cancelled
    from .crypto import decrypt_reply
    from .curl import to_curl

    started = time.time()
    t0 = time.perf_counter()
    search = CardSearch(card_account_id, company_id, enkash_card_id)
    generation = client._generation
    seen = client._login_count
    status: int | None = None
    body = b""
    call: PreparedCall | None = None
    reply: CardReply | None = None
    error: EnkashError | None
    try:
        search = validate_search(search)
        refused = ""
        for _attempt in range(2):
            auth, cookie = client._authorization(seen, refused)
            call = prepare_search(client, search, auth, cookie)
            status, body, _ = client._post(call.url, dict(call.headers), call.body, generation)
            key = client._payload_key()
            if key is not None:
                body = decrypt_reply(body, key)
            reply = parse_card_reply(status, body)
            again = (reply.error is not None and reply.error.kind is ErrorKind.TOKEN_EXPIRED
                     and client.can_login() and not client.login_needs_confirmation())
            if not again or refused:
                break
            refused = auth
        assert reply is not None
        error = reply.error
        if error is not None:
            with_retry_after(error, getattr(client._last_reply, "retry_after", None))
    except _Cancelled:
        error = EnkashError(ErrorKind.CANCELLED)
    except EnkashError as exc:
        error = exc
    secrets = [*client.secrets.values(), client.token.value if client.token else ""]
    data = reply.envelope.data if reply is not None else None
    tokens = card_tokens(data)
    message = reply.envelope.message if reply is not None else ""
    message = mask_secrets(message or (error.message if error else ""), [*secrets, *tokens])
    if error is not None:
        error.message = mask_secrets(error.message, [*secrets, *tokens])
    return CardSearchResult(
        ok=error is None,
        profile_name=client.profile.name,
        environment=client.profile.environment,
        search=search,
        started_at=started,
        elapsed_ms=(time.perf_counter() - t0) * 1000.0,
        cards=reply.cards if reply is not None and error is None else (),
        http_status=status,
        response_code=reply.envelope.code if reply is not None else None,
        message=message,
        error=error,
        request_redacted=to_curl(call) if call is not None else "",
        reply_redacted=_reply_text(body, data, [*secrets, *tokens]),
    )


def _reply_text(body: bytes, data: Any, secrets: list[str]) -> str:
    """The reply for the screen and the history: card tokens and secrets masked."""
    if not body:
        return ""
    if data is not None:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    else:
        text = body[:64_000].decode("utf-8", errors="replace")
    return redact(text[:64_000], secrets)
