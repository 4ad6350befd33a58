"""The values that cross floors: profiles, cardholders, secrets, tokens and results.

All are frozen dataclasses. None of them validates itself: :mod:`.validation` does that,
so a form can hold a half-typed profile and still ask what is wrong with it. The
environment and encryption choices live in :mod:`.choices` and are re-exported here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, TypeVar

from .choices import ENCRYPTION_HELP as ENCRYPTION_HELP
from .choices import RULE_LABELS as RULE_LABELS
from .choices import SUGGESTED_AUTH_URLS as SUGGESTED_AUTH_URLS
from .choices import SUGGESTED_BASE_URLS as SUGGESTED_BASE_URLS
from .choices import Environment as Environment
from .choices import PayloadEncryption as PayloadEncryption
from .errors import EnkashError
from .fields import CARDHOLDER_IDS, ID_KEYS

_E = TypeVar("_E", bound=Enum)

SSO_PATH = "/api/v0/partner/enKashCard/sso-token"
TOKEN_PATH = "/oauth/token"
DEFAULT_TOKEN_LIFETIME_S = 300.0


@dataclass(frozen=True)
class Profile:
    """A partner's settings, without secrets (those live in :class:`Secrets`)."""

    name: str
    environment: Environment = Environment.UAT
    base_url: str = ""
    auth_base_url: str = ""  # empty: same as base_url
    partner_id: str = ""
    portal_partner: str = ""  # the partner's short name in the portal link, e.g. "hrms"
    portal_url: str = ""  # empty: the environment's portal
    username: str = ""  # the login user for /oauth/token (often a mobile number)
    oauth_client_id: str = ""  # HTTP Basic user for /oauth/token
    login_client_id: str = ""  # the `clientId` form field (the partner's company id)
    token_path: str = ""  # explicit dotted path of the SSO token in the reply
    timeout_s: float = 30.0
    encryption: PayloadEncryption = PayloadEncryption.OFF
    managed: bool = False  # shipped by an administrator: URLs are read-only
    proxy: str = ""  # "": the system's proxies; "none": direct; else the proxy's URL

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def effective_auth_base_url(self) -> str:
        return self.auth_base_url or self.base_url

    @property
    def effective_portal_url(self) -> str:
        return self.portal_url or self.environment.default_portal_url

    def with_changes(self, **changes: Any) -> Profile:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (enums as their values). Holds no secret by construction."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            out[key] = value.value if isinstance(value, Enum) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Build from :meth:`to_dict` output; unknown keys are ignored, bad enums defaulted."""
        known = {f for f in cls.__dataclass_fields__}
        kwargs = {k: v for k, v in data.items() if k in known}
        if "environment" in kwargs:
            kwargs["environment"] = _enum_or(Environment, kwargs["environment"], Environment.UAT)
        if "encryption" in kwargs:
            kwargs["encryption"] = _enum_or(
                PayloadEncryption, kwargs["encryption"], PayloadEncryption.OFF
            )
        if "timeout_s" in kwargs:
            try:
                kwargs["timeout_s"] = float(kwargs["timeout_s"])
            except (TypeError, ValueError):
                kwargs["timeout_s"] = 30.0
        for key in ("name", "base_url", "auth_base_url", "partner_id", "portal_partner",
                    "portal_url", "username", "oauth_client_id", "login_client_id",
                    "token_path", "proxy"):
            if key in kwargs and not isinstance(kwargs[key], str):
                kwargs[key] = str(kwargs[key])
        kwargs["managed"] = bool(kwargs.get("managed", False))
        return cls(**kwargs)


def _enum_or(enum: type[_E], value: Any, default: _E) -> _E:
    try:
        return enum(value)
    except ValueError:
        return default


@dataclass(frozen=True)
class Secrets:
    """The four secrets of a profile. ``repr`` never shows them."""

    authorization: str = field(default="", repr=False)  # a bearer token typed by the user
    cookie: str = field(default="", repr=False)
    password: str = field(default="", repr=False)
    client_secret: str = field(default="", repr=False)

    KINDS = ("authorization", "cookie", "password", "client_secret")

    def values(self) -> list[str]:
        """The non-empty secret strings, for redaction."""
        return [v for v in (self.authorization, self.cookie, self.password,
                            self.client_secret) if v]

    @property
    def can_login(self) -> bool:
        return bool(self.password and self.client_secret)


@dataclass(frozen=True)
class Cardholder:
    """Who the SSO token is for."""

    card_account_id: str
    company_id: str
    enkash_card_id: str
    admin: bool = False  # an HR/company admin's card: the portal's reward_account page

    def body(self) -> dict[str, str]:
        """The SSO call's JSON body, spelled as on the SSO page (ENKASH_API.md §6)."""
        return {f.json_name: getattr(self, f.key) for f in CARDHOLDER_IDS}

    def ids(self) -> tuple[str, ...]:
        """The ids in the order of :data:`~.fields.CARDHOLDER_IDS`."""
        return tuple(getattr(self, key) for key in ID_KEYS)

    @classmethod
    def from_ids(cls, ids: Mapping[str, str], *, admin: bool = False) -> Cardholder:
        """A cardholder from its ids by field key (see :data:`~.fields.CARDHOLDER_IDS`)."""
        values = {key: ids.get(key, "") for key in ID_KEYS}
        return cls(**values, admin=admin)


@dataclass(frozen=True)
class BearerToken:
    """A token from /oauth/token with its expiry (wall-clock epoch seconds)."""

    value: str = field(repr=False)
    expires_at: float
    token_type: str = "bearer"
    cookie: str = field(default="", repr=False)  # cookies the token reply set

    def seconds_left(self, now: float | None = None) -> float:
        return self.expires_at - (time.time() if now is None else now)

    def expired(self, now: float | None = None, margin_s: float = 2.0) -> bool:
        return self.seconds_left(now) <= margin_s

    @property
    def header(self) -> str:
        return f"Bearer {self.value}"


@dataclass(frozen=True)
class PreparedCall:
    """Exactly what goes on the wire: used both to send and to export as cURL.

    ``repr`` shows neither headers nor body: they hold the bearer token, the cookie and,
    for the login, the password and client secret.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    body: bytes = field(repr=False)


class _RedactedText:
    """A text field of :class:`SsoResult`, given as the text or as a function that makes it.

    Only the history and the reply view read these texts, so the client passes functions:
    each runs on the first read, once, and its text replaces it. Every way of reading the
    field (``==``, ``repr``, :func:`dataclasses.asdict`, pickling and copying, see
    ``SsoResult.__getstate__``) gets the text, never the function.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, result: SsoResult | None, owner: type | None = None) -> str:
        if result is None:
            return ""  # the dataclass default
        value: str | Callable[[], str] = result.__dict__[self._name]
        if not isinstance(value, str):
            value = result.__dict__[self._name] = value()
        return value

    def __set__(self, result: SsoResult, value: str | Callable[[], str]) -> None:
        result.__dict__[self._name] = value


@dataclass(frozen=True)
class SsoResult:
    """The outcome of one SSO call, success or not. Redacted fields are safe to store."""

    ok: bool
    profile_name: str
    environment: Environment
    cardholder: Cardholder
    started_at: float  # epoch seconds
    elapsed_ms: float
    http_status: int | None = None
    response_code: int | str | None = None
    message: str = ""
    sso_token: str = field(default="", repr=False)
    sso_url: str = field(default="", repr=False)
    error: EnkashError | None = None
    request_redacted: _RedactedText = _RedactedText()  # the request as a redacted cURL command
    # the reply, pretty-printed, secrets and the SSO token masked
    reply_redacted: _RedactedText = _RedactedText()

    def __getstate__(self) -> dict[str, Any]:
        """What pickling and copying keep: the redacted texts, never the functions making them."""
        return {**self.__dict__, "request_redacted": self.request_redacted,
                "reply_redacted": self.reply_redacted}

    @property
    def outcome(self) -> str:
        """One word for history filters: "success" or the error kind's value."""
        return "success" if self.ok else (self.error.kind.value if self.error else "error")

    def as_json(self) -> dict[str, Any]:
        """The `--json` object of `enkash-sso` (DESIGN.md)."""
        return {
            "ok": self.ok,
            "http_status": self.http_status,
            "response_code": self.response_code,
            "message": self.message,
            "sso_token": self.sso_token or None,
            "sso_url": self.sso_url or None,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "error": self.error.as_dict() if self.error else None,
        }
