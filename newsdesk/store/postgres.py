"""PostgreSQL backend (`--db postgresql://…`): the shared SQL store over a psycopg 3 connection pool, so one
store serves many threads and several processes can ingest into the same database at once. What is new is
decided by unique constraints and upserts, never by application locks; full-text search uses tsvector."""

from __future__ import annotations

import random
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from newsdesk.errors import StoreError
from newsdesk.store.base import NUL_STAND_IN, Connection, budget_left, check_budget, query_timeout
from newsdesk.store.migrations import pending_migrations
from newsdesk.store.sql import LEDGER, SQLStore, now

try:
    import psycopg
    from psycopg_pool import ConnectionPool
except ImportError:  # the optional extra is not installed
    psycopg = None  # type: ignore[assignment]

T = TypeVar("T")
MIGRATION_LOCK = 0x6E657773  # pg_advisory_xact_lock key: one migrating process at a time ("news")
RETRIES = 5  # a deadlock or serialization failure is retried whole, with jitter
# psycopg 3 files a deadlock under OperationalError, not under TransactionRollback (serialization failures)
RETRYABLE = (psycopg.errors.TransactionRollback, psycopg.errors.DeadlockDetected) if psycopg else ()


def safe_url(url: str) -> str:
    """The URL without its password, for messages and `store.location`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class Row:
    """A result row read by position or by column name, as `sqlite3.Row` is, so the shared queries run as-is."""

    __slots__ = ("_values", "_index")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    index: dict[str, int] = {}
    for i, column in enumerate(cursor.description or ()):
        index.setdefault(column.name, i)
    return lambda values: Row(values, index)


@lru_cache(maxsize=512)
def _pg(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal `%` doubled); the shared SQL holds no `?` in strings."""
    return sql.replace("%", "%%").replace("?", "%s")


def _no_nul(args: Sequence[Any]) -> Sequence[Any]:
    """PostgreSQL text cannot hold NUL characters: any that reach a statement (records are cleaned before, by
    `base.storable`; a search query is not) become the same stand-in, not an error."""
    if not any(isinstance(a, str) and "\x00" in a for a in args):
        return args
    return [a.replace("\x00", NUL_STAND_IN) if isinstance(a, str) else a for a in args]


class PgConnection:
    """A pooled psycopg connection with the `execute` / `executemany` the shared queries call."""

    def __init__(self, conn: Any) -> None:
        self.raw = conn

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self.raw.execute(_pg(sql), _no_nul(args))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        with self.raw.cursor() as cur:
            cur.executemany(_pg(sql), [_no_nul(r) for r in rows])
            return cur


class PostgresStore(SQLStore):
    """A newsdesk database on a PostgreSQL server. Thread-safe: each call borrows a pooled connection."""

    dialect = "postgres"

    def __init__(self, url: str, *, max_connections: int = 8) -> None:
        if psycopg is None:
            raise StoreError("the PostgreSQL backend needs psycopg: pip install 'newsdesk[postgres]'")
        self.url = url
        self.location = safe_url(url)
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
                self._migrate(conn)
        except psycopg.OperationalError as e:
            reason = " ".join(str(e).replace(url, self.location).split())
            raise StoreError(f"{self.location}: cannot connect to PostgreSQL ({reason})") from None
        self.pool = ConnectionPool(url, min_size=1, max_size=max_connections, open=True, name="newsdesk",
                                   kwargs={"autocommit": True, "row_factory": _row_factory})

    def _migrate(self, conn: Any) -> None:
        """All pending migrations in one transaction, under an advisory lock so that processes opening a new
        database at the same time migrate it once."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute(LEDGER)
            done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
            for m in pending_migrations("postgres", done, self.location):
                conn.execute(m.sql)
                conn.execute("INSERT INTO schema_migrations VALUES (%s, %s, %s)", (m.version, m.name, now()))

    @contextmanager
    def _pooled(self) -> Iterator[Any]:
        """A connection from the pool; a lost server becomes one StoreError line, not a traceback."""
        try:
            with self.pool.connection() as conn:
                yield conn
        except RETRYABLE:
            raise  # `_write` runs the transaction again
        except psycopg.errors.QueryCanceled:  # statement_timeout (a read's time budget) is an OperationalError
            raise query_timeout() from None
        except psycopg.OperationalError as e:
            reason = " ".join(str(e).split())[:300]
            raise StoreError(f"{self.location}: PostgreSQL connection failed ({reason})") from None

    @contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        """One write transaction: all of it is stored, or none of it."""
        with self._pooled() as conn, conn.transaction():
            yield PgConnection(conn)

    @contextmanager
    def connection(self) -> Iterator[PgConnection]:
        """A pooled connection for reads; within a time budget (base.time_budget) the server cancels a
        statement that runs past what is left of it."""
        check_budget()
        left = budget_left()
        with self._pooled() as conn:
            if left is None:
                yield PgConnection(conn)
                return
            # 0 would mean "no limit"; the setting lasts for the session, so it is reset before the pool has it back
            conn.execute("SELECT set_config('statement_timeout', %s, false)", (str(max(1, int(left * 1000))),))
            try:
                yield PgConnection(conn)
            finally:
                try:
                    conn.execute("RESET statement_timeout")
                except psycopg.Error:
                    pass  # the pool checks the connection's state when it gets it back

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold a PostgreSQL advisory lock named `name` for the block, on a connection of its own: processes
        running the same step (a settle step's drop and rebuild of events) take turns instead of deadlocking."""
        key = zlib.crc32(name.encode("utf-8"))
        with self._pooled() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def _write(self, work: Callable[[PgConnection], T]) -> T:
        """Concurrent writers can deadlock on shared rows (actors) or lose a serialization race: PostgreSQL
        then rolls one back, and that one runs again."""
        for attempt in range(RETRIES):
            try:
                with self.transaction() as c:
                    return work(c)
            except RETRYABLE:
                if attempt == RETRIES - 1:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")

    def _ranked(self, c: Connection, query: str, limit: int, offset: int) -> list[dict[str, Any]]:
        """Web-search syntax (`"a phrase"`, `or`, `-word`); never a syntax error. Best matches first;
        ts_headline (slow on a long text) runs later on a window only (add_snippets)."""
        rows = c.execute(
            "SELECT a.id, a.outlet, a.published, a.title FROM articles a, websearch_to_tsquery('simple', ?) AS q "
            "WHERE a.search @@ q ORDER BY ts_rank_cd(a.search, q) DESC, a.rowid LIMIT ? OFFSET ?",
            (query, limit, offset)).fetchall()
        return [dict(r) for r in rows]

    def _snippet(self, c: Connection, query: str, title: str, text: str) -> str | None:
        # ts_headline marks whichever query words the window holds, and starts the text when it holds none
        row = c.execute("SELECT ts_headline('simple', ?, websearch_to_tsquery('simple', ?), "
                        "'StartSel=[, StopSel=], MaxWords=14, MinWords=6, MaxFragments=1')", (text, query)).fetchone()
        return str(row[0] or "") if row is not None else None

    def close(self) -> None:
        self.pool.close()
