"""The EnKash client: /oauth/token and the SSO call over one reused ``httpx.Client``.

This module is the one boundary where httpx and socket errors become
:class:`EnkashError`. It never retries a login by itself; a 401 on the SSO call triggers at
most one fresh login, and only when the profile has credentials and the lockout guard
allows it without confirmation.

Thread safety: one client may serve several worker threads at once (batch sends);
:meth:`EnkashClient.cancel` may be called from any thread and aborts calls in flight by
shutting their sockets down. Logins are serialised: threads that find the same stale token
(a batch whose token expired) share one login, and after a failed login the threads that
were waiting get the same error instead of trying again.

When the profile asks for payload encryption (:mod:`.crypto`), the SSO request body is sent
encrypted (Copy as cURL shows that body, since it is what is sent) and an encrypted reply is
decrypted before it is read. The token call is never encrypted.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import threading
import time
import weakref
from dataclasses import replace
from typing import TYPE_CHECKING

from enkash_desktop import __version__

from . import lockout
from .calllog import log_login, log_sso_call
from .crypto import decrypt_reply, derive_key, encrypt_payload, encryption_advice
from .curl import to_curl
from .errors import EnkashError, ErrorKind
from .gateway import with_retry_after
from .models import (
    SSO_PATH,
    TOKEN_PATH,
    BearerToken,
    Cardholder,
    PayloadEncryption,
    PreparedCall,
    Profile,
    Secrets,
    SsoResult,
)
from .portal import portal_link
from .proxies import proxy_for
from .redaction import mask_secrets, remember
from .replies import MAX_REPLY_BYTES, parse_sso_reply, parse_token_reply, pretty_redacted
from .transport import RoutingTransport, TrackingBackend, trust_store_context
from .transport import deadline as call_deadline
from .validation import check_header_value, validate_cardholder, validate_profile

if TYPE_CHECKING:
    import socket
    import ssl

    import httpx

# ssl, socket and http.cookiejar are imported where they are used: the window imports the
# core before its first paint, and these cost tens of milliseconds there.

USER_AGENT = f"enkash-desktop/{__version__}"


class _Cancelled(Exception):
    pass


class EnkashClient:
    """Talks to one partner's EnKash API with one profile's settings and secrets."""

    def __init__(
        self,
        profile: Profile,
        secrets: Secrets,
        *,
        failures: lockout.FailureCounter | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.profile = profile
        self.secrets = secrets
        self._failures = failures if failures is not None else lockout.MemoryFailureCounter()
        self._transport = transport
        self._http: httpx.Client | None = None
        self._lock = threading.Lock()
        # Re-entrant: _login_once holds it while calling fetch_token.
        self._login_lock = threading.RLock()
        self._login_count = 0  # login attempts so far (changed under _login_lock)
        self._login_error: EnkashError | None = None  # how the last attempt failed
        self._token: BearerToken | None = None
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._generation = 0
        self._validated: Profile | None = None
        self._last_reply = threading.local()  # per thread: the last reply's Retry-After
        remember(self._known_secrets())  # the log and crash output mask them too

    def _known_secrets(self, *fetched: str) -> list[str]:
        """The secrets text from this client may carry: typed, Basic pair, fetched tokens."""
        known = [*self.secrets.values(), *fetched]
        if self.secrets.client_secret:
            known.append(f"{self.profile.oauth_client_id.strip()}:{self.secrets.client_secret}")
        token = self._token
        if token is not None:
            known.append(token.value)
        return known

    # ----------------------------------------------------------------- state

    def _valid_profile(self) -> Profile:
        """The profile, validated once (it is frozen); raises BAD_INPUT."""
        if self._validated is None:
            self._validated = validate_profile(self.profile)
        return self._validated

    @property
    def token(self) -> BearerToken | None:
        """The bearer token from the last successful login, if any (it may have expired)."""
        return self._token

    @property
    def login_attempts(self) -> int:
        """How many logins this client has attempted; see ``send_sso(logins_seen=...)``."""
        return self._login_count

    def login_failures(self) -> int:
        """Failed logins in a row for this profile's login identity (see :mod:`.lockout`)."""
        return self._failures.failures(lockout.LoginIdentity.of(self.profile))

    def login_needs_confirmation(self) -> bool:
        """True when the next login attempt could lock the account (see :mod:`.lockout`)."""
        return lockout.needs_confirmation(self.login_failures())

    def can_login(self) -> bool:
        return bool(self.secrets.can_login and self.profile.username.strip()
                    and self.profile.oauth_client_id.strip())

    def close(self) -> None:
        with self._lock:
            http, self._http = self._http, None
        if http is not None:
            http.close()

    def __enter__(self) -> EnkashClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cancel(self) -> None:
        """Abort every call of this client that is in flight (thread-safe)."""
        import socket

        with self._lock:
            self._generation += 1
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    # ----------------------------------------------------------------- HTTP

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                self._http = self._make_http()
            return self._http

    def _make_http(self) -> httpx.Client:
        from http.cookiejar import CookieJar, DefaultCookiePolicy

        import httpx

        timeout_s = self.profile.timeout_s
        timeout = httpx.Timeout(connect=min(10.0, timeout_s), read=timeout_s,
                                write=min(10.0, timeout_s), pool=5.0)
        limits = httpx.Limits(max_connections=16, max_keepalive_connections=16,
                              keepalive_expiry=30.0)
        transport = self._transport or self._make_transport(limits)
        # No cookie jar: the Cookie header is set explicitly, so what is sent is exactly
        # what Copy as cURL shows (and the jar's bookkeeping costs a tenth of a call).
        no_jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
        return httpx.Client(transport=transport, timeout=timeout, limits=limits,
                            cookies=no_jar, follow_redirects=False, trust_env=True)

    def _ssl_context(self) -> ssl.SSLContext | None:
        """The OS trust store's TLS context; None for a plain-http (loopback) profile.

        Such a profile never opens a TLS connection (its URLs are http and redirects are not
        followed), so it does not pay for building a context.
        """
        urls = (self.profile.base_url, self.profile.effective_auth_base_url)
        if not any(u.lower().startswith("https:") for u in urls):
            return None
        return trust_store_context()

    def _make_transport(self, limits: httpx.Limits) -> httpx.BaseTransport:
        """One transport per route (direct, or each proxy), chosen per URL (see .proxies)."""
        from typing import cast


        ssl_context = self._ssl_context()
        routes: dict[str | None, httpx.BaseTransport] = {}
        for url in (self.profile.base_url, self.profile.effective_auth_base_url):
            proxy = proxy_for(url, self.profile.proxy)
            if proxy not in routes:
                routes[proxy] = self._route_transport(limits, ssl_context, proxy)
        if list(routes) == [None]:
            return routes[None]
        return cast("httpx.BaseTransport", RoutingTransport(routes, self.profile.proxy))

    def _route_transport(self, limits: httpx.Limits, ssl_context: ssl.SSLContext | None,
                         proxy: str | None) -> httpx.BaseTransport:
        import httpcore
        import httpx

        # httpx's transport over our own connection pool, whose network backend records
        # each socket, so cancel() can shut it down and wake a thread blocked in recv().
        # httpx offers no public hook for this. The transport's __init__ is skipped: it
        # would only build a pool (and a TLS context) that is replaced at once.
        transport = httpx.HTTPTransport.__new__(httpx.HTTPTransport)
        backend = TrackingBackend(self)
        if proxy is None:
            transport._pool = httpcore.ConnectionPool(
                ssl_context=ssl_context,
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
                network_backend=backend,  # type: ignore[arg-type]
            )
            return transport
        parsed = httpx.Proxy(proxy)
        transport._pool = httpcore.HTTPProxy(
            proxy_url=httpcore.URL(scheme=parsed.url.raw_scheme, host=parsed.url.raw_host,
                                   port=parsed.url.port, target=parsed.url.raw_path),
            proxy_auth=parsed.raw_auth,
            proxy_headers=parsed.headers.raw,
            ssl_context=ssl_context,  # the EnKash server's certificate, verified end to end
            proxy_ssl_context=trust_store_context() if parsed.url.scheme == "https" else None,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,  # type: ignore[arg-type]
        )
        return transport

    def _track(self, sock: socket.socket, generation: int) -> None:
        import socket

        with self._lock:
            self._sockets.add(sock)
            stale = generation != self._generation
        if stale:
            sock.shutdown(socket.SHUT_RDWR)

    def _post(self, url: str, headers: dict[str, str], content: bytes,
              generation: int, *, want_cookies: bool = False) -> tuple[int, bytes, str]:
        """POST and read at most MAX_REPLY_BYTES; translate foreign errors (one boundary)."""
        import ssl

        import httpx

        # The whole call (connect, send, headers, body) ends at this deadline: the network
        # backend's streams bound every wait by it, on this thread (transport.DeadlineStream).
        ends_at = time.monotonic() + self.profile.timeout_s
        call_deadline.at = ends_at
        try:
            with self._client().stream("POST", _parsed_url(url), headers=headers,
                                       content=content) as resp:
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_REPLY_BYTES:
                        break
                    if time.monotonic() > ends_at:  # a transport of a test's own
                        raise httpx.ReadTimeout("The call's deadline has passed.")
                self._last_reply.retry_after = resp.headers.get("Retry-After")
                cookie = ""
                if want_cookies:
                    cookie = "; ".join(f"{k}={v}" for k, v in resp.cookies.items())
                return resp.status_code, b"".join(chunks), cookie
        except httpx.TimeoutException as exc:
            if generation != self._generation:
                raise _Cancelled from exc
            connecting = isinstance(exc, httpx.ConnectTimeout)
            kind = "connect" if connecting else "answer"
            raise EnkashError(
                ErrorKind.TIMEOUT,
                f"The EnKash server did not {kind} within {self.profile.timeout_s:g} "
                f"second{'' if self.profile.timeout_s == 1 else 's'}.",
                detail=f"{type(exc).__name__}: {exc}", reached_server=not connecting,
            ) from None
        except (httpx.TransportError, OSError) as exc:
            if generation != self._generation:
                raise _Cancelled from exc
            text = f"{type(exc).__name__}: {exc}"
            if isinstance(exc, ssl.SSLError) or "CERTIFICATE" in text.upper() or (
                "SSL" in text.upper()
            ):
                raise EnkashError(ErrorKind.TLS, detail=text, reached_server=False) from None
            if isinstance(exc, httpx.ConnectError):
                raise EnkashError(ErrorKind.NETWORK, detail=text,
                                  reached_server=False) from None
            raise EnkashError(
                ErrorKind.NETWORK,
                "The connection to the EnKash server broke before the reply arrived.",
                detail=text,
            ) from None
        finally:
            call_deadline.at = None

    # ----------------------------------------------------------------- login

    def fetch_token(self, *, confirmed: bool = False) -> BearerToken:
        """Log in at /oauth/token and keep the bearer token; raise :class:`EnkashError`.

        Refuses (LOCKOUT_RISK) an attempt that could be the third failure in a row unless
        ``confirmed``. Never retries. A failure that reached the server counts.
        """
        with self._login_lock:
            t0 = time.perf_counter()
            self._login_status: int | None = None
            try:
                token = self._attempt_login(confirmed)
            except EnkashError as exc:
                self._login_error = exc
                log_login(self.profile, exc, self._login_status, _ms_since(t0))
                raise
            else:
                self._login_error = None
                log_login(self.profile, None, self._login_status, _ms_since(t0))
                return token
            finally:
                self._login_count += 1

    def _login_once(self, seen: int, refused: str) -> BearerToken:
        """Log in, unless another thread has tried since this call looked (``seen``).

        Its fresh token is reused (unless it is the one just ``refused``); its failure is
        raised again, so a batch never repeats a failed login on its own.
        """
        with self._login_lock:
            if self._login_count != seen:
                if self._login_error is not None:
                    raise replace(self._login_error)
                current = self._token
                if current is not None and not current.expired() and current.header != refused:
                    return current
            return self.fetch_token()

    def _attempt_login(self, confirmed: bool) -> BearerToken:
        """One login attempt; the caller holds ``_login_lock``."""
        profile = validate_profile(self.profile, for_login=True)
        if not self.secrets.password:
            raise EnkashError(ErrorKind.BAD_INPUT, "Password is required to get a token.",
                              field="password")
        if not self.secrets.client_secret:
            raise EnkashError(ErrorKind.BAD_INPUT,
                              "Client secret is required to get a token.",
                              field="client_secret")
        for kind in ("password", "client_secret"):
            check_header_value(kind, getattr(self.secrets, kind))
        identity = lockout.LoginIdentity.of(profile)
        with lockout.guarded_attempt(self._failures, identity, confirmed=confirmed,
                                     wait_s=profile.timeout_s + lockout.IN_FLIGHT_MARGIN_S
                                     ) as attempt:
            call = self.prepare_login()
            generation = self._generation
            try:
                status, body, cookie = self._post(call.url, dict(call.headers), call.body,
                                                  generation, want_cookies=True)
                self._login_status = status
            except _Cancelled:  # it may have reached the server: it counts
                raise EnkashError(ErrorKind.CANCELLED) from None
            except EnkashError as exc:
                if not exc.reached_server:  # certainly never refused: it does not count
                    attempt.not_sent()
                raise
            try:
                token = parse_token_reply(status, body, cookie)
            except EnkashError as exc:
                if not exc.reached_server:  # a gateway's page: the token service never saw it
                    attempt.not_sent()
                with_retry_after(exc, getattr(self._last_reply, "retry_after", None))
                known = self._known_secrets()  # the server may echo them, in any form
                exc.message = mask_secrets(exc.message, known)
                exc.detail = mask_secrets(exc.detail, known)
                raise
            attempt.succeeded()
        remember([token.value])
        self._token = token
        return token

    def prepare_login(self) -> PreparedCall:
        """The /oauth/token call with this profile's credentials (form-encoded)."""
        from urllib.parse import urlencode

        p = self.profile
        basic = base64.b64encode(
            f"{p.oauth_client_id.strip()}:{self.secrets.client_secret}".encode()
        ).decode("ascii")
        form = {
            "username": p.username.strip(),
            "password": self.secrets.password,
            "grant_type": "password",
            "clientId": p.login_client_id.strip(),
        }
        headers = (
            ("Authorization", f"Basic {basic}"),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
            ("User-Agent", USER_AGENT),
        )
        url = p.effective_auth_base_url.strip().rstrip("/") + TOKEN_PATH
        return PreparedCall("POST", url, headers, urlencode(form).encode("ascii"))

    # ----------------------------------------------------------------- SSO

    def _authorization(self, seen: int, refused: str = "") -> tuple[str, str]:
        """The Authorization and Cookie values for the SSO call, logging in if needed.

        ``seen`` is the login count when the call began; ``refused`` an Authorization value
        a 401 has just refused (never sent again).
        """
        token = self._token
        if token is not None and (token.expired() or token.header == refused):
            # A fresh token is used even if very short-lived.
            token = self._login_once(seen, refused) if self.can_login() else None
        typed = self._typed_authorization()
        if token is None and typed and typed != refused:
            auth, cookie = typed, self.secrets.cookie
        elif token is None and self.can_login():
            token = self._login_once(seen, refused)
            auth, cookie = token.header, self.secrets.cookie or token.cookie
        elif token is not None:
            auth, cookie = token.header, self.secrets.cookie or token.cookie
        else:
            raise EnkashError(
                ErrorKind.TOKEN_EXPIRED,
                "There is no bearer token: type one in Authorization, or fill in the login "
                "details and click Get token.",
            )
        check_header_value("authorization", auth)
        check_header_value("cookie", cookie)
        return auth, cookie

    def _typed_authorization(self) -> str:
        """The Authorization the user typed, with "Bearer " added to a bare token."""
        typed = self.secrets.authorization.strip()
        return typed if " " in typed or not typed else f"Bearer {typed}"

    def prepare_sso(self, cardholder: Cardholder, authorization: str,
                    cookie: str) -> PreparedCall:
        """The SSO call exactly as it goes on the wire (also what Copy as cURL shows)."""
        profile = self._valid_profile()
        cardholder = validate_cardholder(cardholder)
        headers = [
            ("partnerId", profile.partner_id),
            ("Content-Type", "application/json"),
            ("Authorization", authorization),
        ]
        if cookie:
            headers.append(("Cookie", cookie))
        headers += [("Accept", "application/json"), ("User-Agent", USER_AGENT)]
        body = json.dumps(cardholder.body()).encode("utf-8")  # the docs' ", " and ": "
        key = self._payload_key()
        if key is not None:  # EnKash's guide encrypts the compact JSON (ENKASH_API.md §5)
            body = encrypt_payload(cardholder.body(), key)
        return PreparedCall("POST", profile.base_url + SSO_PATH, tuple(headers), body)

    def _payload_key(self) -> bytes | None:
        """The AES key of the SSO call's payload, or None when encryption is off."""
        if self.profile.encryption is PayloadEncryption.OFF:
            return None
        return derive_key(self.secrets.client_secret, self.profile.encryption)

    def _exchange(self, cardholder: Cardholder, seen: int, generation: int,
                  refused: str = "") -> tuple[PreparedCall, int, bytes]:
        """Prepare, send and (when encrypted) decrypt one SSO call."""
        auth, cookie = self._authorization(seen, refused)
        call = self.prepare_sso(cardholder, auth, cookie)
        status, body, _ = self._post(call.url, dict(call.headers), call.body, generation)
        key = self._payload_key()
        if key is not None:
            body = decrypt_reply(body, key)
        return call, status, body

    def preview_sso(self, cardholder: Cardholder) -> PreparedCall:
        """The SSO call as it would be sent now, without logging in (for Copy as cURL)."""
        token = self._token
        if token is not None and not token.expired():
            auth, cookie = token.header, self.secrets.cookie or token.cookie
        else:
            auth = self._typed_authorization() or "Bearer <token from Get token>"
            cookie = self.secrets.cookie
        return self.prepare_sso(cardholder, auth, cookie)

    def send_sso(self, cardholder: Cardholder, *, logins_seen: int | None = None) -> SsoResult:
        """Mint an SSO token for ``cardholder``. Never raises: errors are in the result.

        ``logins_seen``: :attr:`login_attempts` when the caller decided to send (a batch
        passes it when it queues a row). If a login failed since, this call reports that
        failure instead of trying again; by default, the count when this call starts.
        """
        started = time.time()
        t0 = time.perf_counter()
        generation = self._generation
        seen = self._login_count if logins_seen is None else logins_seen
        status: int | None = None
        body = b""
        call: PreparedCall | None = None
        try:
            call, status, body = self._exchange(cardholder, seen, generation)
            reply = parse_sso_reply(status, body, self.profile.token_path)
            if (reply.error is not None and reply.error.kind is ErrorKind.TOKEN_EXPIRED
                    and self.can_login() and not self.login_needs_confirmation()):
                # One fresh login after a 401, whatever the clock said; never more. Threads
                # refused at the same time share it (see _login_once).
                refused = dict(call.headers).get("Authorization", "")
                call, status, body = self._exchange(cardholder, seen, generation, refused)
                reply = parse_sso_reply(status, body, self.profile.token_path)
            error = reply.error
            if error is not None:
                with_retry_after(error, getattr(self._last_reply, "retry_after", None))
            token = reply.token or ""
            code, message, data = reply.envelope.code, reply.envelope.message, reply.envelope.data
        except _Cancelled:
            error, token, code, message = EnkashError(ErrorKind.CANCELLED), "", None, ""
            data = None
        except EnkashError as exc:
            error, token, code, message, data = exc, "", None, "", None
        if token == "" and error is None:  # pragma: no cover - parse_sso_reply guarantees
            error = EnkashError(ErrorKind.NO_TOKEN)
        if token:
            remember([token])
        secrets = self._known_secrets(token)
        # The server's words are shown and kept in the history: a secret it echoes is masked
        # in any form (only the known values: the sentences themselves may say "bearer
        # token").
        message = mask_secrets(message, secrets)
        if error is not None:
            error.message = mask_secrets(error.message, secrets)
            error.detail = mask_secrets(error.detail, secrets)
            error.advice = error.advice or encryption_advice(
                status, f"{message} {error.message}", self.profile.encryption)
        # The redacted texts are only read by the history and the reply view, so they are
        # made on first read rather than on every call (see SsoResult).
        result = SsoResult(
            ok=error is None,
            profile_name=self.profile.name,
            environment=self.profile.environment,
            cardholder=cardholder,
            started_at=started,
            elapsed_ms=(time.perf_counter() - t0) * 1000.0,
            http_status=status,
            response_code=code,
            message=message or (error.message if error else ""),
            sso_token=token,
            sso_url=portal_link(self.profile, token, admin=cardholder.admin) if token else "",
            error=error,
            # to_curl masks the secret headers by construction; the body holds only ids.
            request_redacted=(lambda: to_curl(call)) if call else "",
            reply_redacted=lambda: pretty_redacted(body, data, secrets, call),
        )
        log_sso_call(result)
        return result


def _ms_since(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


@functools.lru_cache(maxsize=64)
def _parsed_url(url: str) -> httpx.URL:
    """``url`` as httpx parses it, once: a client posts to the same two URLs again and again."""
    import httpx

    return httpx.URL(url)
