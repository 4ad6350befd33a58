"""The sandbox's HTTP server: a threading server that knows its connections, and the
handler that reads a request, applies the faults and answers in one write."""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from enkash_desktop.core.models import (
    SSO_PATH,
    TOKEN_PATH,
)

from .cards import CARD_SEARCH_PATH
from .wire import MAX_BODY_BYTES, Fault, RecordedCall, _envelope, _fault_reply, _Reply


class Sandbox(Protocol):
    """What the handler asks of the sandbox it serves (see :class:`.server.Sandbox`)."""

    _stopping: threading.Event

    def _record(self, call: RecordedCall) -> None: ...
    def _take_faults(self, endpoint: str | None) -> tuple[list[Any], threading.Event]: ...
    def _route(self, method: str, path: str, headers: dict[str, str], body: bytes,
               faults: list[Any]) -> _Reply: ...


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that knows its sandbox and every open connection."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    timeout = 0.0  # handle_request() is only called when a connection is waiting

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._stop_requested = False
        self._wake_r, self._wake_w = socket.socketpair()
        try:
            super().__init__(address, _Handler)
        except BaseException:
            self._wake_r.close()
            self._wake_w.close()
            raise

    def serve_until_stopped(self) -> None:
        """Accept connections until :meth:`stop_serving`.

        Unlike ``serve_forever()``, which polls for shutdown every half second, a wake-up
        socket ends the wait at once, so stopping a sandbox costs no time in each test.
        """
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self._stop_requested:
                for key, _ in selector.select():
                    if key.fileobj is self and not self._stop_requested:
                        self.handle_request()  # returns at once: timeout is 0

    def stop_serving(self) -> None:
        self._stop_requested = True
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")

    def server_close(self) -> None:
        super().server_close()
        self._wake_r.close()
        self._wake_w.close()

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup that can stall.
        TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def track(self, conn: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(conn)

    def untrack(self, conn: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(conn)

    def close_all_connections(self) -> None:
        """Wake every handler blocked on a keep-alive read so its thread ends now."""
        with self._connections_lock:
            conns = list(self._connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out or went away is normal here; anything else is a bug.
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Routes a request to the sandbox, applies faults, and answers in one write."""

    protocol_version = "HTTP/1.1"
    wbufsize = -1  # buffered: headers and body leave together on flush()
    timeout = 120.0  # idle keep-alive connections end eventually
    server_version = "EnKashSandbox/1.0"
    sys_version = ""
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request log on stderr."""

    def handle_expect_100(self) -> bool:
        # The buffered writer would hold the interim reply back; send it now.
        ok = super().handle_expect_100()
        self.wfile.flush()
        return ok

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        sandbox = self.server.sandbox
        body = self._read_body()
        if body is None:
            return
        headers = {k: v for k, v in self.headers.items()}
        sandbox._record(RecordedCall(self.command, self.path, headers, body, time.time()))
        path = urlsplit(self.path).path
        endpoint = {TOKEN_PATH: "token", SSO_PATH: "sso", CARD_SEARCH_PATH: "search"}.get(path)
        faults, hang_event = sandbox._take_faults(endpoint)
        for rule in faults:
            if rule.kind == Fault.DELAY and sandbox._stopping.wait(rule.delay_s):
                self.close_connection = True
                return
        terminal = next((f for f in faults if f.kind in Fault.TERMINAL), None)
        if terminal is not None and terminal.kind == Fault.HANG:
            hang_event.wait()
            self.close_connection = True
            return
        if terminal is not None and terminal.kind == Fault.DROP:
            self._drop()
            return
        if terminal is not None:
            reply = _fault_reply(terminal)
        else:
            lower = {k.lower(): v for k, v in headers.items()}
            reply = sandbox._route(self.command, path, lower, body, faults)
        self._send(reply)

    def _read_body(self) -> bytes | None:
        """The request body (Content-Length or chunked); None after answering an error."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw = self.headers.get("Content-Length", "0").strip() or "0"
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            status = 413 if length > MAX_BODY_BYTES else 400
            self._send(_envelope(status, 1, "The request body length is invalid or too large."))
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                size = -1
            total += max(size, 0)
            if size < 0 or total > MAX_BODY_BYTES:
                self.close_connection = True
                self._send(_envelope(400, 1, "The chunked request body is malformed."))
                return None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _send(self, reply: _Reply) -> None:
        """Write status line, headers and body as one buffer, then flush once."""
        try:
            phrase = HTTPStatus(reply.status).phrase
        except ValueError:
            phrase = ""
        lines = [
            f"{self.protocol_version} {reply.status} {phrase}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {reply.content_type}",
            f"Content-Length: {len(reply.body)}",
        ]
        lines += [f"{name}: {value}" for name, value in reply.headers]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + reply.body)
        self.wfile.flush()

    def _drop(self) -> None:
        """Send half a status line and header, then reset the connection (RST, not FIN)."""
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: appl")
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
