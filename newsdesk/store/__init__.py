"""Store: the one storage interface (`Store`) and the backends behind it; `open_store` picks one."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from newsdesk.errors import StoreError
from newsdesk.store.base import Added, Store, source_key

DEFAULT_DB = "newsdesk.db"
SQLITE_HEADER = b"SQLite format 3\x00"

__all__ = ["Added", "Store", "open_store", "default_db", "is_postgres_url", "require_database", "source_key"]


def default_db() -> str:
    """`$NEWSDESK_DB`, else ./newsdesk.db."""
    return os.environ.get("NEWSDESK_DB") or DEFAULT_DB


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgres://", "postgresql://"))


def open_store(target: str | None = None, *, create: bool = True) -> Store:
    """Open (creating and migrating as needed) the database at `target`: a SQLite file path or ':memory:', or
    a PostgreSQL URL (`postgresql://user:password@host/dbname`). With `create=False` a SQLite file must
    already be a newsdesk database (`require_database`), so a mistyped path is refused, not made."""
    target = target or default_db()
    if is_postgres_url(target):
        from newsdesk.store.postgres import PostgresStore

        return PostgresStore(target)
    from newsdesk.store.sqlite import SQLiteStore

    if not create:
        require_database(target)
    return SQLiteStore(target)


def require_database(target: str) -> None:
    """Raise `StoreError` (one line naming the file) unless `target` is an existing newsdesk SQLite database;
    reads only, so a file that is refused is left exactly as it was. PostgreSQL URLs and ':memory:' pass."""
    if target == ":memory:" or is_postgres_url(target):
        return
    path = Path(target)
    if not path.exists():
        raise StoreError(f"{target}: no such database; create one with `newsdesk ingest FILES --db {target}` "
                         "(or `newsdesk demo`), or give --db / $NEWSDESK_DB")
    if path.is_dir():
        raise StoreError(f"{target}: is a directory, not a newsdesk database")
    try:
        with open(path, "rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as e:
        raise StoreError(f"{target}: cannot be read ({e.strerror})") from None
    if not header:
        raise StoreError(f"{target}: is an empty file, not a newsdesk database")
    if header != SQLITE_HEADER:
        raise StoreError(f"{target}: not a newsdesk database (not a SQLite file)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                                 ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise StoreError(f"{target}: not a usable newsdesk database ({e})") from None
    if not found:
        raise StoreError(f"{target}: a SQLite database without newsdesk's tables, not a newsdesk database")
