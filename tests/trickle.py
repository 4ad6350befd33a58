"""A server that answers one byte at a time: in the headers, or in the body.

httpx's timeouts bound each read, so such a server holds a call as long as it likes unless
the client keeps a deadline for the whole call. Real sockets on loopback, one thread per
connection; stopping closes every connection.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

from tests.netdoubles import LoopbackServer

BODY = b'{"response_code": 0, "response_message": "Success", "payload": {"ssoToken": "t"}}'


class TrickleServer(LoopbackServer):
    """``mode`` "headers" trickles the status line and headers; "body" sends the headers at
    once, then the body one byte per ``interval_s``."""

    def __init__(self, mode: str, interval_s: float = 1.0) -> None:
        assert mode in ("headers", "body")
        super().__init__()
        self.mode = mode
        self.interval_s = interval_s

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self, conn: socket.socket) -> None:
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


