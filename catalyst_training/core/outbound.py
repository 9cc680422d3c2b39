"""The one outbound HTTP client for calls to platforms, LRSs and registration endpoints.

A platform chooses the URLs we call (key sets, token and AGS endpoints, NRPS pages, outcome
services, registration endpoints), so every call is guarded: http(s) only; the address the socket
actually connected to must be globally routable (checked after connecting and before a byte is
sent, so DNS rebinding gains nothing); redirects are re-checked hop by hop; connect and read
timeouts plus an overall deadline; the answer is read in chunks and cut at a size cap. Tests and
the demo allow loopback through `OUTBOUND_ALLOW` (CIDR networks), never production.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from flask import current_app, has_app_context
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .. import __version__

USER_AGENT = f"catalyst-training/{__version__} (+LTI tool)"
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
REDIRECTS = {301, 302, 303, 307, 308}
_local = threading.local()


class OutboundError(Exception):
    """A call refused by the policy, unreachable, too slow or too large: `reason` says which."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class Answer:
    """What a platform answered: status, headers and at most the capped body."""

    status_code: int
    headers: Any
    content: bytes
    url: str
    elapsed: float = 0.0
    history: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.content.decode("utf-8", errors="replace")

    @property
    def ok(self) -> bool:
        """2xx."""
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        """The body as JSON (ValueError when it is not)."""
        import json

        return json.loads(self.content or b"null")


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if any(ip in net for net in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    raw = current_app.config.get("OUTBOUND_ALLOW") if has_app_context() else None
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    return [ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()]


def address_allowed(address: str, allowed: list | None = None) -> bool:
    """True for a globally routable address (an IPv6 form embedding IPv4 is judged by that)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    nets = _allowed_networks() if allowed is None else allowed
    if any(ip.version == net.version and ip in net for net in nets):
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            return address_allowed(str(inner), nets)
    return ip.is_global and not ip.is_multicast


def _check_socket(sock: Any, allowed: list) -> None:
    peer = sock.getpeername()[0]
    if not address_allowed(peer, allowed):
        sock.close()
        raise OutboundError("address", f"refused: {peer} is not a public address")


class _ConnectGuard:
    """Checks the connected address of a new socket before the connection uses it."""

    allowed: list = []

    def _new_conn(self):
        sock = super()._new_conn()
        _check_socket(sock, self.allowed)
        return sock


class _GuardedHTTP(_ConnectGuard, HTTPConnection):
    pass


class _GuardedHTTPS(_ConnectGuard, HTTPSConnection):
    pass


class _Adapter(HTTPAdapter):
    """Pools whose connections check the connected address before sending anything."""

    def __init__(self, allowed: list) -> None:
        self.allowed = allowed
        super().__init__(pool_connections=10, pool_maxsize=20, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """Install the guarded connection classes."""
        super().init_poolmanager(*args, **kwargs)
        http = type("_Pool", (HTTPConnectionPool,), {})
        https = type("_Pools", (HTTPSConnectionPool,), {})
        http.ConnectionCls = type("_C", (_GuardedHTTP,), {"allowed": self.allowed})
        https.ConnectionCls = type("_Cs", (_GuardedHTTPS,), {"allowed": self.allowed})
        self.poolmanager.pool_classes_by_scheme = {"http": http, "https": https}


def _session(allowed: list) -> requests.Session:
    key = tuple(str(n) for n in allowed)
    sessions = getattr(_local, "sessions", None)
    if sessions is None:
        sessions = _local.sessions = {}
    session = sessions.get(key)
    if session is None:
        session = requests.Session()
        session.trust_env = False  # no proxy from the environment may route around the guard
        adapter = _Adapter(allowed)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        sessions[key] = session
    return session


def _setting(name: str, default: float) -> float:
    return float(current_app.config.get(name, default)) if has_app_context() else default


def _read_capped(resp: requests.Response, limit: int, deadline: float) -> bytes:
    chunks, size = [], 0
    for chunk in resp.iter_content(16384):
        size += len(chunk)
        if size > limit:
            raise OutboundError("too_large", f"answer larger than {limit} bytes: cut off")
        if time.monotonic() > deadline:
            raise OutboundError("too_slow", "answer took too long: cut off")
        chunks.append(chunk)
    return b"".join(chunks)


def request(
    method: str,
    url: str,
    *,
    timeout: float | tuple[float, float] | None = None,
    max_bytes: int | None = None,
    max_redirects: int = 0,
    **kwargs: Any,
) -> Answer:
    """Call `url` under the outbound policy; OutboundError when refused, unreachable or cut off."""
    allowed = _allowed_networks()
    if isinstance(timeout, tuple):
        connect_timeout, read_timeout = timeout
    else:
        read_timeout = timeout if timeout is not None else _setting("OUTBOUND_TIMEOUT", 20)
        connect_timeout = min(5.0, read_timeout)
    limit = int(max_bytes if max_bytes is not None else _setting("OUTBOUND_MAX_BYTES", 2**20))
    deadline = time.monotonic() + read_timeout * 2
    history: list[str] = []
    started = time.monotonic()
    for hop in range(max_redirects + 1):
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise OutboundError("scheme", f"refused: {url!r} is not an http(s) URL")
        try:
            resp = _session(allowed).request(
                method,
                url,
                timeout=(connect_timeout, read_timeout),
                allow_redirects=False,
                stream=True,
                **kwargs,
            )
        except OutboundError:
            raise
        except requests.RequestException as exc:
            guard = _guard_cause(exc)
            if guard is not None:
                raise guard from exc
            raise OutboundError("unreachable", f"unreachable: {type(exc).__name__}") from exc
        with resp:
            follow = hop < max_redirects and resp.status_code in REDIRECTS
            if follow and resp.headers.get("Location"):
                history.append(url)
                url = urljoin(url, resp.headers["Location"])
                if resp.status_code == 303:
                    method, kwargs = "GET", {k: v for k, v in kwargs.items() if k == "headers"}
                continue
            content = _read_capped(resp, limit, deadline)
            return Answer(
                resp.status_code, resp.headers, content, url, time.monotonic() - started, history
            )
    raise OutboundError(
        "redirects", f"too many redirects (more than {max_redirects})"
    )  # pragma: no cover


def _guard_cause(exc: BaseException) -> OutboundError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OutboundError):
            return seen
        for arg in getattr(seen, "args", ()):
            if isinstance(arg, BaseException):
                found = _guard_cause(arg)
                if found is not None:
                    return found
        seen = seen.__cause__ or seen.__context__
    return None


def shown(body: str | bytes | None, limit: int = 500) -> str | None:
    """A platform's answer as we keep and show it: decoded, truncated (templates escape it)."""
    if body is None:
        return None
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    return text if len(text) <= limit else text[:limit] + "…"
