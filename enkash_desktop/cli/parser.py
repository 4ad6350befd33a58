"""The command line's options: every subcommand and what it takes."""

from __future__ import annotations

import argparse
from typing import Any

from enkash_desktop import __version__
from enkash_desktop.core.fields import CARDHOLDER_IDS

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
    _add_call_commands(sub)
    _add_batch_command(sub)
    _add_other_commands(sub)
    _add_settings_command(sub)
    return parser


def target(p: argparse.ArgumentParser) -> None:
    """Where a call goes (a profile, the demo or ad hoc options) and how it is printed."""
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
    p.add_argument("--no-history", action="store_true",
                   help="do not keep this command's calls in the history")


def _add_call_commands(sub: Any) -> None:
    send = sub.add_parser("send", help="mint an SSO token and print the portal link")
    target(send)
    for field in CARDHOLDER_IDS:
        send.add_argument(field.cli_flag, metavar="ID", help=f"e.g. {field.example}")
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
    for field in CARDHOLDER_IDS:
        if field.key == "enkash_card_id":
            cards.add_argument(field.cli_flag, metavar="ID", default="",
                               help="only this card (optional)")
        else:
            cards.add_argument(field.cli_flag, metavar="ID", required=True)

    token = sub.add_parser("token", help="fetch a bearer token (the lockout rules apply)")
    target(token)
    token.add_argument("--confirm-lockout-risk", action="store_true",
                       help="allow a login that could be the third failure in a row")


def _add_batch_command(sub: Any) -> None:
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


def _add_unlock_command(sub: Any) -> None:
    unlock = sub.add_parser(
        "unlock", help="say that EnKash has unlocked a locked login",
        description="After three failed logins in a row, or EnKash's reply that the login "
                    "is locked, Enkash Desktop and enkash-sso send no login for that login "
                    "user (token and send refuse, exit code 4) until you say EnKash has "
                    "unlocked it. Run this once EnKash has told you so: logins are sent "
                    "again, and the next failed login counts as 1 of 3. The window's "
                    "'EnKash has unlocked it' does the same.",
        epilog="Exit codes: 0 the login is no longer marked as locked (or was not); 2 no "
               "such profile, no login user, or not confirmed (nothing was changed).")
    unlock.add_argument("--profile", metavar="NAME",
                        help="the profile whose login was locked (default: current)")
    unlock.add_argument("--yes", action="store_true",
                        help="confirm without being asked (for scripts)")


def _add_other_commands(sub: Any) -> None:
    _add_unlock_command(sub)
    sandbox = sub.add_parser("sandbox", help="run the EnKash simulator in the foreground")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=0)
    sandbox.add_argument("--token-lifetime", type=float, default=300.0, metavar="S")

    profiles = sub.add_parser("profiles", help="list saved profiles (no secrets)")
    profiles.add_argument("--json", action="store_true")

    history = sub.add_parser(
        "history", help="show the newest calls of the history (no secrets in it)",
        description="Show the newest calls kept in the history, newest first: SSO calls, "
                    "logins and card lookups from the window and from enkash-sso. The "
                    "history holds no token, password or cookie.")
    history.add_argument("--search", metavar="TEXT",
                         help="an id (exact or its beginning) or words of the message")
    history.add_argument("--limit", type=int, default=50, metavar="N",
                         help="at most this many calls (default 50)")
    history.add_argument("--json", action="store_true",
                         help='print one object: {"calls": [...]}')

    diagnostics = sub.add_parser(
        "diagnostics", help="write a zip for a support ticket (no secrets in it)",
        description="Write the same zip as Help > Export diagnostics: the log, the last 200 "
                    "calls of the history and the settings in effect, all without secrets, "
                    "and a README.txt saying what is in it.")
    diagnostics.add_argument("--output", required=True, metavar="FILE.zip",
                             help="where to write the zip")


def _add_settings_command(sub: Any) -> None:
    settings = sub.add_parser(
        "settings", help="show every setting in effect and where it comes from",
        description="Show every setting in effect and where it comes from: the "
                    "administrator's policy, the administrator's defaults, your own settings, "
                    "or the built-in value. Secrets are never shown.")
    settings.add_argument("--json", action="store_true",
                          help='print one object: {"settings": [{"key", "value", "source"}]}')
