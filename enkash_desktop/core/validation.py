"""Validation of every field a user types, with messages that name the field.

The window calls :func:`profile_problems` and :func:`cardholder_problems` as the user types
(field name -> message), and the core calls :func:`validate_profile` and
:func:`validate_cardholder` before anything is sent (they raise a BAD_INPUT
:class:`EnkashError`). One set of rules serves both.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import fields, replace
from urllib.parse import SplitResult, urlsplit

from .errors import EnkashError, ErrorKind
from .fields import CARDHOLDER_IDS, ID_KEYS
from .models import Cardholder, Profile

_ID_RE = re.compile(r"[A-Za-z0-9_-]+")
_LOOKS_LIKE_EXAMPLE = re.compile(r"[A-Z0-9]{9,10}")
_PATH_RE = re.compile(r"[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HEADER_SAFE = re.compile(r"[\x20-\x7e\x80-\xff]+")
# A host name of letters, digits and inner hyphens (what DNS names are made of), in lower
# case as urlsplit gives it, and an address that looks like IPv4: see _plainly_sendable.
_LDH_HOST = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*")
_IPV4_STYLE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_MAX_URL_LENGTH = 65535  # httpx refuses longer URLs (the check adds a "/")

# Labels as the user sees them, used in messages (the window shows the same labels).
LABELS: dict[str, str] = {
    "name": "Profile name",
    "base_url": "Base URL",
    "auth_base_url": "Auth base URL",
    "portal_url": "Portal URL",
    "partner_id": "Partner id",
    "portal_partner": "SSO partner name",
    "username": "Login user",
    "oauth_client_id": "OAuth client id",
    "login_client_id": "Login client id",
    "token_path": "Token location",
    "timeout_s": "Timeout",
    "proxy": "Proxy",
    **{f.key: f.label for f in CARDHOLDER_IDS},
    "authorization": "Authorization",
    "cookie": "Cookie",
    "password": "Password",
    "client_secret": "Client secret",
}


def _bad(field: str, message: str) -> EnkashError:
    return EnkashError(ErrorKind.BAD_INPUT, message, field=field)


def check_id(field: str, value: str) -> str:
    """Trim an EnKash id and check it: non-empty, letters, digits, `-` or `_` only."""
    text = value.strip()
    if _ID_RE.fullmatch(text) and len(text) <= 64:
        return text  # the usual case; the checks below only find the right message
    label = LABELS.get(field, field)
    if not text:
        raise _bad(field, f"{label} is required.")
    if _CONTROL.search(text):
        raise _bad(field, f"{label} contains a control character; retype it.")
    if any(ch.isspace() for ch in text):
        raise _bad(field, f"{label} must not contain spaces.")
    if not _ID_RE.fullmatch(text):
        raise _bad(field, f"{label} may only contain letters, digits, '-' and '_'.")
    if len(text) > 64:
        raise _bad(field, f"{label} is too long (at most 64 characters).")
    return text


def id_warning(value: str) -> str | None:
    """A gentle note when an id does not look like EnKash's examples (never blocks)."""
    text = value.strip()
    if text and not _LOOKS_LIKE_EXAMPLE.fullmatch(text):
        return "EnKash ids are usually 9 or 10 capital letters and digits; please double-check."
    return None


def check_header_value(field: str, value: str, *, required: bool = False) -> str:
    """Trim a value that goes into an HTTP header and refuse CR, LF and control characters."""
    text = value.strip()
    if text and _HEADER_SAFE.fullmatch(text):
        return text  # the usual case
    label = LABELS.get(field, field)
    if required and not text:
        raise _bad(field, f"{label} is required.")
    if _CONTROL.search(text):
        raise _bad(field, f"{label} contains a line break or control character; retype it.")
    if any(ord(ch) > 0xFF for ch in text):
        raise _bad(field, f"{label} contains characters that cannot be sent in a header.")
    return text


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(field: str, value: str, *, required: bool = True) -> str:
    """Trim a base URL and check it: https (http only for loopback), a host, no query."""
    label = LABELS.get(field, field)
    text = value.strip().rstrip("/")
    if not text:
        if required:
            raise _bad(field, f"{label} is required.")
        return ""
    if _CONTROL.search(text) or any(ch.isspace() for ch in text):
        raise _bad(field, f"{label} must not contain spaces or line breaks.")
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise _bad(field, f"{label} is not a valid web address.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _bad(field, f"{label} must start with https:// and name a host, "
                          "for example https://pay-uat.enkash.in.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise _bad(field, f"{label} must use https:// (plain http is allowed only for "
                          "this computer's own test server).")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise _bad(field, f"{label} must not contain a query, a fragment or a password.")
    if not _plainly_sendable(text, parts, port) and not _sendable(text):
        raise _bad(field, f"{label} is not a valid web address: its host name cannot be "
                          "used (check for stray dots, dashes or unusual characters).")
    return text


def _plainly_sendable(text: str, parts: SplitResult, port: int | None) -> bool:
    """True for the usual address, which :func:`_sendable` would accept without a doubt: a
    host name of letters, digits and inner hyphens (no ``xn--`` label), or a valid IPv4
    address, with at most a port. The window checks the profile at start, and httpx loads
    later, off the GUI thread; only an unusual host needs it here. False means "ask httpx"."""
    host = parts.hostname or ""
    if len(text) > _MAX_URL_LENGTH or parts.netloc.lower() != (
            host if port is None else f"{host}:{port}"):
        return False
    if _IPV4_STYLE.fullmatch(host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    return bool(_LDH_HOST.fullmatch(host)) and not any(
        label.startswith("xn--") for label in host.split("."))


def _sendable(url: str) -> bool:
    """True when httpx, IDNA and the socket layer all accept ``url``'s host, as sent."""
    import httpx
    import idna

    try:
        host = httpx.URL(url + "/").raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return False
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    try:
        host.encode("idna")  # what socket.getaddrinfo does with a host name
        for name in host.split("."):
            if name[:4].lower() == "xn--":
                idna.decode(name)  # what the TLS layer does to name the server
    except UnicodeError:  # idna.IDNAError is one
        return False
    return True


def check_token_path(value: str) -> str:
    text = value.strip()
    if text and not _PATH_RE.fullmatch(text):
        raise _bad("token_path", "Token location must be a dotted path such as payload.ssoToken.")
    return text


def check_portal_partner(value: str, *, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise _bad("portal_partner", "SSO partner name is required to build the portal link.")
    if text and not re.fullmatch(r"[A-Za-z0-9._~-]+", text):
        raise _bad("portal_partner",
                   "SSO partner name may only contain letters, digits, '.', '_', '~' and '-'.")
    return text


def validate_cardholder(cardholder: Cardholder) -> Cardholder:
    """Return the cardholder with trimmed ids, or raise BAD_INPUT naming the first bad field.

    A cardholder that is already valid is returned as it is (it is frozen).
    """
    ids = {key: check_id(key, getattr(cardholder, key)) for key in ID_KEYS}
    if tuple(ids.values()) == cardholder.ids():
        return cardholder
    return Cardholder.from_ids(ids, admin=cardholder.admin)


def validate_profile(profile: Profile, *, for_login: bool = False) -> Profile:
    """Return the profile with trimmed fields, or raise BAD_INPUT naming the first bad field.

    ``for_login`` also requires what /oauth/token needs (user, client ids).
    """
    name = profile.name.strip()
    if not name:
        raise _bad("name", "Profile name is required.")
    if _CONTROL.search(name):
        raise _bad("name", "Profile name contains a control character.")
    cleaned = replace(
        profile,
        name=name,
        base_url=check_url("base_url", profile.base_url),
        auth_base_url=check_url("auth_base_url", profile.auth_base_url, required=False),
        portal_url=check_url("portal_url", profile.portal_url, required=False),
        partner_id=check_header_value("partner_id", profile.partner_id, required=True),
        portal_partner=check_portal_partner(profile.portal_partner, required=False),
        username=check_header_value("username", profile.username, required=for_login),
        oauth_client_id=check_header_value("oauth_client_id", profile.oauth_client_id,
                                           required=for_login),
        login_client_id=check_header_value("login_client_id", profile.login_client_id,
                                           required=False),
        token_path=check_token_path(profile.token_path),
        proxy=check_proxy_setting(profile.proxy),
    )
    if cleaned.partner_id and not _ID_RE.fullmatch(cleaned.partner_id):
        raise _bad("partner_id", "Partner id may only contain letters, digits, '-' and '_'.")
    if cleaned.proxy not in ("", "none") and not _sendable(cleaned.proxy.rstrip("/")):
        raise _bad("proxy", "Proxy is not a valid web address: its host name cannot be used.")
    if ":" in cleaned.oauth_client_id:
        raise _bad("oauth_client_id", "OAuth client id must not contain ':'.")
    if not 1 <= profile.timeout_s <= 600:
        raise _bad("timeout_s", "Timeout must be between 1 and 600 seconds.")
    return cleaned


def _problems(checks: dict[str, object]) -> dict[str, str]:
    out: dict[str, str] = {}
    for field, check in checks.items():
        try:
            check()  # type: ignore[operator]
        except EnkashError as exc:
            out[field] = exc.message
    return out


def cardholder_problems(cardholder: Cardholder) -> dict[str, str]:
    """Every problem of a cardholder form at once: field name -> message."""
    return _problems({
        f.name: (lambda n=f.name: check_id(n, getattr(cardholder, n)))
        for f in fields(cardholder) if f.name != "admin"
    })


def profile_problems(profile: Profile) -> dict[str, str]:
    """Every problem of a profile form at once: field name -> message."""
    problems: dict[str, str] = {}
    for _ in range(20):  # validate_profile stops at the first problem; mask it and go on
        try:
            validate_profile(profile)
            break
        except EnkashError as exc:
            assert exc.field is not None
            problems[exc.field] = exc.message
            profile = replace(profile, **{exc.field: _HARMLESS[exc.field]})  # type: ignore[arg-type]
    return problems


_HARMLESS: dict[str, object] = {
    "name": "x",
    "base_url": "https://example.invalid",
    "auth_base_url": "",
    "portal_url": "",
    "partner_id": "X",
    "portal_partner": "",
    "username": "",
    "oauth_client_id": "",
    "login_client_id": "",
    "token_path": "",
    "timeout_s": 30.0,
}


def secret_problems(values: dict[str, str]) -> dict[str, str]:
    """Header-safety of typed secrets (Authorization, Cookie, ...): field name -> message."""
    return _problems({
        kind: (lambda k=kind: check_header_value(k, values[k])) for kind in values
    })


NO_PROXY = "none"
PROXY_SCHEMES = ("http", "https")


def check_proxy_setting(setting: str) -> str:
    """The profile's proxy setting cleaned, or BAD_INPUT with a sentence."""
    text = setting.strip()
    if text == "" or text.lower() == NO_PROXY:
        return text.lower()
    problem = ("Proxy must be empty (the system's proxies), 'none', or a proxy address such "
               "as http://proxy.example.com:8080.")
    if any(ord(c) < 0x21 or ord(c) > 0x7E for c in text):
        raise EnkashError(ErrorKind.BAD_INPUT, problem, field="proxy")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise EnkashError(ErrorKind.BAD_INPUT, problem, field="proxy") from None
    if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname or port == 0:
        raise EnkashError(ErrorKind.BAD_INPUT, problem, field="proxy")
    return text


def split_id_row(text: str) -> dict[str, str] | None:
    """The cardholder's ids from one row copied out of a spreadsheet (tab, semicolon or
    comma between them, in the order of :data:`~.fields.CARDHOLDER_IDS`), or None when
    ``text`` is not such a row (a curl command, a single id, anything else)."""
    row = text.strip()
    if not row or "\n" in row or len(row) > 400:
        return None
    for separator in ("\t", ";", ","):
        cells = row.split(separator)
        if len(cells) != len(ID_KEYS):
            continue
        try:
            return {key: check_id(key, cell) for key, cell in zip(ID_KEYS, cells, strict=True)}
        except EnkashError:
            return None
    return None
