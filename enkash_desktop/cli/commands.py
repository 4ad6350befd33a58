"""The commands: send, cards, token, unlock, history, sandbox, diagnostics, profiles,
settings."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from .common import (
    _bad_input,
    _client,
    _in_terminal_words,
    _load_settings,
    _no_link_notice,
    _no_such_profile,
    _print_error,
    _recording,
    _say,
    _target,
)

if TYPE_CHECKING:
    from enkash_desktop.store.history_rows import CallRecord


def _cmd_send(args: argparse.Namespace) -> int:
    if not args.demo:
        return _send(args)
    # The demo's simulator outlives the call: the portal link it printed is served by it.
    from enkash_desktop.sandbox import Sandbox

    with Sandbox() as sandbox:
        code = _send(args, sandbox.base_url)
        if code == 0 and not args.json:
            from .demo import keep_running_for_the_link

            keep_running_for_the_link()
    return code


def _send(args: argparse.Namespace, sandbox_url: str = "") -> int:
    from enkash_desktop.core import Cardholder, EnkashError
    from enkash_desktop.core.validation import validate_cardholder

    ids = (args.card_account_id, args.company_id, args.enkash_card_id)
    if args.demo and not any(ids):
        from enkash_desktop.sandbox import DEMO_ADMIN_CARDHOLDER, DEMO_CARDHOLDERS

        cardholder = DEMO_ADMIN_CARDHOLDER if args.admin else DEMO_CARDHOLDERS[0]
    else:
        missing = [flag for flag, value in zip(
            ("--card-account-id", "--company-id", "--enkash-card-id"), ids, strict=True)
            if value is None]
        if missing:
            return _bad_input(f"Please give {', '.join(missing)}.", args.json)
        cardholder = Cardholder(*ids, admin=args.admin)
    try:
        cardholder = validate_cardholder(cardholder)
        with _target(args, sandbox_url) as (profile, secrets, failures), \
                _client(profile, secrets, failures) as client, _recording(args) as recorder:
            from enkash_desktop.core.lockout import locked_now
            from enkash_desktop.service.calls import send_and_record

            outcome = send_and_record(client, cardholder, recorder, confirmed_login=(
                args.confirm_lockout_risk and client.can_login()))
            _say(outcome.notice)
            if isinstance(outcome.value, EnkashError):
                raise locked_now(outcome.value, outcome.failures or 0)
            result = outcome.value
    except EnkashError as exc:
        return _print_error(_in_terminal_words(exc, args), args.json)
    if result.error is not None:  # this command's own result: reworded in place
        terminal = _in_terminal_words(result.error, args)
        result.error.message, result.error.advice = terminal.message, terminal.advice
    if args.json:
        print(json.dumps(result.as_json()))
    elif result.ok:
        print(f"SSO token minted in {result.elapsed_ms:.0f} ms "
              f"(HTTP {result.http_status}, response code {result.response_code}).")
        if result.sso_url:
            print(f"Portal link: {result.sso_url}", flush=True)
        else:
            print(f"SSO token: {result.sso_token}")
            print(_no_link_notice(args, profile.name), file=sys.stderr)
    else:
        assert result.error is not None
        return _print_error(result.error, False)
    return 0 if result.ok else (result.error.kind.exit_code if result.error else 5)


def _cmd_cards(args: argparse.Namespace) -> int:
    from enkash_desktop.core import EnkashError
    from enkash_desktop.core.cards import CardSearch, search_cards, validate_search

    try:
        validate_search(CardSearch(args.card_account_id, args.company_id, args.enkash_card_id))
        with _target(args) as (profile, secrets, failures), \
                _client(profile, secrets, failures) as client, _recording(args) as recorder:
            result = search_cards(client, args.card_account_id, args.company_id,
                                  args.enkash_card_id)
            _say(recorder.record(result) if recorder is not None else "")
    except EnkashError as exc:
        if args.json:
            print(json.dumps({"ok": False, "http_status": exc.http_status,
                              "response_code": None, "message": exc.message,
                              "elapsed_ms": None, "cards": [], "error": exc.as_dict()}))
            return exc.kind.exit_code
        return _print_error(exc, False)
    if args.json:
        print(json.dumps(result.as_json()))
    elif result.error is not None:
        return _print_error(result.error, False)
    elif not result.cards:
        print("This card account has no cards yet.")
    else:
        for card in result.cards:
            role = " (HR / company admin)" if card.admin else ""
            extra = ", ".join(x for x in (card.masked_number, card.status, card.mobile,
                                           card.email) if x)
            print(f"{card.enkash_card_id}  {card.name or '(no name given)'}{role}  {extra}")
    return result.error.kind.exit_code if result.error else 0


def _cmd_token(args: argparse.Namespace) -> int:
    from enkash_desktop.core import EnkashError

    try:
        with _target(args) as (profile, secrets, failures), \
                _client(profile, secrets, failures) as client, _recording(args) as recorder:
            from enkash_desktop.core.lockout import locked_now
            from enkash_desktop.service.calls import login_and_record

            login = login_and_record(client, recorder, confirmed=args.confirm_lockout_risk)
            _say(login.notice)
            if isinstance(login.value, EnkashError):
                raise locked_now(login.value, login.failures)
            token = login.value
    except EnkashError as exc:
        if exc.kind.value == "lockout_risk":
            exc = replace(exc, message=exc.message +
                          " Run again with --confirm-lockout-risk to try anyway.")
        return _print_error(_in_terminal_words(exc, args), args.json)
    seconds = round(token.seconds_left())
    if args.json:
        print(json.dumps({"ok": True, "access_token": token.value,
                          "token_type": token.token_type, "expires_in_s": seconds,
                          "error": None}))
    else:
        print(token.value)
        print(f"The token is valid for {seconds} seconds.", file=sys.stderr)
    return 0


def _cmd_unlock(args: argparse.Namespace) -> int:
    """Say that EnKash has unlocked the profile's login: its failures are forgotten."""
    from enkash_desktop.core import EnkashError, ErrorKind
    from enkash_desktop.core.lockout import LOCK_AFTER, LoginIdentity, is_locked, unlock
    from enkash_desktop.store import AppPaths, FileFailureCounter

    loaded, _ = _load_settings()
    if loaded.notice:
        print(loaded.notice, file=sys.stderr)
    name = args.profile or loaded.settings.current_profile
    profile = loaded.settings.profile(name) if name else None
    if profile is None:
        return _bad_input(_no_such_profile(name, loaded.settings) if name
                          else "No profile to use: pass --profile NAME.", False, "profile")
    user = profile.username.strip()
    if not user:
        return _bad_input(f"The profile '{profile.name}' has no login user, so there is no "
                          "login to unlock.", False, "username")
    identity = LoginIdentity.of(profile)
    counter = FileFailureCounter(AppPaths.default().login_state_file)
    who = f"the login {user} at {identity.host}"
    try:
        if not is_locked(counter.failures(identity)):
            print(f"Enkash Desktop does not count {who} as locked, so nothing was changed.")
            return 0
        if not args.yes and not _confirmed_unlock(who, LOCK_AFTER):
            print(f"Nothing was changed: {who} is still marked as locked.", file=sys.stderr)
            return ErrorKind.BAD_INPUT.exit_code
        unlock(counter, identity)
    except EnkashError as exc:  # the record of failed logins cannot be written
        return _print_error(exc, False)
    print(f"{who[0].upper()}{who[1:]} is no longer marked as locked: logins are sent again, "
          f"and the next failed login counts as 1 of {LOCK_AFTER}.")
    return 0


def _confirmed_unlock(who: str, lock_after: int) -> bool:
    """Ask at the terminal; without one (a script), say to pass --yes."""
    if not sys.stdin.isatty():
        print("Run again with --yes to confirm that EnKash has unlocked it.", file=sys.stderr)
        return False
    try:
        answer = input(f"Has EnKash unlocked {who}? The next failed login then counts as 1 "
                       f"of {lock_after} again. Type yes to confirm: ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _cmd_sandbox(args: argparse.Namespace) -> int:
    from enkash_desktop.sandbox import serve_forever

    try:
        serve_forever(args.host, args.port, args.token_lifetime)
    except OSError as exc:  # the port is taken, or the host is not this computer's
        print(f"The sandbox could not listen on {args.host}:{args.port} ({exc.strerror}). "
              "Choose another --port, or leave it out to take any free one.", file=sys.stderr)
        return 2
    return 0


def _cmd_diagnostics(args: argparse.Namespace) -> int:
    from pathlib import Path

    from enkash_desktop.store import AppPaths
    from enkash_desktop.store.diagnostics import export_diagnostics

    target = Path(args.output)
    extra = {"made_by": "enkash-sso diagnostics"}
    try:
        extra["settings_in_effect"] = _load_settings()[1].as_text()
    except Exception as exc:  # a broken policy or settings file must not stop the zip
        extra["settings_in_effect"] = f"The settings in effect could not be read: {exc!r}"
    try:
        export_diagnostics(AppPaths.default(), target, extra)
    except OSError as exc:
        print(f"The diagnostics could not be written to {target}: {exc.strerror or exc}. "
              "Please choose another location.", file=sys.stderr)
        return 2
    print(f"Diagnostics were saved to {target}. They contain no secrets.")
    return 0


def _cmd_profiles(args: argparse.Namespace) -> int:
    loaded, _ = _load_settings()
    if loaded.notice:
        print(loaded.notice, file=sys.stderr)
    settings = loaded.settings
    if args.json:
        print(json.dumps({"current_profile": settings.current_profile,
                          "profiles": [p.to_dict() for p in settings.profiles]}))
        return 0
    if not settings.profiles:
        print("No profiles are saved yet. Try `enkash-sso send --demo`, or add one in "
              "Enkash Desktop.")
    for p in settings.profiles:
        mark = "*" if p.name == settings.current_profile else " "
        print(f"{mark} {p.name}  [{p.environment.value}]  {p.base_url}  partner {p.partner_id}")
    return 0


def _cmd_settings(args: argparse.Namespace) -> int:
    loaded, effective = _load_settings()
    if args.json:
        print(json.dumps(effective.as_json(), ensure_ascii=False))
        notices = loaded.notices
    else:
        print(effective.as_text())  # the policy's notices are part of the text
        notices = tuple(n for n in loaded.notices if n not in effective.policy.notices)
    if notices:
        print(" ".join(notices), file=sys.stderr)
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    """The newest calls of the history (redacted as it stores them), newest first."""
    from enkash_desktop.store import AppPaths, HistoryFilter, HistoryStore, StoreError

    if not 1 <= args.limit <= 100_000:
        return _bad_input("Please give --limit between 1 and 100000.", args.json, "limit")
    try:
        with HistoryStore(AppPaths.default().history_file) as store:
            records = store.page(None, args.limit, HistoryFilter(text=args.search or ""))
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"calls": [_record_json(r) for r in records]}, ensure_ascii=False))
        return 0
    if not records:
        print("No calls match." if args.search else "The history is empty.")
    for r in records:
        ids = "/".join(x for x in (r.card_account_id, r.company_id, r.enkash_card_id) if x)
        status = f"HTTP {r.http_status}" if r.http_status else "no reply"
        print(f"{_local_time(r.time)}  {r.kind:<6} {r.outcome:<14} {status:<9} "
              f"{r.profile}  {ids or '-'}  {r.message}")
    return 0


def _local_time(epoch: float) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


def _record_json(record: CallRecord) -> dict[str, object]:
    """One call of ``history --json``: what the history holds, never a secret."""
    from datetime import UTC, datetime

    return {
        "id": record.id,
        "time": datetime.fromtimestamp(record.time, UTC).isoformat(timespec="seconds"),
        "kind": record.kind, "profile": record.profile, "environment": record.environment,
        "card_account_id": record.card_account_id, "company_id": record.company_id,
        "enkash_card_id": record.enkash_card_id, "admin": record.admin,
        "outcome": record.outcome, "http_status": record.http_status,
        "response_code": record.response_code, "message": record.message,
        "elapsed_ms": round(record.elapsed_ms, 1),
    }
