"""Facts about this installation for the log and the diagnostics zip: versions, platform and
the proxy in use (never its user name or password)."""

from __future__ import annotations

import os
import platform
import re
import sys
from collections.abc import Iterable, Mapping

from enkash_desktop import __version__

# The distributions whose versions answer "which build is this?" in a ticket.
_DISTRIBUTIONS = ("PySide6-Essentials", "httpx", "keyring", "platformdirs", "truststore",
                  "cryptography")
_AUTHORITY_END = re.compile(r"[/?#]")
_NAME_SEPARATORS = re.compile(r"[-_.]+")


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
    and the versions of the libraries (lists the folders of ``sys.path``: not on the GUI
    thread)."""
    facts = basic_facts()
    facts["platform"] = _platform_text()
    facts["proxy"] = describe_proxies(_system_proxies())
    facts.update(installed_versions(_DISTRIBUTIONS))
    return facts


def installed_versions(names: Iterable[str]) -> dict[str, str]:
    """The version of each distribution, by its lower-case name: from the name of its
    ``<name>-<version>.dist-info`` folder on ``sys.path``, the first one found, as
    ``importlib.metadata`` finds it but without loading that module and the e-mail parser
    it reads METADATA with. ``"unknown"`` when none is found (a bundle may carry none)."""
    wanted = {_normal_name(name): name.lower() for name in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = list(os.scandir(folder or "."))
        except OSError:  # a zip file, a folder that is gone, no permission
            continue
        for entry in entries:
            stem, _, suffix = entry.name.rpartition(".")
            name, _, version = stem.partition("-")
            key = wanted.get(_normal_name(name)) if suffix == "dist-info" else None
            if key is not None and version:
                found.setdefault(key, version)
    return {key: found.get(key, "unknown") for key in wanted.values()}


def _normal_name(name: str) -> str:
    """A distribution's name as packaging compares it (``jaraco.classes`` is
    ``jaraco-classes``, ``PySide6_Essentials`` is ``pyside6-essentials``)."""
    return _NAME_SEPARATORS.sub("-", name).lower()


def _platform_text() -> str:
    """``platform.platform()``, less the processor on Linux and the BSDs: finding it there
    runs ``uname -p`` in a subprocess."""
    if sys.platform in ("win32", "darwin"):
        return platform.platform()
    uname = os.uname()
    libc, libc_version = platform.libc_ver()
    parts = [uname.sysname, uname.release, uname.machine]
    if libc:
        parts.append(f"with-{libc}{libc_version}")
    return "-".join(part for part in parts if part)


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
    """Write the start-up facts to the log in one line (``versions`` lists the folders of
    ``sys.path``: call it off the GUI thread)."""
    import logging

    facts = all_facts() if versions else basic_facts()
    facts.update(extra or {})
    logging.getLogger("enkash_desktop").info(
        "start-up facts: %s", "; ".join(f"{key} {value}" for key, value in facts.items()))
