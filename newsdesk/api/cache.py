"""A response cache for GET pages and JSON pages: an answer depends only on the URL and the database, so it
is reused until the database says something committed since (SQLite's `data_version`, PostgreSQL's
transaction snapshot). Streams (CSV, JSON lines) and errors are never cached."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from typing import Any

MAX_ENTRIES = 2048
MAX_BODY = 2 * 1024 * 1024


class DataVersion:
    """A value that changes whenever anything is committed to the database, read on a connection of its own.

    SQLite: `PRAGMA data_version`, which changes when any other connection commits. PostgreSQL: the current
    snapshot (`xmin:xmax:running xids`), which fixes exactly which transactions a query sees: it moves when a
    writing transaction starts or ends, anywhere on the server, so the cache may miss more often there but
    never serves an answer older than a commit."""

    def __init__(self, db: str) -> None:
        from newsdesk.store import is_postgres_url

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
    the last commit; stores 200 answers with a known, small body."""

    def __init__(self, app: Any, version: DataVersion) -> None:
        self.app = app
        self.version = version
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str, str], tuple[int | str, int, list, bytes]] = OrderedDict()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].endswith((".csv", ".jsonl")) \
                or b"_format=" in scope.get("query_string", b""):
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        key = (host, scope["path"], scope.get("query_string", b"").decode("latin-1"))
        version = self.version()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] == version:
                self._entries.move_to_end(key)
        if hit is not None and hit[0] == version:
            _, status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        headers = started.get("headers") or []
        if started.get("status") != 200 or not any(k.lower() == b"content-length" for k, _ in headers):
            return
        body = b"".join(chunks)
        if len(body) > MAX_BODY:
            return
        with self._lock:
            self._entries[key] = (version, 200, list(headers), body)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
