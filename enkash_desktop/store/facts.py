"""Facts about this installation for the log and the diagnostics zip: versions, platform and
the proxy in use (never its user name or password)."""

from __future__ import annotations

import os
import platform
import re
import sys
from collections.abc import Mapping

from enkash_desktop import __version__

# The distributions whose versions answer "which build is this?" in a ticket.
_DISTRIBUTIONS = ("PySide6-Essentials", "httpx", "keyring", "platformdirs", "truststore",
                  "cryptography")
_AUTHORITY_END = re.compile(r"[/?#]")


def basic_facts() -> dict[str, str]:
    """Cheap facts (nothing is read from disk, no module loaded): for every start, the
    command line's too. The proxy is the environment's (``*_proxy`` variables)."""
    uname = platform.uname()
    return {
        "app_version": __version__,
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "platform": f"{uname.system} {uname.release} {uname.machine}",
        "frozen": "yes" if getattr(sys, "frozen", False) else "no",
        "proxy": describe_proxies(_environment_proxies()),
    }


def all_facts() -> dict[str, str]:
    """:func:`basic_facts` with the operating system's own proxy settings, the full platform
    and the versions of the libraries (reads package metadata: tens of milliseconds, so not
    on the GUI thread)."""
    from importlib import metadata

    facts = basic_facts()
    facts["platform"] = platform.platform()
    facts["proxy"] = describe_proxies(_system_proxies())
    for name in _DISTRIBUTIONS:
        try:
            facts[name.lower()] = metadata.version(name)
        except Exception:  # a bundle may carry no metadata; the fact is simply unknown
            facts[name.lower()] = "unknown"
    return facts


def _environment_proxies() -> Mapping[str, str]:
    """What ``urllib.request.getproxies_environment`` reads, without importing urllib."""
    found: dict[str, str] = {}
    for name, value in os.environ.items():
        if value and len(name) > 6 and name[-6:].lower() == "_proxy":
            found.setdefault(name[:-6].lower(), value)
    return found


def _system_proxies() -> Mapping[str, str]:
    """The proxies as ``urllib.request.getproxies`` finds them: the environment's, and on
    Windows and macOS the system's settings when the environment names none."""
    if sys.platform not in ("win32", "darwin"):  # urllib reads only the environment here
        return _environment_proxies()
    import urllib.request

    try:
        return urllib.request.getproxies()
    except Exception:  # an odd registry or environment must not stop a start
        return {}


def describe_proxies(proxies: Mapping[str, str]) -> str:
    """``"none"``, or ``"https=http://proxy:3128, no=localhost"``: scheme and host of each
    proxy only. User names, passwords, paths and queries are left out, whatever the text."""
    parts = [f"{_printable(scheme)}={_without_credentials(url)}"
             for scheme, url in sorted(proxies.items()) if url]
    return ", ".join(parts) or "none"


def _without_credentials(url: str) -> str:
    text = url.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    masked = "@" in rest
    if masked:  # the host follows the last "@", whatever the password held
        rest = rest.rsplit("@", 1)[1]
    host = _AUTHORITY_END.split(rest, maxsplit=1)[0]
    shown = ("***@" if masked else "") + host
    return _printable(f"{scheme}://{shown}" if sep else shown)


def _printable(text: str) -> str:
    """One line of valid UTF-8: control characters and lone surrogates escaped."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def log_facts(extra: Mapping[str, str] | None = None, *, versions: bool = True) -> None:
    """Write the start-up facts to the log in one line (``versions`` reads package
    metadata: call it off the GUI thread)."""
    import logging

    facts = all_facts() if versions else basic_facts()
    facts.update(extra or {})
    logging.getLogger("enkash_desktop").info(
        "start-up facts: %s", "; ".join(f"{key} {value}" for key, value in facts.items()))
