"""`enkash-sso`: the same core from a terminal (contract in DESIGN.md).

Exit codes: 0 success; 2 bad input (nothing sent); 3 network failure or timeout;
4 rejected by the API; 5 HTTP 5xx or an unreadable reply. ``batch`` reports the most severe
outcome among its rows (5 > 3 > 4 > 2; see its ``--help``).

Secrets never come from the command line: from the profile's keyring entries, or from
``ENKASH_AUTHORIZATION``, ``ENKASH_COOKIE``, ``ENKASH_PASSWORD``, ``ENKASH_CLIENT_SECRET``.
Imports are kept lazy so a one-off call starts fast.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from enkash_desktop import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from enkash_desktop.core import EnkashClient, EnkashError, Profile, Secrets, SsoResult
    from enkash_desktop.core.lockout import FailureCounter
    from enkash_desktop.store.effective import EffectiveSettings
    from enkash_desktop.store.policy import Policy
    from enkash_desktop.store.settings import LoadedSettings

SECRET_ENV = {
    "authorization": "ENKASH_AUTHORIZATION",
    "cookie": "ENKASH_COOKIE",
    "password": "ENKASH_PASSWORD",
    "client_secret": "ENKASH_CLIENT_SECRET",
}

# `--key-rule` names -> PayloadEncryption values (see core/choices.py).
KEY_RULES = {"sha256": "secret_sha256", "first16": "secret_first_16",
             "exact16": "secret_exact_16", "hex": "secret_hex"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="enkash-sso",
        description="Mint an EnKash rewards SSO token for a cardholder.",
        epilog="Secrets come from the keyring or ENKASH_AUTHORIZATION, ENKASH_COOKIE, "
               "ENKASH_PASSWORD, ENKASH_CLIENT_SECRET; never from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def target(p: argparse.ArgumentParser) -> None:
        p.add_argument("--profile", metavar="NAME", help="a saved profile (default: current)")
        p.add_argument("--demo", action="store_true",
                       help="use the built-in sandbox and its demo partner (no credentials)")
        p.add_argument("--base-url", metavar="URL", help="EnKash API base URL (ad hoc)")
        p.add_argument("--auth-base-url", metavar="URL", help="token service base URL")
        p.add_argument("--partner-id", metavar="ID", help="partnerId header (ad hoc)")
        p.add_argument("--portal-partner", metavar="NAME",
                       help="partner short name in the portal link (e.g. hrms)")
        p.add_argument("--timeout", type=float, metavar="S",
                       help="seconds a call may take in all (1-600)")
        p.add_argument("--proxy", metavar="URL",
                       help="proxy for this command, or 'none' (default: the system's)")
        p.add_argument("--json", action="store_true", help="print one JSON object")

    send = sub.add_parser("send", help="mint an SSO token and print the portal link")
    target(send)
    send.add_argument("--card-account-id", metavar="ID")
    send.add_argument("--company-id", metavar="ID")
    send.add_argument("--enkash-card-id", metavar="ID")
    send.add_argument("--admin", action="store_true",
                      help="an HR/company admin's card (portal reward_account page)")
    send.add_argument("--confirm-lockout-risk", action="store_true",
                      help="allow a login that could be the third failure in a row")
    send.add_argument("--key-rule", choices=tuple(KEY_RULES),
                      help="encrypt the payload, with the AES key made from ENKASH_CLIENT_SECRET "
                           "(or the profile's client secret) by this rule: sha256 as EnKash's "
                           "guide says, first16, exact16 or hex")

    cards = sub.add_parser(
        "cards", help="list the cards of a card account (find an EnKash card id)",
        description="List the cards of a card account with EnKash's Get User Card Details "
                    "call, to find a cardholder's EnKash card id. Exit codes as for send.")
    target(cards)
    cards.add_argument("--card-account-id", metavar="ID", required=True)
    cards.add_argument("--company-id", metavar="ID", required=True)
    cards.add_argument("--enkash-card-id", metavar="ID", default="",
                       help="only this card (optional)")

    token = sub.add_parser("token", help="fetch a bearer token (the lockout rules apply)")
    target(token)
    token.add_argument("--confirm-lockout-risk", action="store_true",
                       help="allow a login that could be the third failure in a row")

    batch = sub.add_parser(
        "batch",
        help="mint SSO tokens for every cardholder in a CSV file",
        description="Mint an SSO token for every cardholder in a CSV file and write the "
                    "portal links to a results CSV. Running the same command again resumes: "
                    "rows already done successfully are skipped.",
        epilog="Input columns (header names in any case or spelling): Card Account ID, "
               "Company ID, EnKash Card ID, and optionally Admin (employee/admin); comma or "
               "semicolon separated, UTF-8. Exit codes: 0 every row succeeded (or was already "
               "done); 2 the input file or the output file cannot be used (nothing sent), or "
               "only some input rows were invalid; 4 some rows were rejected by the API (or "
               "authentication failed); 3 some rows met a network failure or timeout; 5 some "
               "rows met a server error or an unreadable reply (5 outranks 3, 3 outranks 4); "
               "130 interrupted. The results file's portal links sign in as the cardholders "
               "until they expire: keep it private.",
    )
    target(batch)
    batch.add_argument("--input", required=True, metavar="FILE",
                       help="CSV file of cardholders")
    batch.add_argument("--output", required=True, metavar="FILE",
                       help="results CSV (created, or resumed when it exists)")
    batch.add_argument("--concurrency", type=int, default=4, metavar="N",
                       help="calls in flight at once, 1-16 (default 4)")

    sandbox = sub.add_parser("sandbox", help="run the EnKash simulator in the foreground")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=0)
    sandbox.add_argument("--token-lifetime", type=float, default=300.0, metavar="S")

    profiles = sub.add_parser("profiles", help="list saved profiles (no secrets)")
    profiles.add_argument("--json", action="store_true")
    _add_settings_command(sub)

    diagnostics = sub.add_parser(
        "diagnostics", help="write a zip for a support ticket (no secrets in it)",
        description="Write the same zip as Help > Export diagnostics: the log, the last 200 "
                    "calls of the history and the settings in effect, all without secrets, "
                    "and a README.txt saying what is in it.")
    diagnostics.add_argument("--output", required=True, metavar="FILE.zip",
                             help="where to write the zip")
    return parser


# ------------------------------------------------------------------ output


def _print_error(error: EnkashError, as_json: bool, extra: dict[str, Any] | None = None) -> int:
    hint = _TERMINAL_HINTS.get(error.hint, error.hint)
    if as_json:
        out = {"ok": False, "http_status": error.http_status, "response_code": None,
               "message": error.message, "sso_token": None, "sso_url": None,
               "elapsed_ms": None, "error": {**error.as_dict(), "hint": hint}}
        out.update(extra or {})
        print(json.dumps(out))
    else:
        print(f"{error.message}\n{hint}", file=sys.stderr)
    return error.kind.exit_code


# Hints that speak of the window's buttons, said the terminal's way.
_TERMINAL_HINTS = {
    "Click Get token to fetch a fresh token, then send again.":
        "Run `enkash-sso token` (or set ENKASH_AUTHORIZATION) for a fresh token, then send "
        "again.",
}


def _bad_input(message: str, as_json: bool, field: str | None = None) -> int:
    from enkash_desktop.core import EnkashError, ErrorKind

    return _print_error(EnkashError(ErrorKind.BAD_INPUT, message, field=field), as_json)


# ------------------------------------------------------------------ targets


def _env_secrets(base: Secrets) -> Secrets:
    changes = {kind: os.environ[var] for kind, var in SECRET_ENV.items()
               if os.environ.get(var)}
    return replace(base, **changes)


@contextlib.contextmanager
def _target(args: argparse.Namespace) -> Iterator[tuple[Profile, Secrets, FailureCounter]]:
    """The profile, secrets and failure counter the command works with.

    Raises EnkashError (BAD_INPUT) when no profile can be found.
    """
    from enkash_desktop.core import EnkashError, Environment, ErrorKind, Profile, Secrets
    from enkash_desktop.core.lockout import MemoryFailureCounter

    overrides: dict[str, Any] = {}
    for arg, field in (("base_url", "base_url"), ("auth_base_url", "auth_base_url"),
                       ("partner_id", "partner_id"), ("portal_partner", "portal_partner"),
                       ("timeout", "timeout_s"), ("proxy", "proxy")):
        if getattr(args, arg) is not None:
            overrides[field] = getattr(args, arg)
    if getattr(args, "key_rule", None):
        from enkash_desktop.core import PayloadEncryption

        overrides["encryption"] = PayloadEncryption(KEY_RULES[args.key_rule])

    if args.demo:
        from enkash_desktop.sandbox import Sandbox, demo_profile, demo_secrets

        with Sandbox() as sb:
            profile = demo_profile(sb.base_url).with_changes(**overrides)
            if overrides.keys() & {"base_url", "auth_base_url"}:
                _check_policy(profile, _load_policy())
            yield profile, _env_secrets(demo_secrets()), MemoryFailureCounter()
        return

    from enkash_desktop.store import AppPaths, FileFailureCounter

    paths = AppPaths.default()
    failures = FileFailureCounter(paths.login_state_file)
    loaded, effective = _load_settings()
    if loaded.notice:  # e.g. a damaged settings file was moved aside: say so
        print(loaded.notice, file=sys.stderr)
    settings = loaded.settings
    name = args.profile or ("" if args.base_url else settings.current_profile)
    if name:
        found = settings.profile(name)
        if found is None:
            known = ", ".join(p.name for p in settings.profiles) or "none saved yet"
            raise EnkashError(ErrorKind.BAD_INPUT,
                              f"There is no profile called '{name}' (profiles: {known}).",
                              field="profile")
        from enkash_desktop.store import SecretStore

        _check_policy(found.with_changes(**overrides), effective.policy)
        store = SecretStore()
        secrets = store.load(found.name)
        if not store.persistent and not any(os.environ.get(v) for v in SECRET_ENV.values()):
            print(_no_keyring_notice(found.name), file=sys.stderr)
        yield found.with_changes(**overrides), _env_secrets(secrets), failures
        return
    if not args.base_url or not args.partner_id:
        raise EnkashError(
            ErrorKind.BAD_INPUT,
            "No profile to use: pass --profile NAME, or --base-url and --partner-id, "
            "or --demo to try the built-in sandbox.",
        )
    profile = Profile(name="command line", environment=Environment.CUSTOM, **overrides)
    _check_policy(profile, effective.policy)
    yield profile, _env_secrets(Secrets()), failures


def _no_keyring_notice(profile_name: str) -> str:
    return (f"No usable keyring was found, so the secrets saved for the profile "
            f"'{profile_name}' could not be read. You can give them in "
            f"{', '.join(SECRET_ENV.values())} instead.")


# Ad hoc settings given as options: their errors name the option, not a profile's field.
_OPTION_OF_FIELD = {"base_url": "--base-url", "auth_base_url": "--auth-base-url",
                    "partner_id": "--partner-id", "portal_partner": "--portal-partner",
                    "timeout_s": "--timeout"}
_NO_BEARER_TOKEN = (
    "There is no bearer token to send. Set ENKASH_AUTHORIZATION (and ENKASH_COOKIE), or use "
    "a profile with login details whose password and client secret are in the keyring or "
    "in ENKASH_PASSWORD and ENKASH_CLIENT_SECRET."
)


def _in_terminal_words(error: EnkashError, args: argparse.Namespace) -> EnkashError:
    """The window's wording of an error made right for a terminal: an option the user gave
    is named as that option, and "type one in Authorization" becomes the variable to set."""
    from enkash_desktop.core import ErrorKind

    option = _OPTION_OF_FIELD.get(error.field or "")
    if option and getattr(args, option[2:].replace("-", "_"), None) is not None:
        error = replace(error, message=f"The option {option} is not valid: {error.message}")
    if (error.kind is ErrorKind.TOKEN_EXPIRED and error.http_status is None
            and error.message.startswith("There is no bearer token")):
        error = replace(error, message=_NO_BEARER_TOKEN)
    return error


def _client(profile: Profile, secrets: Secrets, failures: FailureCounter) -> EnkashClient:
    from enkash_desktop.core import EnkashClient

    return EnkashClient(profile, secrets, failures=failures)


# ------------------------------------------------------------------ commands


def _cmd_send(args: argparse.Namespace) -> int:
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
        with _target(args) as (profile, secrets, failures), \
                _client(profile, secrets, failures) as client:
            if args.confirm_lockout_risk and client.can_login():
                client.fetch_token(confirmed=True)
            result = client.send_sso(cardholder)
    except EnkashError as exc:
        return _print_error(_in_terminal_words(exc, args), args.json)
    if result.error is not None:  # this command's own result: reworded in place
        result.error.message = _in_terminal_words(result.error, args).message
    if args.json:
        print(json.dumps(result.as_json()))
    elif result.ok:
        print(f"SSO token minted in {result.elapsed_ms:.0f} ms "
              f"(HTTP {result.http_status}, response code {result.response_code}).")
        if result.sso_url:
            print(f"Portal link: {result.sso_url}")
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
                _client(profile, secrets, failures) as client:
            result = search_cards(client, args.card_account_id, args.company_id,
                                  args.enkash_card_id)
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


def _no_link_notice(args: argparse.Namespace, profile_name: str) -> str:
    if args.demo or args.profile or not args.base_url:
        return (f"No portal link was built, because the profile '{profile_name}' has no SSO "
                "partner name. Add it to the profile, or pass --portal-partner NAME.")
    return ("No portal link was built, because no SSO partner name was given. Pass "
            "--portal-partner NAME (the partner's short name, such as hrms) to get one.")


def _cmd_token(args: argparse.Namespace) -> int:
    from enkash_desktop.core import EnkashError

    try:
        with _target(args) as (profile, secrets, failures), \
                _client(profile, secrets, failures) as client:
            token = client.fetch_token(confirmed=args.confirm_lockout_risk)
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


def _open_history() -> Any:
    """The history store, or None (with a notice on stderr) when it cannot be opened."""
    from enkash_desktop.store import AppPaths, HistoryStore, StoreError

    try:
        history = HistoryStore(AppPaths.default().history_file)
    except StoreError as exc:
        print(f"{exc} The batch runs without recording its calls in the history.",
              file=sys.stderr)
        return None
    if history.notice:
        print(history.notice, file=sys.stderr)
    return history


def _cmd_batch(args: argparse.Namespace) -> int:
    import threading
    from pathlib import Path

    from enkash_desktop.core import EnkashError
    from enkash_desktop.core.batch import (
        LINKS_WARNING,
        BatchProgress,
        BatchResults,
        check_concurrency,
        run_batch,
    )
    from enkash_desktop.core.csvsafe import read_cardholders_csv
    from enkash_desktop.store import StoreError, write_atomic

    try:
        check_concurrency(args.concurrency)
        rows, problems = read_cardholders_csv(Path(args.input))
        results = BatchResults.load(args.output, write=write_atomic)
        results.add_problems(problems)
        results.save()  # fails now, before anything is sent, if the file cannot be written
    except EnkashError as exc:
        return _print_error(exc, args.json)
    except OSError as exc:
        return _bad_input(f"The output file {args.output} cannot be written: "
                          f"{exc.strerror or exc}. Please choose another location.",
                          args.json, field="output")
    if not args.json:
        for problem in problems:
            print(f"{problem.text} The row was not sent.", file=sys.stderr)

    history = _open_history()
    last_print = 0.0

    def on_result(index: int, result: SsoResult) -> None:
        nonlocal history
        results.add(result)
        results.save_if_due()
        if history is not None:
            try:
                history.record(result)
            except StoreError as exc:
                print(f"{exc} The remaining calls are not recorded in the history.",
                      file=sys.stderr)
                history = None

    def on_progress(progress: BatchProgress) -> None:
        nonlocal last_print
        import time

        now = time.monotonic()
        if args.json or not progress.done or (now - last_print < 2.0 and progress.remaining):
            return
        last_print = now
        eta = f", about {progress.eta_s:.0f} s left" if progress.eta_s else ""
        print(f"{progress.done} of {progress.total - progress.skipped} rows done: "
              f"{progress.ok} succeeded, {progress.failed} failed{eta}.", file=sys.stderr)

    interrupted = False
    summary = None
    try:
        with _target(args) as (profile, secrets, failures), \
                _client(profile, secrets, failures) as client:
            summary = run_batch(
                client, [r.cardholder for r in rows], on_result=on_result,
                cancel=threading.Event(), concurrency=args.concurrency,
                done_keys=results.done_keys(), on_progress=on_progress,
                on_rate_limit=lambda s: print(
                    f"EnKash's gateway asked for fewer calls; the batch waits {max(1, round(s))} "
                    "s and then goes on.", file=sys.stderr),
            )
    except EnkashError as exc:
        return _print_error(exc, args.json)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        try:
            results.save()
        except OSError as exc:
            print(f"The results could not be saved in {args.output}: {exc.strerror or exc}.",
                  file=sys.stderr)
        if history is not None:
            history.close()
    if interrupted or summary is None:
        print(f"The batch was interrupted. The finished rows are saved in {args.output}; run "
              "the same command again to resume.", file=sys.stderr)
        return 130
    code = summary.exit_code
    if code == 0 and problems:
        code = 2
    p = summary.progress
    error = summary.auth_error
    if args.json:
        print(json.dumps({
            "ok": code == 0, "exit_code": code, "total": p.total, "succeeded": p.ok,
            "failed": p.failed, "skipped": p.skipped, "not_started": summary.not_started,
            "invalid_rows": len(problems), "end": summary.end.value,
            "failures": {kind.value: n for kind, n in summary.failures},
            "problems": [{"line": x.line, "message": x.message} for x in problems],
            "output": str(args.output), "elapsed_s": round(p.elapsed_s, 3),
            "notice": LINKS_WARNING, "error": error.as_dict() if error else None,
        }))
        return code
    print(f"Rows: {p.ok} succeeded, {p.failed} failed, {p.skipped} already done or repeated, "
          f"{summary.not_started} not sent and {len(problems)} not valid "
          f"({p.elapsed_s:.1f} s). The results are in {args.output}.")
    if error is not None:
        print(f"The batch stopped: {error.message}\n{error.hint}\n{summary.not_started} rows "
              "were not sent; run the same command again to resume.", file=sys.stderr)
    if p.ok:
        print(LINKS_WARNING, file=sys.stderr)
    return code


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


def _print_redacted_crash(exc_type: type[BaseException], exc: BaseException,
                          tb: Any) -> None:
    """A bug's traceback on stderr, with every secret of the session masked in any form."""
    import traceback

    from enkash_desktop.core.redaction import redact, session_secrets

    text = "".join(traceback.format_exception(exc_type, exc, tb))
    print(redact(text, session_secrets()), file=sys.stderr)


# ------------------------------------------------------------------ policy and settings


def _load_policy() -> Policy:
    import logging

    from enkash_desktop.store.policy import load_policy

    # The policy's problems reach the user once, as notices on stderr, not again through
    # logging's last-resort handler (a command has no log file).
    policy_log = logging.getLogger("enkash_desktop.store.policy")
    if not policy_log.handlers:
        policy_log.addHandler(logging.NullHandler())
    return load_policy()


def _load_settings() -> tuple[LoadedSettings, EffectiveSettings]:
    """The user's settings under the administrator's policy and defaults."""
    from enkash_desktop.store import AppPaths, installed_defaults_paths
    from enkash_desktop.store.effective import load_settings

    _, loaded, effective = load_settings(AppPaths.default().settings_file,
                                         defaults_paths=installed_defaults_paths(),
                                         policy=_load_policy())
    return loaded, effective


def _check_policy(profile: Profile, policy: Policy) -> None:
    """Raise BAD_INPUT (exit 2, nothing sent) when the policy forbids this profile."""
    from enkash_desktop.core import EnkashError, ErrorKind

    refusal = policy.profile_refusal(profile)
    if refusal:
        raise EnkashError(ErrorKind.BAD_INPUT, refusal, field="base_url")


def _add_settings_command(sub: Any) -> None:
    settings = sub.add_parser(
        "settings", help="show every setting in effect and where it comes from",
        description="Show every setting in effect and where it comes from: the "
                    "administrator's policy, the administrator's defaults, your own settings, "
                    "or the built-in value. Secrets are never shown.")
    settings.add_argument("--json", action="store_true",
                          help='print one object: {"settings": [{"key", "value", "source"}]}')


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


def main(argv: Sequence[str] | None = None) -> int:
    # One command, then the process ends. At exit Python would sweep every object it ever
    # loaded for reference cycles, a tenth of a short run; nothing here needs that sweep
    # (whatever a command opens, it closes), so the objects are frozen out of it.
    atexit.unregister(gc.freeze)  # registered once, however often main() runs
    atexit.register(gc.freeze)
    sys.excepthook = _print_redacted_crash
    args = _parser().parse_args(argv)
    commands = {"send": _cmd_send, "cards": _cmd_cards, "token": _cmd_token, "batch": _cmd_batch,
                "sandbox": _cmd_sandbox, "profiles": _cmd_profiles,
                "diagnostics": _cmd_diagnostics}
    commands["settings"] = _cmd_settings
    log_file = _start_log(args.command)
    try:
        return commands[args.command](args)
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


if __name__ == "__main__":
    sys.exit(main())
