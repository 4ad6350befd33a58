"""How long a server that trickles its reply holds `enkash-sso send --timeout 5`.

The figure is a ratio in one run: the time the command was held against a server sending
one byte a second (in the headers, then in the body), divided by the same command's time
against a server that hangs without a byte (which httpx's own timeouts already end at 5 s).
1.0 means the deadline holds as well for a trickle as for silence.

    .venv/bin/python benchmarks/trickle_deadline.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from enkash_desktop.sandbox import DEMO, DEMO_CARDHOLDERS, Sandbox
from tests.trickle import TrickleServer

HOLDER = DEMO_CARDHOLDERS[0]
TIMEOUT_S = 5


def held(base_url: str, home: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENKASH_")}
    env.update({"ENKASH_DESKTOP_HOME": home, "ENKASH_AUTHORIZATION": "Bearer abc"})
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "enkash_desktop.cli", "send", "--json",
                    "--timeout", str(TIMEOUT_S), "--base-url", base_url,
                    "--partner-id", DEMO.partner_id,
                    "--card-account-id", HOLDER.card_account_id,
                    "--company-id", HOLDER.company_id,
                    "--enkash-card-id", HOLDER.enkash_card_id],
                   env=env, capture_output=True, timeout=120, check=False)
    return time.monotonic() - start


def main() -> None:
    with TemporaryDirectory() as home:
        with Sandbox() as sb:
            sb.set_fault("hang", endpoint="sso")
            silent = held(sb.base_url, home)
            sb.clear_faults()
        print(f"hanging server, --timeout {TIMEOUT_S}: held {silent:.2f} s")
        for mode in ("headers", "body"):
            with TrickleServer(mode) as server:
                trickle = held(server.base_url, home)
            print(f"1 byte/s in the {mode}, --timeout {TIMEOUT_S}: held {trickle:.2f} s "
                  f"(ratio to the hanging server {trickle / silent:.2f})")


if __name__ == "__main__":
    main()
