"""Which proxy a call goes through, as the system has it.

A profile's ``proxy`` says: ``""`` (the default) use the system's proxies; ``"none"`` go
direct; anything else is the proxy's URL (``http://host:port``, with ``user:password@``
when the proxy asks for them). The system's proxies are the environment's
(``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, in either case) and, when the
environment names none, the operating system's settings as Python's standard library reads
them (``urllib.request.getproxies()``: the Windows registry, macOS System Configuration).
Hosts the system exempts (``NO_PROXY``, the Windows bypass list) go direct, and so does this
computer itself (``localhost``, ``127.0.0.1``, ``::1``: the built-in sandbox), as browsers do.

TLS is unchanged through a proxy: an https call tunnels through it (CONNECT) and verifies
the EnKash server's certificate end to end, so the proxy never sees the request in clear.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .validation import NO_PROXY, is_loopback_host


def proxy_for(url: str, setting: str = "") -> str | None:
    """The proxy URL a call to ``url`` goes through, or None to go direct."""
    chosen = setting.strip()
    if chosen.lower() == NO_PROXY:
        return None
    if chosen:
        return chosen
    import urllib.request

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy:
        return None
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        port = None
    if is_loopback_host(host) or urllib.request.proxy_bypass(f"{host}:{port}" if port else host):
        return None
    if "://" not in proxy:  # the registry and some variables give host:port only
        proxy = f"http://{proxy}"
    return proxy
