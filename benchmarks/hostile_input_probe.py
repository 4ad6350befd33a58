"""The hostile-input probes of issue "Trust at the edges", re-run as counts.

Seeded, so two runs (or two versions of the program) see the same inputs:

- the cURL import on 30,000 generated commands: how many end in an exception that is not
  an EnkashError (a traceback in the terminal, the crash hook in the window);
- base URL validation on 20,000 generated addresses: how many it accepts that httpx, IDNA
  or the socket layer then refuse (a value validation accepts must be sendable);
- SSO and token replies carrying lone surrogates and other odd text: how many crash
  parsing, building the portal link or printing the token.

    .venv/bin/python benchmarks/hostile_input_probe.py [--seed 0]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import random
from collections import Counter

import httpx
import idna

from enkash_desktop.core.curl_import import parse_curl
from enkash_desktop.core.errors import EnkashError
from enkash_desktop.core.models import SSO_PATH, Environment, Profile
from enkash_desktop.core.portal import portal_link
from enkash_desktop.core.replies import parse_sso_reply, parse_token_reply
from enkash_desktop.core.validation import check_url

CURL_PARTS = [
    "curl", "-X", "POST", "GET", "-H", "'partnerId: X'", "'Authorization: Bearer a'", "-d",
    "--data-raw", "$'\\UFFFFFFFF'", "$'\\ud800'", "$'\\x41'", "$'\\777'",
    "'{\"cardAccountId\":\"A\"}'", "https://[::1", "https://[zz]" + SSO_PATH,
    "https://\uff4c\uff4f\uff43\uff41\uff4c" + SSO_PATH, "https://h\u2100" + SSO_PATH,
    "http://a:99999999" + SSO_PATH, "https://x" + SSO_PATH, "-b", "'JSESSIONID=1'",
    "--data-binary", "@file", "\\\n", "'", '"', "$'", "\\", "--url", "-u", "a:b", "'[]'",
    "'1e999'", "\ud800", "\x00", "\u2028", "--data-urlencode", "'x=\ud800'", "$'\\u0000'",
]
HOST_CHARS = [*"abcxn-0.\u00e9\uff41\u2100_:[]", "xn--", "..", "\ud800", "a" * 64]
ODD_TEXT = ["\ud800", "\udfff", "a\ud800b", "\ufffd", "\x00", "\u2028", "t\u00f6ken", "ok"]


def curl_probe(rng: random.Random, n: int) -> Counter[str]:
    found: Counter[str] = Counter()
    for _ in range(n):
        words = [rng.choice(CURL_PARTS) for _ in range(rng.randint(1, 12))]
        text = ("curl " if rng.random() < 0.5 else "") + " ".join(words)
        try:
            parse_curl(text)
        except EnkashError:
            pass
        except Exception as exc:
            found[type(exc).__name__] += 1
    return found


def _sendable(url: str) -> bool:
    try:
        host = httpx.URL(url + SSO_PATH).raw_host.decode("ascii")
        try:
            ipaddress.ip_address(host)
        except ValueError:
            host.encode("idna")
            for name in host.split("."):
                if name[:4].lower() == "xn--":
                    idna.decode(name)
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return False
    return True


def url_probe(rng: random.Random, n: int) -> tuple[int, int]:
    accepted = unsendable = 0
    for _ in range(n):
        host = "".join(rng.choice(HOST_CHARS) for _ in range(rng.randint(1, 8)))
        url = f"{rng.choice(['https', 'http'])}://{host}{rng.choice(['', ':443', ':8080'])}"
        try:
            cleaned = check_url("base_url", url)
        except EnkashError:
            continue
        except Exception:  # a crash of the validator: unsendable
            unsendable += 1
            continue
        accepted += 1
        if not _sendable(cleaned):
            unsendable += 1
    return accepted, unsendable


def reply_probe() -> int:
    profile = Profile(name="P", environment=Environment.UAT,
                      base_url="https://pay.example.com", portal_partner="hrms")
    crashes = 0
    for token in ODD_TEXT:
        for message in ODD_TEXT:
            body = json.dumps({"response_code": 0, "response_message": message,
                               "payload": {"ssoToken": token}}).encode()
            try:
                reply = parse_sso_reply(200, body)
                if reply.token:
                    portal_link(profile, reply.token).encode("ascii")
                (reply.envelope.message + (reply.token or "")).encode("utf-8")
            except EnkashError:
                pass
            except Exception:
                crashes += 1
        try:
            bearer = parse_token_reply(200, json.dumps({"access_token": token}).encode())
            bearer.value.encode("utf-8")  # `enkash-sso token` prints it
            bearer.header.encode("latin-1")  # it goes into a header
        except EnkashError:
            pass
        except Exception:
            crashes += 1
    return crashes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    curl = curl_probe(random.Random(args.seed), 30_000)
    print(f"cURL import: {sum(curl.values())} uncaught exceptions in 30,000 commands "
          f"{dict(curl) or ''}")
    accepted, unsendable = url_probe(random.Random(args.seed), 20_000)
    print(f"base URLs: {accepted} of 20,000 accepted, {unsendable} of them not sendable")
    print(f"replies with odd text: {reply_probe()} crashes in "
          f"{len(ODD_TEXT) ** 2 + len(ODD_TEXT)} replies")


if __name__ == "__main__":
    main()
