"""Fetch one URL for `POST /api/v1/articles` safely: http(s) only, every resolved address and the connected
peer checked (no loopback, private, link-local or reserved targets unless the server allows them), redirects
re-checked, and bounded in size and in wall-clock time (a watchdog shuts the sockets at the deadline, however
slowly the server drips); fetches run in their own small pool so that they never hold the threads reads use."""

from __future__ import annotations

import asyncio
import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar
from urllib.parse import urlsplit

from newsdesk.errors import NewsdeskError
from newsdesk.records import RawDoc

MAX_FETCH_BYTES = 10 * 1024 * 1024
TIMEOUT = 10.0  # seconds per socket operation
DEADLINE = 30.0  # seconds for the whole fetch, redirects and a slow body included
MAX_REDIRECTS = 5
FETCH_WORKERS = 4  # URL fetches at a time
FETCH_QUEUE = 4  # fetches that may wait for a worker; more are answered 503
ALLOW_HINT = "start `newsdesk serve` with --allow-private-urls to allow it"


class URLRefused(NewsdeskError):
    """The URL may not be fetched (scheme, or a target address that is not public)."""

    http_status = 400


class FetchFailed(NewsdeskError):
    """The remote server could not be reached or answered badly."""

    http_status = 502


class FetchBusy(NewsdeskError):
    """Every fetch worker is busy and the queue is full."""

    http_status = 503


T = TypeVar("T")


class FetchPool:
    """A bounded executor for URL fetches, apart from the server's thread pool (where a page dripping
    slowly would hold a thread that reads need): FETCH_WORKERS run, FETCH_QUEUE wait, the next is refused."""

    def __init__(self, workers: int = FETCH_WORKERS, queue: int = FETCH_QUEUE) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsdesk-fetch")
        self._slots = threading.BoundedSemaphore(workers + queue)
        self.capacity = workers + queue

    async def run(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        if not self._slots.acquire(blocking=False):
            raise FetchBusy(f"{self.capacity} URL fetches are already running or waiting; try again in a "
                            "few seconds, or post the article's text or html instead")
        try:
            future = self._executor.submit(partial(fn, *args, **kwargs))
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class _Watchdog:
    """Shuts every socket of one fetch down when its deadline passes: a blocked read then returns at once,
    where a per-read timeout alone lets a server sending a byte now and then hold the fetch for ever."""

    def __init__(self, deadline: float) -> None:
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(deadline, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._socks.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._socks:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed
        pass


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries traffic to: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
    (::a.b.c.d), 6to4 (2002::/16), Teredo (2001::/32: server and client) and NAT64 (64:ff9b::/96). Such an
    address is as public as what it embeds: 2002:7f00:1:: reaches 127.0.0.1 through a relay."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo:
        found.extend(ip.teredo)
    if int(ip) >> 32 == 0 and int(ip) > 1 or ip in _NAT64:  # :: and ::1 are IPv6's own
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _why_not_public(addr: str) -> str | None:
    ip = ipaddress.ip_address(addr.split("%", 1)[0])
    embedded = _embedded_ipv4(ip)
    if embedded:
        for v4 in embedded:
            why = _why_not_public(str(v4))
            if why:
                return f"{why} (embedded in {ip})"
        return None
    for attr, what in (("is_loopback", "a loopback"), ("is_unspecified", "an unspecified"),
                       ("is_link_local", "a link-local"), ("is_multicast", "a multicast"),
                       ("is_private", "a private"), ("is_reserved", "a reserved")):
        if getattr(ip, attr):
            return f"{ip} is {what} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse non-http(s) URLs, and hosts any of whose addresses is not public (unless allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise URLRefused(f"refusing to fetch {url!r}: only http:// and https:// URLs with a host are accepted")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, ValueError, UnicodeError) as e:
        raise FetchFailed(f"cannot resolve {parts.hostname!r}: {e}") from None
    for info in infos:
        why = _why_not_public(str(info[4][0]))
        if why:
            raise URLRefused(f"refusing to fetch {url}: {why}; {ALLOW_HINT}")


def _check_peer(sock: socket.socket | None) -> None:
    """Checked after connecting too: DNS may answer differently the second time (rebinding)."""
    if sock is None:
        return
    why = _why_not_public(str(sock.getpeername()[0]))
    if why:
        sock.close()
        raise URLRefused(f"refusing to fetch: connected peer {why}; {ALLOW_HINT}")


class _HTTP(http.client.HTTPConnection):
    def __init__(self, *args: object, watchdog: _Watchdog, check_peer: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.watchdog, self.check_peer = watchdog, check_peer

    def connect(self) -> None:
        super().connect()
        self.watchdog.watch(self.sock)
        if self.check_peer:
            _check_peer(self.sock)


class _HTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: object, watchdog: _Watchdog, check_peer: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.watchdog, self.check_peer = watchdog, check_peer

    def connect(self) -> None:
        super().connect()
        self.watchdog.watch(self.sock)
        if self.check_peer:
            _check_peer(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog, check_peer: bool) -> None:
        super().__init__()
        self.watchdog, self.check_peer = watchdog, check_peer

    def http_open(self, req):  # type: ignore[override]
        return self.do_open(partial(_HTTP, watchdog=self.watchdog, check_peer=self.check_peer), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog, check_peer: bool) -> None:
        super().__init__()
        self.watchdog, self.check_peer = watchdog, check_peer

    def https_open(self, req):  # type: ignore[override]
        return self.do_open(partial(_HTTPS, watchdog=self.watchdog, check_peer=self.check_peer), req,
                            context=self._context)


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        check_url(newurl, allow_private=self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(url: str, *, allow_private: bool, max_bytes: int = MAX_FETCH_BYTES, timeout: float | None = None,
              deadline: float | None = None) -> RawDoc:
    """Download one page as a `RawDoc` (HTML or plain text), within the size and time limits: `timeout` per
    socket operation, `deadline` for the whole fetch (module TIMEOUT and DEADLINE when not given)."""
    timeout = TIMEOUT if timeout is None else timeout
    deadline = DEADLINE if deadline is None else deadline
    started = time.monotonic()
    check_url(url, allow_private=allow_private)
    req = urllib.request.Request(url, headers={"User-Agent": "newsdesk (+https://pypi.org/project/newsdesk)",
                                               "Accept": "text/html, text/plain;q=0.9"})
    too_slow = f"{url}: download took longer than {deadline:g} s"
    with _Watchdog(max(0.0, deadline - (time.monotonic() - started))) as watchdog:
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), _Redirects(allow_private),
            _HTTPHandler(watchdog, not allow_private), _HTTPSHandler(watchdog, not allow_private))
        try:
            with opener.open(req, timeout=min(timeout, deadline)) as resp:
                length = resp.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise FetchFailed(f"{url}: page too large ({int(length) / 1e6:.1f} MB > "
                                      f"{max_bytes / 1e6:.0f} MB)")
                chunks, size = [], 0
                while chunk := resp.read(65536):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchFailed(f"{url}: page too large (over {max_bytes / 1e6:.0f} MB)")
                    if watchdog.expired or time.monotonic() - started > deadline:
                        raise FetchFailed(too_slow)
                    chunks.append(chunk)
                if watchdog.expired:  # the watchdog's shutdown reads as the end of a body without a length
                    raise FetchFailed(too_slow)
                ctype = resp.headers.get_content_type()
                charset = resp.headers.get_content_charset()
                final_url = resp.geturl()
        except (URLRefused, FetchFailed):
            raise
        except urllib.error.HTTPError as e:
            raise FetchFailed(f"{url}: the server answered {e.code} {e.reason}") from None
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, URLRefused):
                raise reason from None
            if watchdog.expired:
                raise FetchFailed(too_slow) from None
            raise FetchFailed(f"{url}: cannot fetch ({reason})") from None
        except (OSError, http.client.HTTPException) as e:
            if watchdog.expired:
                raise FetchFailed(too_slow) from None
            raise FetchFailed(f"{url}: cannot fetch ({e.__class__.__name__}: {e})") from None
    data = b"".join(chunks)
    if "html" in ctype or ctype == "application/xml":
        media = "text/html"
    elif ctype.startswith("text/"):
        media = "text/plain"
        if charset and charset.lower() not in ("utf-8", "utf8"):
            try:
                data = data.decode(charset, errors="replace").encode("utf-8")
            except LookupError:
                pass
    else:
        raise FetchFailed(f"{url}: content type {ctype} is not HTML or text")
    fetched = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return RawDoc(data=data, media_type=media, source=final_url, url=final_url, fetched_at=fetched,
                  container="url")
