"""A response cache for GET pages and JSON pages: an answer depends only on the URL and the database, so it
is reused until the database says something committed since (SQLite's `data_version`, PostgreSQL's
transaction snapshot). While another process writes (an ingest commits several times a second), an answer is
still served for `max_stale` seconds after it was computed, so that a busy page is computed once in that
time rather than once per request; past that, while one request computes it anew, the others for the same URL
get the previous answer instead of computing it too (a page of a 500-report event takes a second). A write
through this server invalidates every answer at once, so its client reads what it wrote. Streams (CSV, JSON lines) and errors are never cached. The cache holds at most
`max_bytes`, least recently used out first, and a URL is keyed on the query parameters its route declares:
the others are dropped before the route sees them, so `?junk=1`, `?junk=2` ... are one entry, not many.
API routes declare theirs (the OpenAPI schema lists them); the web pages' are given to the cache."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qsl, urlencode

from newsdesk.store import is_postgres_url

MAX_BYTES = 64 * 1024 * 1024  # the whole cache
MAX_BODY = 2 * 1024 * 1024  # one answer larger than this is not kept
MAX_STALE = 2.0  # seconds an answer is served after a commit by another process; 0: never
_ENTRY_OVERHEAD = 512  # tuples, the key and dict slots: a rough cost of an entry beyond its bytes

Key = tuple[str, str, str]
# (data version, when computed (monotonic seconds), this server's write generation then, status, headers, body)
Entry = tuple[int | str, float, int, int, list, bytes]


class DataVersion:
    """A value that changes whenever anything is committed to the database, read on a connection of its own.

    SQLite: `PRAGMA data_version`, which changes when any other connection commits. PostgreSQL: the current
    snapshot (`xmin:xmax:running xids`), which fixes exactly which transactions a query sees: it moves when a
    writing transaction starts or ends, anywhere on the server, so the cache may miss more often there but
    never serves an answer older than a commit."""

    def __init__(self, db: str) -> None:

        if is_postgres_url(db):
            import psycopg

            self._conn: Any = psycopg.connect(db, autocommit=True)
            self._sql = "SELECT pg_current_snapshot()::text"
        else:
            self._conn = sqlite3.connect(db, check_same_thread=False, isolation_level=None)
            self._sql = "PRAGMA data_version"
        self._lock = threading.Lock()

    def __call__(self) -> int | str:
        with self._lock:
            return self._conn.execute(self._sql).fetchone()[0]

    def close(self) -> None:
        self._conn.close()


class ResponseCache:
    """Pure ASGI middleware: serves a cached (status, headers, body) for a GET whose URL was answered since
    the last commit (or, when only other processes committed since, for `max_stale` seconds after it was
    computed); stores 200 answers with a known, small body. `page_params` names the query parameters that
    the pages outside /api/ (the web UI) read from the request themselves rather than declare."""

    def __init__(self, app: Any, version: DataVersion, *, max_bytes: int = MAX_BYTES,
                 page_params: frozenset[str] = frozenset(), max_stale: float = MAX_STALE) -> None:
        self.app = app
        self.version = version
        self.max_bytes = max_bytes
        self.page_params = page_params
        self.max_stale = max_stale
        self.size = 0  # bytes held, as `_cost` counts them
        self.generation = 0  # writes through this server that ended: each makes every entry stale at once
        self._lock = threading.Lock()
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._computing: set[Key] = set()  # URLs a request is computing anew while their old answer is kept
        self._routes: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            await self._write(scope, receive, send)
            return
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].endswith((".csv", ".jsonl")) \
                or b"_format=" in scope.get("query_string", b""):
            await self.app(scope, receive, send)
            return
        scope = {**scope, "query_string": self._recognised_query(scope)}
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        key = (host[:255], scope["path"], scope["query_string"].decode("latin-1"))
        version, generation, started_at = self.version(), self.generation, time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and not self._usable(hit, version, started_at):
                # only other processes committed since: one request computes it anew, the others keep it
                hit = hit if hit[2] == generation and key in self._computing else None
            if hit is None:
                self._computing.add(key)
            else:
                self._entries.move_to_end(key)
        if hit is not None:
            status, headers, body = hit[3:]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        started: dict[str, Any] = {}
        chunks: list[bytes] = []
        held = 0

        async def capture(message: dict) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body" and held <= MAX_BODY:
                chunks.append(message.get("body", b""))
                held += len(chunks[-1])
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            with self._lock:
                self._computing.discard(key)
        headers = started.get("headers") or []
        if started.get("status") != 200 or not any(k.lower() == b"content-length" for k, _ in headers) \
                or held > MAX_BODY:
            return
        self._store(key, (version, started_at, generation, 200, list(headers), b"".join(chunks)))

    async def _write(self, scope: dict, receive: Any, send: Any) -> None:
        """A write (or an attempt) through this server: its client must read what it wrote, so every entry is
        stale once its answer starts (committed by then) and again when it ends."""
        def renew() -> None:
            with self._lock:
                self.generation += 1

        async def answer(message: dict) -> None:
            if message["type"] == "http.response.start":
                renew()
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            renew()

    def _usable(self, entry: Entry, version: int | str, now: float) -> bool:
        """Nothing committed since it was computed; or only other processes committed, and it is younger than
        `max_stale` (its version was read before it was computed, so its age bounds how far behind it is)."""
        return entry[0] == version or (entry[2] == self.generation and now - entry[1] < self.max_stale)

    def _store(self, key: Key, entry: Entry) -> None:
        cost = _cost(key, entry)
        if cost > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= _cost(key, old)
            self._entries[key] = entry
            self.size += cost
            while self.size > self.max_bytes:
                k, e = self._entries.popitem(last=False)
                self.size -= _cost(k, e)

    def _recognised_query(self, scope: dict) -> bytes:
        """The query string with only the parameters the matching route declares (in their order)."""
        raw = scope.get("query_string", b"")
        if not raw:
            return b""
        names = self._route_params(scope)
        pairs = [(k, v) for k, v in parse_qsl(raw.decode("latin-1"), keep_blank_values=True) if k in names]
        return urlencode(pairs).encode("ascii")

    def _route_params(self, scope: dict) -> frozenset[str]:
        if self._routes is None:  # the app's OpenAPI schema names every API route's query parameters
            schema = scope["app"].openapi() if hasattr(scope.get("app"), "openapi") else {}
            self._routes = [(_template(path), frozenset(p["name"] for op in ops.values() if isinstance(op, dict)
                                                         for p in op.get("parameters", ()) if p.get("in") == "query"))
                            for path, ops in schema.get("paths", {}).items()]
        path = scope["path"]
        for pattern, names in self._routes:
            if pattern.fullmatch(path):
                return names
        return frozenset() if path.startswith("/api/") else self.page_params


def _template(path: str) -> re.Pattern[str]:
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part)
                              for part in re.split(r"(\{[^}]*\})", path)))


def _cost(key: Key, entry: Entry) -> int:
    return (_ENTRY_OVERHEAD + sum(map(len, key)) + len(entry[5])
            + sum(len(k) + len(v) + 64 for k, v in entry[4]))
