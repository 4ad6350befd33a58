"""What the commands share: the profile or ad hoc target, secrets from the environment,
the policy, errors printed as sentences (or one JSON object), and the history's recorder."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from enkash_desktop.core import EnkashClient, EnkashError, Profile, Secrets
    from enkash_desktop.core.lockout import FailureCounter
    from enkash_desktop.service.recorder import CallRecorder
    from enkash_desktop.store.effective import EffectiveSettings
    from enkash_desktop.store.policy import Policy
    from enkash_desktop.store.settings import LoadedSettings, Settings
from .parser import KEY_RULES

SECRET_ENV = {
    "authorization": "ENKASH_AUTHORIZATION",
    "cookie": "ENKASH_COOKIE",
    "password": "ENKASH_PASSWORD",
    "client_secret": "ENKASH_CLIENT_SECRET",
}


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
def _target(args: argparse.Namespace, sandbox_url: str = ""
            ) -> Iterator[tuple[Profile, Secrets, FailureCounter]]:
    """The profile, secrets and failure counter the command works with. With --demo, the
    simulator at ``sandbox_url`` (one started here when none is given, and stopped after).

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
        from enkash_desktop.sandbox import demo_profile, demo_secrets

        with contextlib.nullcontext(sandbox_url) if sandbox_url else _sandbox_url() as url:
            profile = demo_profile(url).with_changes(**overrides)
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
            raise EnkashError(ErrorKind.BAD_INPUT, _no_such_profile(name, settings),
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


def _no_such_profile(name: str, settings: Settings) -> str:
    known = ", ".join(p.name for p in settings.profiles) or "none saved yet"
    return f"There is no profile called '{name}' (profiles: {known})."


@contextlib.contextmanager
def _sandbox_url() -> Iterator[str]:
    """A simulator for this command only: its base URL, and it stops on the way out."""
    from enkash_desktop.sandbox import Sandbox

    with Sandbox() as sb:
        yield sb.base_url


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
    if error.kind is ErrorKind.ACCOUNT_LOCKED:
        error = replace(error, advice=_unlock_advice(args))
    return error


def _unlock_advice(args: argparse.Namespace) -> str:
    """How to go on from a locked login, from a terminal."""
    import shlex

    profile = getattr(args, "profile", None)
    command = "enkash-sso unlock" + (f" --profile {shlex.quote(profile)}" if profile else "")
    return (f"Ask EnKash to unlock it. Once they have, run `{command}`; until then no login "
            "is sent for it.")


def _client(profile: Profile, secrets: Secrets, failures: FailureCounter) -> EnkashClient:
    from enkash_desktop.core import EnkashClient

    return EnkashClient(profile, secrets, failures=failures)


def _no_link_notice(args: argparse.Namespace, profile_name: str) -> str:
    if args.demo or args.profile or not args.base_url:
        return (f"No portal link was built, because the profile '{profile_name}' has no SSO "
                "partner name. Add it to the profile, or pass --portal-partner NAME.")
    return ("No portal link was built, because no SSO partner name was given. Pass "
            "--portal-partner NAME (the partner's short name, such as hrms) to get one.")


@contextlib.contextmanager
def _recording(args: argparse.Namespace) -> Iterator[CallRecorder | None]:
    """The recorder of this command's calls: the history keeps every call, as it does for
    the window, unless --no-history. A history that cannot open is said on stderr, once."""
    if getattr(args, "no_history", False):
        yield None
        return
    from enkash_desktop.service.recorder import CallRecorder
    from enkash_desktop.store import AppPaths, HistoryStore, StoreError

    try:
        store = HistoryStore(AppPaths.default().history_file)
    except StoreError as exc:
        print(f"{exc} This command's calls are not recorded in the history.", file=sys.stderr)
        yield None
        return
    if store.notice:
        print(store.notice, file=sys.stderr)
    try:
        yield CallRecorder(store)
    finally:
        store.close()


def _say(notice: str) -> None:
    """A sentence for the person at the terminal (stderr), when there is one."""
    if notice:
        print(notice, file=sys.stderr)


def _print_redacted_crash(exc_type: type[BaseException], exc: BaseException,
                          tb: Any) -> None:
    """A bug's traceback on stderr, with every secret of the session masked in any form."""
    import traceback

    from enkash_desktop.core.redaction import redact, session_secrets

    text = "".join(traceback.format_exception(exc_type, exc, tb))
    print(redact(text, session_secrets()), file=sys.stderr)


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
