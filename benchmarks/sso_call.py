"""1,000 SSO calls through the core vs 1,000 raw ``httpx.Client.post`` calls, same sandbox.

Both run in this process against one in-process sandbox over loopback, interleaved in
blocks of 100 so machine drift hits both alike. Prints each median and their ratio.
Target: the core within 1.15x of raw httpx.

The result's redacted texts for the history (the pretty reply and the cURL command) are
made when first read, not by the call; a third series reads them inside the timed call,
as the window does on its worker, so that cost is shown too.

``--encrypted`` adds a series against the sandbox's encrypted partner (EnKash's SHA-256 key
rule: AES-128-ECB of the request, and of the reply), interleaved with the others, and prints
what encryption costs per call (encrypted median minus plain core median).

    python benchmarks/sso_call.py [--calls 1000] [--encrypted]
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx

from enkash_desktop.core import EnkashClient, MemoryFailureCounter
from enkash_desktop.core.models import SSO_PATH
from enkash_desktop.sandbox import (
    DEMO,
    DEMO_CARDHOLDERS,
    Sandbox,
    demo_encrypted_profile,
    demo_encrypted_secrets,
    demo_profile,
    demo_secrets,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--block", type=int, default=100)
    parser.add_argument("--encrypted", action="store_true",
                        help="add a series with payload encryption on (SHA-256 key rule)")
    args = parser.parse_args()
    holder = DEMO_CARDHOLDERS[0]
    core_times: list[float] = []
    texts_times: list[float] = []
    raw_times: list[float] = []
    enc_times: list[float] = []
    with Sandbox() as sb:
        client = EnkashClient(demo_profile(sb.base_url), demo_secrets(),
                              failures=MemoryFailureCounter())
        encrypted = EnkashClient(demo_encrypted_profile(sb.base_url), demo_encrypted_secrets(),
                                 failures=MemoryFailureCounter())
        token = client.fetch_token()
        call = client.preview_sso(holder)
        raw = httpx.Client(timeout=30.0)
        url, headers, body = sb.base_url + SSO_PATH, dict(call.headers), call.body
        for _ in range(50):  # warm both paths: connections, imports, caches
            warm = client.send_sso(holder)
            assert warm.ok and warm.reply_redacted and warm.request_redacted
            assert raw.post(url, headers=headers, content=body).status_code == 200
            assert not args.encrypted or encrypted.send_sso(holder).ok
        done = 0
        while done < args.calls:
            n = min(args.block, args.calls - done)
            for _ in range(n):
                t0 = time.perf_counter()
                result = client.send_sso(holder)
                core_times.append(time.perf_counter() - t0)
                assert result.ok, result.error
            for _ in range(n):
                t0 = time.perf_counter()
                result = client.send_sso(holder)
                texts = result.reply_redacted, result.request_redacted
                texts_times.append(time.perf_counter() - t0)
                assert result.ok and all(texts), result.error
            for _ in range(n):
                t0 = time.perf_counter()
                reply = raw.post(url, headers=headers, content=body)
                reply.json()
                raw_times.append(time.perf_counter() - t0)
                assert reply.status_code == 200
            for _ in range(n if args.encrypted else 0):
                t0 = time.perf_counter()
                result = encrypted.send_sso(holder)
                enc_times.append(time.perf_counter() - t0)
                assert result.ok, result.error
            done += n
        raw.close()
        client.close()
        encrypted.close()
        assert token.value
    core_ms = statistics.median(core_times) * 1000
    raw_ms = statistics.median(raw_times) * 1000
    texts_ms = statistics.median(texts_times) * 1000
    print(f"partner {DEMO.partner_id}, {args.calls} calls each over loopback")
    print(f"core EnkashClient.send_sso  median {core_ms:.3f} ms")
    print(f"raw httpx.Client.post       median {raw_ms:.3f} ms")
    print(f"ratio core / raw            {core_ms / raw_ms:.3f}x  (target <= 1.15x)")
    print(f"with the history texts read median {texts_ms:.3f} ms, {texts_ms / raw_ms:.3f}x of raw "
          "(information)")
    if enc_times:
        enc_ms = statistics.median(enc_times) * 1000
        print(f"core with encryption (SHA-256 key rule) median {enc_ms:.3f} ms, "
              f"{enc_ms / raw_ms:.3f}x of raw; encryption costs {enc_ms - core_ms:+.3f} ms "
              "per call (information)")


if __name__ == "__main__":
    main()
