"""`Copy as cURL`: the exact call the program makes, as a shell command.

Secrets are masked unless the caller explicitly asks for them (the window asks the user
first). The command sends the same method, URL, headers and body as the program, because
both are made from the same :class:`PreparedCall`.
"""

from __future__ import annotations

from .models import PreparedCall
from .redaction import MASK

SECRET_HEADERS = {"authorization", "cookie"}


def _masked_header(name: str, value: str) -> str:
    if name.lower() == "authorization":
        scheme, _, rest = value.partition(" ")
        return f"{scheme} {MASK}" if rest else MASK
    if name.lower() == "cookie":
        parts = [p.strip() for p in value.split(";") if p.strip()]
        return "; ".join(f"{p.partition('=')[0]}={MASK}" for p in parts)
    return value


def to_curl(call: PreparedCall, *, reveal_secrets: bool = False) -> str:
    """Render ``call`` as a multi-line curl command in the docs' own style."""
    import shlex  # only when a command is shown or stored, not on every call

    lines = [f"curl --location --request {call.method} {shlex.quote(call.url)}"]
    for name, value in call.headers:
        if name.lower() in SECRET_HEADERS and not reveal_secrets:
            value = _masked_header(name, value)
        lines.append(f"--header {shlex.quote(f'{name}: {value}')}")
    if call.body:
        lines.append(f"--data-raw {shlex.quote(call.body.decode('utf-8'))}")
    return " \\\n".join(lines)
