"""SQLite backend: the default, embedded store. One connection; all writes go through the shared SQL
(`store/sql.py`) one transaction each; full-text search with FTS5."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsdesk.errors import StoreError
from newsdesk.store.base import Connection, budget_spent, check_budget, query_timeout
from newsdesk.store.migrations import pending_migrations
from newsdesk.store.snippets import or_query, words_query
from newsdesk.store.sql import LEDGER, SQLStore, now

# SQLite calls the progress handler every this many virtual-machine steps (well under a millisecond): often
# enough to stop a runaway query at once, rarely enough to cost nothing measurable.
PROGRESS_STEPS = 10_000


class SQLiteStore(SQLStore):
    """A newsdesk database in one SQLite file (or ':memory:')."""

    dialect = "sqlite"

    def __init__(self, path: str | Path) -> None:
        self.location = str(path)
        if self.location != ":memory:":
            parent = Path(self.location).parent
            if not parent.exists():
                raise StoreError(f"{self.location}: directory {parent} does not exist")
        try:
            # autocommit mode: transactions are explicit, so a migration or an article is all or nothing
            self.conn = sqlite3.connect(self.location, timeout=30, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            # a read past the caller's time budget (base.time_budget) is interrupted; none set: never
            self.conn.set_progress_handler(budget_spent, PROGRESS_STEPS)
            if self.location != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.location}: not a usable newsdesk database ({e})") from None

    def _migrate(self) -> None:
        self.conn.execute(LEDGER)
        done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        for m in pending_migrations("sqlite", done, self.location):
            with self.transaction() as c:
                for statement in _statements(m.sql):
                    c.execute(statement)
                c.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (m.version, m.name, now()))

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: all of it is stored, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        check_budget()
        try:
            yield self.conn
        except sqlite3.OperationalError:
            if budget_spent():  # "interrupted" by the progress handler
                raise query_timeout() from None
            raise

    def _ranked(self, c: Connection, query: str, limit: int, offset: int) -> list[dict[str, Any]]:
        """FTS5 syntax (`"a phrase"`, `OR`, `NOT`, `word*`, `title:word`); a query that is not valid FTS5 is
        searched as its plain words (`words_query`), so any text is a query, as on PostgreSQL."""
        # bm25 is linear in the matches; snippet() is not, so it never runs on a stored text (add_snippets)
        sql = ("SELECT a.id, a.outlet, a.published, a.title "
               "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
               "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts), a.rowid LIMIT ? OFFSET ?")
        try:
            rows = c.execute(sql, (query, limit, offset)).fetchall()
        except sqlite3.OperationalError:
            if budget_spent():
                raise query_timeout() from None
            words = words_query(query)
            rows = c.execute(sql, (words, limit, offset)).fetchall() if words else []
        return [dict(r) for r in rows]

    def _snippet(self, c: Connection, query: str, title: str, text: str) -> str | None:
        """FTS5's own snippet(), over a one-row temporary index of the window (same columns, so column
        filters and phrases mean what they meant in the ranking)."""
        c.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.snippet_window USING fts5(title, text)")
        c.execute("DELETE FROM temp.snippet_window")
        c.execute("INSERT INTO temp.snippet_window (rowid, title, text) VALUES (1, ?, ?)", (title, text))
        for q in (query, or_query(query)):
            if q is None:
                continue
            try:
                row = c.execute("SELECT snippet(snippet_window, 1, '[', ']', ' … ', 12) FROM temp.snippet_window "
                                "WHERE snippet_window MATCH ?", (q,)).fetchone()
            except sqlite3.OperationalError:
                if budget_spent():
                    raise query_timeout() from None
                continue
            if row is not None:
                return str(row[0] or "")
        return None

    def close(self) -> None:
        # a query another thread still runs (a server stopping) ends now rather than holding close() up; the
        # next statement clears the interrupt, which would otherwise stop close()'s WAL checkpoint too
        self.conn.interrupt()
        try:
            self.conn.execute("SELECT 1")
        except sqlite3.Error:
            pass
        self.conn.close()


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (trigger bodies contain semicolons, so keep BEGIN…END together)."""
    out, buf = [], []
    for line in sql.splitlines():
        line = line.split("--", 1)[0].rstrip()  # our migrations hold no "--" inside string literals
        if not line.strip():
            continue
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf))
    return out
