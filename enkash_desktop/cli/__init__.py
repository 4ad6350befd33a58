"""`enkash-sso`: the same core from a terminal (contract in DESIGN.md).

Exit codes: 0 success; 2 bad input (nothing sent); 3 network failure or timeout;
4 rejected by the API; 5 HTTP 5xx or an unreadable reply. ``batch`` reports the most severe
outcome among its rows (5 > 3 > 4 > 2; see its ``--help``).

Secrets never come from the command line: from the profile's keyring entries, or from
``ENKASH_AUTHORIZATION``, ``ENKASH_COOKIE``, ``ENKASH_PASSWORD``, ``ENKASH_CLIENT_SECRET``.
Imports are kept lazy so a one-off call starts fast.
"""

from __future__ import annotations

import atexit
import gc
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

from .common import _print_redacted_crash
from .parser import _parser


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The function of command ``name``; its module loads only when that command runs (a
    test may set ``_cmd_<name>`` here instead). The imports are spelled out, so a bundle
    built from the sources finds them."""
    own = globals().get(f"_cmd_{name}")
    if own is not None:
        return cast("Callable[[argparse.Namespace], int]", own)
    if name == "batch":
        from . import batch

        return batch._cmd_batch
    from . import commands

    return cast("Callable[[argparse.Namespace], int]", getattr(commands, f"_cmd_{name}"))


def main(argv: Sequence[str] | None = None) -> int:
    # One command, then the process ends. At exit Python would sweep every object it ever
    # loaded for reference cycles, a tenth of a short run; nothing here needs that sweep
    # (whatever a command opens, it closes), so the objects are frozen out of it.
    atexit.unregister(gc.freeze)  # registered once, however often main() runs
    atexit.register(gc.freeze)
    sys.excepthook = _print_redacted_crash
    args = _parser().parse_args(argv)
    command = _command(args.command)
    log_file = _start_log(args.command)
    try:
        return command(args)
    except KeyboardInterrupt:
        return 130
    except Exception:  # a bug: its traceback goes to the log (redacted), a sentence here
        import logging

        logging.getLogger("enkash_desktop.crash").exception("enkash-sso %s failed", args.command)
        where = f" The details were written to {log_file}." if log_file else ""
        print(f"Something unexpected went wrong, and the command stopped.{where} Please run "
              "`enkash-sso diagnostics --output FILE.zip` and send the zip to support.",
              file=sys.stderr)
        return 1


_LOGGING_TO: list[Path] = []


def _start_log(command: str) -> str:
    """Log to the program's log file (redacted, like the window's), and never to stderr: a
    notice a person should read is printed as a sentence instead. Returns the log's path."""
    import logging

    root = logging.getLogger()
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())  # no raw log line on stderr (lastResort)
    if command == "sandbox":
        return ""
    from enkash_desktop.store.facts import log_facts
    from enkash_desktop.store.logs import setup_logging
    from enkash_desktop.store.paths import AppPaths

    log_file = AppPaths.default().log_file
    if not _LOGGING_TO or _LOGGING_TO[0] != log_file:  # once per file, however often main runs
        if setup_logging(log_file) is None:
            return ""
        _LOGGING_TO[:] = [log_file]
    log_facts({"command": f"enkash-sso {command}"}, versions=False)
    return str(log_file)
