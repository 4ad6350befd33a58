"""The client's network plumbing: routes through proxies, a deadline for the whole call,
sockets the client can shut down to cancel, and TLS on the operating system's trust store.

httpx bounds each read by its timeout; a server sending one byte a second would hold a call
for ever. Here every connect, read, write and TLS handshake of a thread's call gets only
the time left before :data:`deadline.at` (set by the client around each request).
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import TYPE_CHECKING, Any, Protocol

from .proxies import proxy_for

if TYPE_CHECKING:
    import socket
    import ssl

    import httpx


class SocketOwner(Protocol):
    """The client, as the backend sees it: which call generation is current, and where to
    record a socket so that a cancel can shut it down."""

    _generation: int

    def _track(self, sock: socket.socket, generation: int) -> None: ...


def trust_store_context() -> ssl.SSLContext:
    """A TLS client context on the OS trust store, so corporate CAs work."""
    import ssl

    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class RoutingTransport:
    """Sends each request by the route its URL takes: direct, or through its proxy."""

    def __init__(self, routes: dict[str | None, httpx.BaseTransport], setting: str) -> None:
        self._routes = routes
        self._setting = setting

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        proxy = proxy_for(str(request.url), self._setting)
        transport = self._routes.get(proxy) or self._routes[next(iter(self._routes))]
        return transport.handle_request(request)

    def close(self) -> None:
        for transport in self._routes.values():
            transport.close()

    def __enter__(self) -> RoutingTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Deadline(threading.local):
    at: float | None = None  # time.monotonic() when the current thread's call must end


deadline = Deadline()


def within_deadline(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of this thread's call; raise once it is over."""
    at = deadline.at
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise expired("The call's deadline has passed.")
    return left if timeout is None else min(timeout, left)


class DeadlineStream:
    """An httpcore network stream whose every wait ends by the call's deadline.

    httpx's timeouts bound each read, so a server sending one byte a second would hold a
    call for ever; here each read, write and TLS handshake gets only the time left.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        import httpcore

        data: bytes = self._inner.read(max_bytes,
                                       within_deadline(timeout, httpcore.ReadTimeout))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        import httpcore

        self._inner.write(buffer, within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> DeadlineStream:
        import httpcore

        return DeadlineStream(self._inner.start_tls(
            ssl_context, server_hostname, within_deadline(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class TrackingBackend:
    """An httpcore network backend that records every socket it opens for its client."""

    def __init__(self, owner: SocketOwner) -> None:
        import httpcore

        self._inner = httpcore.SyncBackend()
        self._owner = weakref.ref(owner)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Any = None) -> Any:
        import httpcore

        owner = self._owner()
        generation = owner._generation if owner else 0
        timeout = within_deadline(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, timeout=timeout,
                                         local_address=local_address,
                                         socket_options=socket_options)
        sock = stream.get_extra_info("socket")
        if owner is not None and sock is not None:
            owner._track(sock, generation)
        return DeadlineStream(stream)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> Any:
        return self._inner.connect_unix_socket(path, timeout=timeout,
                                               socket_options=socket_options)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
