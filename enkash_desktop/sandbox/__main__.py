"""``python -m enkash_desktop.sandbox``: run the simulator until Ctrl+C."""

from __future__ import annotations

import argparse

from enkash_desktop.core.models import DEFAULT_TOKEN_LIFETIME_S

from .server import serve_forever


def main(argv: list[str] | None = None) -> int:
    """Parse the options and serve; the first line printed is the base URL."""
    parser = argparse.ArgumentParser(
        prog="python -m enkash_desktop.sandbox",
        description="Run the EnKash simulator on loopback until Ctrl+C.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    parser.add_argument("--token-lifetime", type=float, default=DEFAULT_TOKEN_LIFETIME_S,
                        help="bearer token lifetime in seconds")
    args = parser.parse_args(argv)
    serve_forever(args.host, args.port, args.token_lifetime)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
