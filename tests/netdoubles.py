"""Real network parts for the proxy tests: a CONNECT proxy and a TLS front, on loopback.

``ConnectProxy`` is a forward proxy as companies run them: ``CONNECT host:port`` opens a
tunnel (https), an absolute-form request (``POST http://host/...``) is forwarded (plain
http). It records every request line and every byte the client sent it, so a test can
check what the proxy could read. ``hosts`` maps names to addresses, so a name that does
not exist anywhere else (``enkash.test``) can only be reached through the proxy.

``TlsFront`` terminates TLS with a certificate from a throw-away certificate authority
(``make_authority``) and forwards the plain bytes to a server on loopback (the sandbox).
"""

from __future__ import annotations

import contextlib
import datetime
import select
import socket
import ssl
import threading
from pathlib import Path


def make_authority(folder: Path, host: str) -> tuple[Path, Path, Path]:
    """A new CA and a server certificate for ``host``: (ca.pem, cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Enkash test authority")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False,
                                       decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def _pipe(a: socket.socket, b: socket.socket, stop: threading.Event,
          record: bytearray | None = None) -> None:
    """Copy bytes both ways until either side closes; ``record`` gets what ``a`` sent."""
    socks = [a, b]
    while not stop.is_set():
        ready = [s for s in socks if isinstance(s, ssl.SSLSocket) and s.pending()]
        if not ready:
            ready, _, _ = select.select(socks, [], [], 0.2)
        for sock in ready:
            data = sock.recv(65536)
            if not data:
                return
            if sock is a and record is not None:
                record.extend(data)
            (b if sock is a else a).sendall(data)


class LoopbackServer:
    """A TCP server on loopback: one thread per connection, each handed to ``serve``;
    leaving the ``with`` block stops it and joins its threads."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.connections = 0

    @property
    def port(self) -> int:
        port: int = self._listener.getsockname()[1]
        return port

    def __enter__(self) -> LoopbackServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        self._threads.append(thread)
        thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        for thread in list(self._threads):
            thread.join(5)

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            thread = threading.Thread(target=self._guarded, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _guarded(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError, ssl.SSLError, ValueError):
            conn.settimeout(10)
            self.serve(conn)

    def serve(self, conn: socket.socket) -> None:
        raise NotImplementedError


class ConnectProxy(LoopbackServer):
    """A forward proxy on loopback that records what it could read."""

    def __init__(self, hosts: dict[str, str] | None = None) -> None:
        super().__init__()
        self.hosts = hosts or {}
        self.request_lines: list[str] = []
        self.seen = bytearray()  # every byte the clients sent, tunnels included

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ConnectProxy:
        super().__enter__()
        return self

    def serve(self, conn: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(65536)
            if not chunk:
                return
            head += chunk
        self.seen.extend(head)
        head, rest = head.split(b"\r\n\r\n", 1)
        first, *header_lines = head.decode("latin-1").split("\r\n")
        self.request_lines.append(first)
        method, target, version = first.split(" ")
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((self.hosts.get(host, host), int(port)), 10)
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            from urllib.parse import urlsplit

            parts = urlsplit(target)
            host = parts.hostname or ""
            upstream = socket.create_connection(
                (self.hosts.get(host, host), parts.port or 80), 10)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            upstream.sendall("\r\n".join([f"{method} {path} {version}", *header_lines])
                             .encode("latin-1") + b"\r\n\r\n" + rest)
        with upstream:
            _pipe(conn, upstream, self._stop, self.seen)


class TlsFront(LoopbackServer):
    """TLS on its port, the plain bytes forwarded to ``target_port`` on loopback."""

    def __init__(self, target_port: int, cert: Path, key: Path) -> None:
        super().__init__()
        self.target_port = target_port
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert, key)

    def __enter__(self) -> TlsFront:
        super().__enter__()
        return self

    def serve(self, conn: socket.socket) -> None:
        with self._context.wrap_socket(conn, server_side=True) as tls, \
                socket.create_connection(("127.0.0.1", self.target_port), 10) as upstream:
            _pipe(tls, upstream, self._stop)


class CannedServer:
    """An HTTP server on loopback that answers every POST with the same status and body,
    and records the request bodies (an echoing server when ``echo`` is set: the reply's
    message repeats the request's headers and body, as some gateways' error pages do)."""

    def __init__(self, body: bytes = b"{}", status: int = 200, *, echo: bool = False) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        owner = self
        self.body = body
        self.status = status
        self.echo = echo
        self.requests: list[bytes] = []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received = self.rfile.read(length)
                owner.requests.append(received)
                body = owner.body
                if owner.echo:
                    import json

                    echoed = str(self.headers) + received.decode("latin-1")
                    body = json.dumps({"response_code": 1, "response_message":
                                       f"Bad request: {echoed}"}).encode()
                self.send_response(owner.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> CannedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
