"""Fetch one URL for `POST /api/v1/articles` safely: http(s) only, every resolved address and the connected
peer checked (no loopback, private, link-local or reserved targets unless the server allows them), redirects
re-checked, and bounded in size and time."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from urllib.parse import urlsplit

from newsdesk.errors import NewsdeskError
from newsdesk.records import RawDoc

MAX_FETCH_BYTES = 10 * 1024 * 1024
TIMEOUT = 10.0  # seconds per socket operation
DEADLINE = 30.0  # seconds for the whole fetch
MAX_REDIRECTS = 5
ALLOW_HINT = "start `newsdesk serve` with --allow-private-urls to allow it"


class URLRefused(NewsdeskError):
    """The URL may not be fetched (scheme, or a target address that is not public)."""

    http_status = 400


class FetchFailed(NewsdeskError):
    """The remote server could not be reached or answered badly."""

    http_status = 502


def _why_not_public(addr: str) -> str | None:
    ip = ipaddress.ip_address(addr.split("%", 1)[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
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
    def connect(self) -> None:
        super().connect()
        _check_peer(self.sock)


class _HTTPS(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _check_peer(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):  # type: ignore[override]
        return self.do_open(_HTTP, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):  # type: ignore[override]
        return self.do_open(_HTTPS, req, context=self._context)


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        check_url(newurl, allow_private=self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(url: str, *, allow_private: bool, max_bytes: int = MAX_FETCH_BYTES, timeout: float = TIMEOUT,
              deadline: float = DEADLINE) -> RawDoc:
    """Download one page as a `RawDoc` (HTML or plain text), within the size and time limits."""
    check_url(url, allow_private=allow_private)
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({}), _Redirects(allow_private)]
    if not allow_private:
        handlers += [_HTTPHandler(), _HTTPSHandler()]
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(url, headers={"User-Agent": "newsdesk (+https://pypi.org/project/newsdesk)",
                                               "Accept": "text/html, text/plain;q=0.9"})
    started = time.monotonic()
    try:
        with opener.open(req, timeout=timeout) as resp:
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchFailed(f"{url}: page too large ({int(length) / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB)")
            chunks, size = [], 0
            while chunk := resp.read(65536):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchFailed(f"{url}: page too large (over {max_bytes / 1e6:.0f} MB)")
                if time.monotonic() - started > deadline:
                    raise FetchFailed(f"{url}: download took longer than {deadline:.0f} s")
                chunks.append(chunk)
            ctype = resp.headers.get_content_type()
            charset = resp.headers.get_content_charset()
            final_url = resp.geturl()
    except URLRefused:
        raise
    except urllib.error.HTTPError as e:
        raise FetchFailed(f"{url}: the server answered {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, URLRefused):
            raise reason from None
        raise FetchFailed(f"{url}: cannot fetch ({reason})") from None
    except (OSError, http.client.HTTPException) as e:
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
