"""A server that answers one byte at a time: in the headers, or in the body.

httpx's timeouts bound each read, so such a server holds a call as long as it likes unless
the client keeps a deadline for the whole call. Real sockets on loopback, one thread per
connection; stopping closes every connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

BODY = b'{"response_code": 0, "response_message": "Success", "payload": {"ssoToken": "t"}}'


class TrickleServer:
    """``mode`` "headers" trickles the status line and headers; "body" sends the headers at
    once, then the body one byte per ``interval_s``."""

    def __init__(self, mode: str, interval_s: float = 1.0) -> None:
        assert mode in ("headers", "body")
        self.mode = mode
        self.interval_s = interval_s
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> TrickleServer:
        self._accepter.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        self._accepter.join(5)
        for thread in self._threads:
            thread.join(5)

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.settimeout(5)
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                request += chunk
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % (len(BODY) * 1000))
            if self.mode == "body":
                conn.sendall(head)
            for byte in self._trickled(head if self.mode == "headers" else BODY * 1000):
                if self._stop.wait(self.interval_s):
                    return
                conn.sendall(byte)

    @staticmethod
    def _trickled(data: bytes) -> Iterator[bytes]:
        for i in range(len(data)):
            yield data[i:i + 1]


