"""Open the portal link in a private window of the user's default browser.

Opening cardholder after cardholder in the agent's own browser leaves each cardholder's
portal session behind, and a second link can land in the first cardholder's session. A
private window starts without the earlier sessions. The default browser is found the
operating system's way:

- Linux: ``xdg-settings get default-web-browser`` (or, without xdg-utils, the
  ``x-scheme-handler/https`` default of the ``mimeapps.list`` files it reads), then that
  desktop entry's ``Exec`` line;
- Windows: the ProgId of the https ``UserChoice``, then its ``shell\\open\\command``;
- macOS: the https handler in Launch Services' preferences, started with ``open -b``.

Chrome, Chromium, Brave and Vivaldi take ``--incognito``, Edge ``--inprivate``, Firefox
``--private-window``, Opera ``--private``. No Qt here: the window runs this off its GUI
thread (``xdg-settings`` is a shell script and can take a moment).
"""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

# Checked in this order against the browser's name and program (Edge before Chrome).
PRIVATE_FLAGS: tuple[tuple[str, str], ...] = (
    ("edge", "--inprivate"),
    ("brave", "--incognito"),
    ("vivaldi", "--incognito"),
    ("chromium", "--incognito"),
    ("chrome", "--incognito"),
    ("firefox", "--private-window"),
    ("librewolf", "--private-window"),
    ("opera", "--private"),
)
_LOOKUP_TIMEOUT_S = 5.0
# Desktop entry field codes (the Desktop Entry Specification) and flatpak's markers.
_FIELD_CODES = {"%f", "%F", "%u", "%U", "%d", "%D", "%n", "%N", "%i", "%c", "%k", "%v", "%m",
                "@@", "@@u"}


@dataclass(frozen=True)
class Browser:
    """The default browser: what it is called, how it is started, its private flag."""

    name: str
    command: tuple[str, ...]  # the program and its fixed arguments, without a URL
    private_flag: str | None


PRIVATE = "private"  # opened in a private window
UNKNOWN = "unknown"  # no default browser with a known private flag: open it normally
FAILED = "failed"  # the browser was found but could not be started


def private_flag(*names: str) -> str | None:
    """The private-window flag for a browser known by any of ``names``, else None."""
    text = " ".join(names).lower()
    for key, flag in PRIVATE_FLAGS:
        if key in text:
            return flag
    return None


def open_in_private_window(url: str) -> str:
    """Start the default browser's private window on ``url``: PRIVATE, UNKNOWN or FAILED."""
    browser = default_browser()
    if browser is None or browser.private_flag is None:
        return UNKNOWN
    argv = [*browser.command, browser.private_flag, url]
    try:
        started = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, close_fds=True,
                                   start_new_session=sys.platform != "win32")
    except (OSError, ValueError):
        return FAILED
    # The browser belongs to the user and may outlive the program; it is only reaped here.
    with _started_lock:
        _started[:] = [p for p in _started if p.poll() is None]
        _started.append(started)
    return PRIVATE


_started: list[subprocess.Popen[bytes]] = []
_started_lock = threading.Lock()


def default_browser() -> Browser | None:
    """The user's default browser, or None when it cannot be found."""
    try:
        if sys.platform == "win32":
            return _windows_browser()
        if sys.platform == "darwin":
            return _macos_browser()
        return _linux_browser()
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


# ----------------------------------------------------------------------------- Linux


def _linux_browser() -> Browser | None:
    desktop_id = _xdg_default_browser() or _mimeapps_default()
    if not desktop_id:
        return None
    entry = _find_desktop_entry(desktop_id)
    if entry is None:
        return None
    command = _exec_command(entry)
    if not command:
        return None
    return Browser(desktop_id, command, private_flag(desktop_id, Path(command[0]).name,
                                                     " ".join(command)))


def _xdg_default_browser() -> str:
    try:
        done = subprocess.run(["xdg-settings", "get", "default-web-browser"],
                              capture_output=True, text=True, timeout=_LOOKUP_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    answer = done.stdout.strip()
    return answer if done.returncode == 0 and answer.endswith(".desktop") else ""


def _config_dirs() -> list[Path]:
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    others = os.environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    return [home, *(Path(p) for p in others.split(":") if p)]


def _data_dirs() -> list[Path]:
    home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    others = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    return [home, *(Path(p) for p in others.split(":") if p)]


def _mimeapps_default() -> str:
    """The https (then http) handler of the first mimeapps.list that names one."""
    files = [d / "mimeapps.list" for d in _config_dirs()]
    files += [d / "applications" / "mimeapps.list" for d in _data_dirs()]
    for scheme in ("x-scheme-handler/https", "x-scheme-handler/http"):
        for path in files:
            parser = _read_ini(path)
            if parser is None or not parser.has_section("Default Applications"):
                continue
            value = parser.get("Default Applications", scheme, fallback="")
            first = next((v.strip() for v in value.split(";") if v.strip()), "")
            if first:
                return first
    return ""


def _find_desktop_entry(desktop_id: str) -> Path | None:
    if "/" in desktop_id or desktop_id.startswith("."):
        return None
    for base in _data_dirs():
        path = base / "applications" / desktop_id
        if path.is_file():
            return path
    return None


def _read_ini(path: Path) -> configparser.RawConfigParser | None:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            parser.read_file(f)
    except (OSError, configparser.Error):
        return None
    return parser


def _exec_command(entry: Path) -> tuple[str, ...]:
    parser = _read_ini(entry)
    if parser is None:
        return ()
    line = parser.get("Desktop Entry", "Exec", fallback="")
    try:
        words = shlex.split(line)
    except ValueError:
        return ()
    return tuple(w.replace("%%", "%") for w in words if w not in _FIELD_CODES)


# ----------------------------------------------------------------------------- Windows


def _windows_browser() -> Browser | None:
    if sys.platform != "win32":
        return None
    import winreg

    choice = (r"Software\Microsoft\Windows\Shell\Associations\UrlAssociations\https"
              r"\UserChoice")
    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, choice) as key:
        prog_id = str(winreg.QueryValueEx(key, "ProgId")[0])
    with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, rf"{prog_id}\shell\open\command") as key:
        command = str(winreg.QueryValueEx(key, "")[0])
    words = shlex.split(command, posix=False)
    if not words:
        return None
    program = words[0].strip('"')
    return Browser(prog_id, (program,), private_flag(prog_id, Path(program).name))


# ----------------------------------------------------------------------------- macOS


def _macos_browser() -> Browser | None:
    import plistlib

    path = (Path.home() / "Library" / "Preferences" / "com.apple.LaunchServices"
            / "com.apple.launchservices.secure.plist")
    with path.open("rb") as f:
        handlers = plistlib.load(f).get("LSHandlers", [])
    for handler in handlers:
        if isinstance(handler, dict) and handler.get("LSHandlerURLScheme") == "https":
            bundle = str(handler.get("LSHandlerRoleAll") or "")
            if bundle:
                return Browser(bundle, ("open", "-n", "-b", bundle, "--args"),
                               private_flag(bundle.replace("edgemac", "edge")))
    return None
