"""One log line per SSO call and per login: what a support ticket needs to be answered.

Each line says when (the log's own time stamp), which profile and environment, the outcome's
kind, the HTTP status, the response code and the time taken; a failure adds its sentence and
technical detail. Free text goes in as ``repr`` so a line break in a profile name or a
server's message cannot forge a log line. The lines hold no secret to begin with (the
messages are already masked by the client) and the log file's filter redacts them again.
"""

from __future__ import annotations

import logging

from .errors import EnkashError
from .models import Profile, SsoResult

log = logging.getLogger("enkash_desktop.calls")


def log_sso_call(result: SsoResult) -> None:
    """Log one finished SSO call (INFO when it succeeded, WARNING otherwise)."""
    level = logging.INFO if result.ok else logging.WARNING
    if not log.isEnabledFor(level):
        return
    card = result.cardholder
    log.log(
        level,
        "SSO call: profile %r (%s), cardholder %s/%s/%s%s, outcome %s, HTTP %s, "
        "response code %s, %.0f ms%s",
        result.profile_name, result.environment.value, card.card_account_id,
        card.company_id, card.enkash_card_id, " (admin)" if card.admin else "",
        result.outcome, result.http_status if result.http_status is not None else "none",
        result.response_code if result.response_code is not None else "none",
        result.elapsed_ms, _failure(result.error),
    )


def log_login(profile: Profile, error: EnkashError | None, http_status: int | None,
              elapsed_ms: float) -> None:
    """Log one login attempt at /oauth/token, or its refusal before anything was sent."""
    level = logging.INFO if error is None else logging.WARNING
    if not log.isEnabledFor(level):
        return
    log.log(
        level,
        "Login: profile %r (%s), outcome %s, HTTP %s, %.0f ms%s",
        profile.name, profile.environment.value,
        "success" if error is None else error.kind.value,
        http_status if http_status is not None else "none", elapsed_ms, _failure(error),
    )


def _failure(error: EnkashError | None) -> str:
    if error is None:
        return ""
    text = f"; {error.message!r}"
    if error.detail:
        text += f" (detail: {error.detail!r})"
    return text
