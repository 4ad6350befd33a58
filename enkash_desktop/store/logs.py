"""The log file: rotating, private to the user, and redacted before anything is written.

Every record passes :class:`RedactingFilter` on its way to the file handler: the message,
its arguments and any traceback are rendered, then masked by
:func:`enkash_desktop.core.redaction.redact` with every secret the program has been told
about (:func:`remember_secrets`) and the patterns that catch the rest.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from enkash_desktop.core.redaction import redact

LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 4
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def remember_secrets(values: Iterable[str]) -> None:
    """Tell the log filter about secret strings, so they are masked wherever they appear."""
    with _secrets_lock:
        _secrets.update(v for v in values if v and len(v) >= 3)


def known_secrets() -> list[str]:
    """The typed secrets, and the tokens the core fetched this session (core.redaction)."""
    from enkash_desktop.core.redaction import session_secrets

    with _secrets_lock:
        return [*_secrets, *session_secrets()]


def redact_known(text: str) -> str:
    """Mask every remembered secret and every secret-looking value in ``text``."""
    return redact(text, known_secrets())


class RedactingFilter(logging.Filter):
    """Renders each record and masks secrets in its message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact_known(message)
        record.args = None
        if record.exc_info:
            record.exc_text = redact_known(
                logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact_known(record.stack_info)
        return True


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """A rotating file handler whose files are readable by their owner only."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, self.mode.replace("w", "a"), encoding=self.encoding,
                         errors=self.errors)


def setup_logging(log_file: Path, *, level: int = logging.INFO) -> logging.Handler | None:
    """Send the program's log to ``log_file`` (rotating, redacted); None if it cannot.

    A log that cannot be opened (full or read-only disk) must not stop the program: the
    reason goes to stderr and logging stays off.
    """
    try:
        log_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler: logging.Handler = _PrivateRotatingHandler(
            log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    except OSError as exc:
        print(f"Enkash Desktop could not open its log file ({exc}); logging is off.",
              file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter())
    handler.setLevel(level)
    logging.getLogger().addHandler(handler)
    logging.getLogger("enkash_desktop").setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return handler


STDERR_HANDLER = "enkash-stderr"
PRINTED = "already_on_stderr"  # a record's extra: its text was printed to stderr already


def warn_on_stderr() -> None:
    """For the window when its log file cannot be opened: warnings go to stderr, redacted,
    not through Python's last-resort handler, which prints a record as it is. (The command
    line keeps stderr for its sentences and drops them instead.)"""
    root = logging.getLogger()
    if any(h.get_name() == STDERR_HANDLER for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(STDERR_HANDLER)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(lambda record: not getattr(record, PRINTED, False))  # then masked
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)


def log_uncaught(exc_type: type[BaseException], exc: BaseException,
                 tb: TracebackType | None) -> None:
    """An excepthook: a crash is logged (redacted) and shown on stderr redacted too."""
    logging.getLogger("enkash_desktop.crash").critical(
        "Unexpected error", exc_info=(exc_type, exc, tb))
    import traceback

    text = "".join(traceback.format_exception(exc_type, exc, tb))
    print(redact_known(text), file=sys.stderr)
