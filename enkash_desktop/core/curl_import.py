"""Paste a curl command, get the SSO request back: the inverse of :func:`.curl.to_curl`.

Support agents receive the SSO call as a curl command: the docs' own sample, a colleague's
Copy as cURL, a browser's "Copy as cURL (bash)" or "(cmd)". :func:`parse_curl` reads the
base URL, partner id and cardholder from it, and keeps the Authorization and Cookie it finds
apart, so the window can put them in secret fields only after the user confirms.

It understands ``--location``, ``--request``/``-X``, ``--header``/``-H``, the ``--data``
family, ``--url``, ``--cookie``/``-b``, POSIX quoting (single, double, ``$'...'``), ``\\``
line continuations, and Windows ``^`` and PowerShell backtick continuations. Any other flag
is listed in ``unknown_flags``, never dropped silently. A command that is not this API's
SSO call raises BAD_INPUT saying so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .errors import EnkashError, ErrorKind
from .fields import CARDHOLDER_IDS
from .models import SSO_PATH, Cardholder
from .redaction import MASK

# Flags that do not change the request this program makes; accepted without comment.
_HARMLESS = frozenset({
    "-L", "--location", "--compressed", "-s", "--silent", "-S", "--show-error", "-v",
    "--verbose", "-i", "--include", "-g", "--globoff", "-f", "--fail", "--fail-with-body",
    "--http1.1", "--http2", "--no-buffer", "-N", "--location-trusted",
})
_HARMLESS_SHORT = frozenset("LsSvigfN")
# Flags known to take a value, which this program does not use: listed as unknown.
_IGNORED_WITH_VALUE = frozenset({
    "-A", "--user-agent", "-e", "--referer", "-o", "--output", "--connect-timeout", "-m",
    "--max-time", "-x", "--proxy", "--cacert", "--capath", "--cert", "--key", "-E",
    "--retry", "--max-redirs", "-w", "--write-out", "-u", "--user", "--data-urlencode",
    "-F", "--form", "-T", "--upload-file", "--resolve", "--connect-to", "-K", "--config",
    "--oauth2-bearer", "--limit-rate", "-r", "--range", "-c", "--cookie-jar",
})
_DATA = frozenset({"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--json"})
_DATA_FROM_FILE = frozenset({"-d", "--data", "--data-binary", "--data-ascii", "--json"})
# Headers the program sets itself; they are read (Content-Type) or accepted silently.
_OWN_HEADERS = frozenset({"content-type", "accept", "user-agent", "content-length", "host",
                          "accept-encoding", "connection"})
# Normalised body key -> field: enkashCardId (SSO page) and enKashCardId (others) alike.
_BODY_FIELDS = {alias: f.key for f in CARDHOLDER_IDS for alias in f.json_aliases}
_FIELD_NAMES = {f.key: f.json_name for f in CARDHOLDER_IDS}


@dataclass(frozen=True)
class CurlImport:
    """What a pasted curl command says about the SSO call. ``repr`` shows no secret."""

    base_url: str  # the URL without the SSO path
    partner_id: str
    cardholder: Cardholder  # ids as found; empty when missing (see warnings)
    authorization: str = field(default="", repr=False)  # "" when absent or masked
    cookie: str = field(default="", repr=False)  # "" when absent or masked
    unknown_flags: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    encrypted: bool = False  # the body was {"request": ...} (decrypted with the given key)

    @property
    def has_secrets(self) -> bool:
        return bool(self.authorization or self.cookie)


def _bad(message: str) -> EnkashError:
    return EnkashError(ErrorKind.BAD_INPUT, message, field="curl")


# ------------------------------------------------------------------ words


def _join_continuations(text: str) -> str:
    """Join Windows ``^`` and PowerShell backtick continuations; ``\\`` is the splitter's.

    A command copied for cmd.exe also escapes characters with ``^``; those are undone too.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\^\n", text):
        text = re.sub(r"\^\n", " ", text)
        text = re.sub(r"\^(.)", r"\1", text)
    return re.sub(r"`\n", " ", text)


_SURROGATE = re.compile("[\ud800-\udfff]")
_C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
              "e": "\x1b", "E": "\x1b", "\\": "\\", "'": "'", '"': '"', "?": "?"}


def _character(code: int, escape: str) -> str:
    """The character a ``$'...'`` escape names; BAD_INPUT when it names none."""
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _bad(f"The command has the escape {escape!r}, which is not a character. "
                   "Please copy the command again.")
    return chr(code)


def _ansi_c(text: str, i: int) -> tuple[str, int]:
    """Read a ``$'...'`` word body from ``text[i]`` (just after the quote)."""
    out: list[str] = []
    while i < len(text):
        ch = text[i]
        if ch == "'":
            return "".join(out), i + 1
        if ch != "\\" or i + 1 >= len(text):
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in _C_ESCAPES:
            out.append(_C_ESCAPES[nxt])
            i += 2
        elif nxt in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            digits = re.match(f"[0-9a-fA-F]{{1,{width}}}", text[i + 2:])
            if digits:
                out.append(_character(int(digits.group(), 16), text[i:i + 2 + width]))
                i += 2 + len(digits.group())
            else:
                out.append("\\" + nxt)
                i += 2
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", text[i + 1:])
            assert digits is not None
            out.append(chr(int(digits.group(), 8)))
            i += 1 + len(digits.group())
        else:
            out.append("\\" + nxt)
            i += 2
    raise _bad("The command has a $'...' quote that is never closed. Please copy the whole "
               "command again.")


def split_words(text: str) -> list[str]:
    """Split a shell command into words as bash would (quotes, escapes, continuations).

    Like :func:`shlex.split` in POSIX mode, plus ``$'...'`` quoting; no expansion happens.
    """
    words: list[str] = []
    current: list[str] = []
    in_word = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\n":
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
            i += 1
        elif ch == "\\":
            if i + 1 < n and text[i + 1] == "\n":
                i += 2  # line continuation
                continue
            if i + 1 < n:
                current.append(text[i + 1])
            in_word = True
            i += 2
        elif ch == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise _bad("The command has a ' quote that is never closed. Please copy the "
                           "whole command again.")
            current.append(text[i + 1:end])
            in_word = True
            i = end + 1
        elif ch == "$" and i + 1 < n and text[i + 1] == "'":
            part, i = _ansi_c(text, i + 2)
            current.append(part)
            in_word = True
        elif ch == '"':
            i += 1
            while True:
                if i >= n:
                    raise _bad('The command has a " quote that is never closed. Please copy '
                               "the whole command again.")
                c = text[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\" and i + 1 < n and text[i + 1] in '$`"\\\n':
                    if text[i + 1] != "\n":
                        current.append(text[i + 1])
                    i += 2
                    continue
                current.append(c)
                i += 1
            in_word = True
        elif ch == "#" and not in_word:
            end = text.find("\n", i)
            i = n if end < 0 else end  # a comment runs to the end of the line
        else:
            current.append(ch)
            in_word = True
            i += 1
    if in_word:
        words.append("".join(current))
    return words


# ------------------------------------------------------------------ options


@dataclass
class _Parsed:
    method: str = ""
    urls: list[str] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    cookie_flag: str = ""
    unknown: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    json_flag: bool = False


def _is_curl(word: str) -> bool:
    name = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name in ("curl", "curl.exe")


def _options(words: list[str]) -> _Parsed:
    """Walk curl's arguments into a :class:`_Parsed`."""
    parsed = _Parsed()
    i = 0

    def value_of(flag: str) -> str:
        nonlocal i
        if i + 1 >= len(words):
            raise _bad(f"The option {flag} at the end of the command has no value. Please "
                       "copy the whole command again.")
        i += 1
        return words[i]

    while i < len(words):
        word = words[i]
        name, eq, attached = word.partition("=") if word.startswith("--") else (word, "", "")
        if not word.startswith("-") or word == "-":
            parsed.urls.append(word)
        elif word == "--":
            parsed.urls.extend(words[i + 1:])
            break
        elif name in _HARMLESS and not eq:
            pass
        elif name in ("-X", "--request"):
            parsed.method = attached if eq else value_of(name)
        elif name in ("-H", "--header"):
            header = attached if eq else value_of(name)
            key, sep, val = header.partition(":")
            if sep:
                parsed.headers.append((key.strip(), val.strip()))
            else:
                parsed.warnings.append(f"The header '{key.strip()}' has no value and was left "
                                       "out.")
        elif name in _DATA:
            body = attached if eq else value_of(name)
            if name in _DATA_FROM_FILE and body.startswith("@"):
                raise _bad(f"The body is read from the file {body[1:]!r}, which cannot be "
                           "imported. Please paste a command with the body itself.")
            parsed.data.append(body)
            parsed.json_flag = parsed.json_flag or name == "--json"
        elif name == "--url":
            parsed.urls.append(attached if eq else value_of(name))
        elif name in ("-b", "--cookie"):
            cookie = attached if eq else value_of(name)
            if "=" in cookie:
                parsed.cookie_flag = cookie
            else:
                parsed.unknown.append(name)
                parsed.warnings.append("The cookie is read from a file, which cannot be "
                                       "imported; please type the Cookie yourself.")
        elif name in ("-G", "--get"):
            parsed.method = parsed.method or "GET"
            parsed.unknown.append(name)
        elif name in ("-I", "--head"):
            parsed.method = "HEAD"
        elif name in ("-k", "--insecure"):
            parsed.unknown.append(name)
            parsed.warnings.append("The command turns certificate checks off (--insecure); "
                                   "Enkash Desktop always checks certificates.")
        elif name in _IGNORED_WITH_VALUE:
            if not eq:
                value_of(name)
            parsed.unknown.append(name)
        elif not word.startswith("--") and len(word) > 2 and word[1] in "XHdb":
            # An attached short value: -XPOST, -H'...', -d'{...}'
            words[i:i + 1] = [word[:2], word[2:]]
            continue
        elif not word.startswith("--") and len(word) > 2 and set(word[1:]) <= _HARMLESS_SHORT:
            pass  # -sSL
        else:
            parsed.unknown.append(name)
            # A flag we do not know may take a value; a following word that is neither an
            # option nor a web address is taken as that value, not as the URL.
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if not eq and nxt and not nxt.startswith("-") and "://" not in nxt:
                i += 1
        i += 1
    return parsed


# ------------------------------------------------------------------ the call


def _split_url(url: str, warnings: list[str]) -> str:
    """The base URL (scheme, host, port and any path prefix) of an SSO call's URL."""
    if "://" not in url:
        warnings.append("The address has no https:// in front; https:// was assumed.")
        url = "https://" + url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise _bad(f"The address {url!r} is not a valid web address. Please check the "
                   "command.") from None
    if not parts.hostname:
        raise _bad(f"The address {url!r} has no host name. Please check the command.")
    path = parts.path.rstrip("/")
    if not path.endswith(SSO_PATH):
        shown = parts.path or "/"
        raise _bad(f"This command calls {shown}, not the EnKash SSO token endpoint "
                   f"({SSO_PATH}); only the SSO call can be imported.")
    if parts.query or parts.fragment:
        warnings.append("The address has a query string, which the SSO call does not use; "
                        "it was left out.")
    prefix = path[: -len(SSO_PATH)]
    return urlunsplit((parts.scheme.lower(), parts.netloc, prefix, "", ""))


def _body_fields(body: str, decrypt_key: bytes | None,
                 warnings: list[str]) -> tuple[dict[str, str], bool]:
    """The cardholder ids in the JSON body (field -> value) and whether it was encrypted."""
    from .crypto import decrypt_reply, wrapped_cipher_text

    raw = body.encode("utf-8")
    encrypted = wrapped_cipher_text(raw) is not None
    if encrypted:
        if decrypt_key is None:
            raise _bad("The body of this command is encrypted, so the cardholder's ids "
                       "cannot be read from it. Please choose the profile's key rule and "
                       "client secret first, or type the ids yourself.")
        try:
            raw = decrypt_reply(raw, decrypt_key)
        except EnkashError:
            raise _bad("The encrypted body could not be decrypted with this profile's key. "
                       "Please check the key rule and the client secret.") from None
    try:
        data: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _bad("The body of this command is not JSON, so it is not an SSO call that "
                   "can be imported.") from None
    if not isinstance(data, dict):
        raise _bad("The body of this command is not a JSON object, so it is not an SSO call "
                   "that can be imported.")
    found: dict[str, str] = {}
    extra: list[str] = []
    for key, value in data.items():
        name = _BODY_FIELDS.get(re.sub(r"[^0-9a-z]", "", str(key).lower()))
        if name is None or name in found:
            extra.append(str(key))
        elif isinstance(value, str | int) and not isinstance(value, bool):
            found[name] = str(value).strip()
        else:
            warnings.append(f"The body's {key} is not text; please type it yourself.")
            found[name] = ""
    for name, label in _FIELD_NAMES.items():
        if name not in found:
            warnings.append(f"The body has no {label}; please type it yourself.")
            found[name] = ""
    if extra:
        warnings.append(f"The body's other fields ({', '.join(extra)}) are not part of the "
                        "SSO call and were left out.")
    return found, encrypted


def _secret(name: str, value: str, warnings: list[str]) -> str:
    """The header's value, or "" (with a warning) when the copy masked it.

    Masked means Copy as cURL's ``••••••``, a ``<placeholder>`` or a bare ``Bearer``.
    """
    text = value.strip()
    if not text:
        return ""
    if MASK[0] in text or re.search(r"<[^<>]*>", text) or text.lower() == "bearer":
        warnings.append(f"The {name} in this command is masked (for example ••••••), so it "
                        "was not imported. Please click Get token or type it yourself.")
        return ""
    return text


def parse_curl(text: str, *, decrypt_key: bytes | None = None) -> CurlImport:
    """Read an SSO call from a curl command; raise BAD_INPUT when it is not one.

    ``decrypt_key`` reads the ids of an encrypted body (an encrypted profile's Copy as
    cURL); without it such a body raises BAD_INPUT.
    """
    if _SURROGATE.search(text):
        raise _bad("The command contains characters that are not text. Please copy it again "
                   "from where it came.")
    words = split_words(_join_continuations(text.strip()))
    if words and words[0] == "$":
        words = words[1:]  # a pasted shell prompt
    if not words or not _is_curl(words[0]):
        raise _bad("This is not a curl command: it should start with the word curl. Please "
                   "paste the SSO request exactly as it was copied.")
    parsed = _options(words[1:])
    warnings = parsed.warnings
    if not parsed.urls:
        raise _bad("The curl command has no web address. Please copy the whole command again.")
    if len(parsed.urls) > 1:
        raise _bad("The curl command has more than one web address "
                   f"({', '.join(parsed.urls)}); please paste one SSO call at a time.")
    method = (parsed.method or ("POST" if parsed.data else "GET")).upper()
    if method != "POST":
        raise _bad(f"This command sends a {method} request, but the EnKash SSO call is a "
                   "POST; only the SSO call can be imported.")
    base_url = _split_url(parsed.urls[0], warnings)

    partner_id = authorization = cookie = ""
    others: list[str] = []
    for name, value in parsed.headers:
        lower = name.lower()
        if lower == "partnerid":
            partner_id = value
        elif lower == "authorization":
            authorization = _secret("Authorization", value, warnings)
        elif lower == "cookie":
            cookie = _secret("Cookie", value, warnings)
        elif lower == "content-type":
            if value.split(";")[0].strip().lower() != "application/json":
                warnings.append(f"The command sends Content-Type {value}; the SSO call always "
                                "sends application/json.")
        elif lower not in _OWN_HEADERS:
            others.append(name)
    if parsed.cookie_flag and not cookie:
        cookie = _secret("Cookie", parsed.cookie_flag, warnings)
    if others:
        warnings.append(f"These headers are not part of the SSO call and were left out: "
                        f"{', '.join(others)}.")
    if not partner_id:
        warnings.append("The command has no partnerId header; please type the partner id "
                        "yourself.")

    if parsed.data:
        fields, encrypted = _body_fields("&".join(parsed.data), decrypt_key, warnings)
    else:
        warnings.append("The command has no body, so the cardholder's ids were not found; "
                        "please type them yourself.")
        fields, encrypted = dict.fromkeys(_FIELD_NAMES, ""), False
    return CurlImport(
        base_url=base_url,
        partner_id=partner_id,
        cardholder=Cardholder.from_ids(fields),
        authorization=authorization,
        cookie=cookie,
        unknown_flags=tuple(dict.fromkeys(parsed.unknown)),
        warnings=tuple(dict.fromkeys(warnings)),
        encrypted=encrypted,
    )


_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")


def is_placeholder_host(url: str) -> bool:
    """True for a documentation placeholder (``test.your-api-server.com``, ``example.com``
    and its kin, a ``your-…`` host): such a command never changes a profile's URLs."""
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    return (any(host == d or host.endswith("." + d) for d in _PLACEHOLDER_DOMAINS)
            or any(label.startswith("your-") for label in host.split(".")))
