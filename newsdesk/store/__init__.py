"""Store: the one storage interface (`Store`) and the backends behind it; `open_store` picks one."""

from __future__ import annotations

import os

from newsdesk.store.base import Added, Store, source_key

DEFAULT_DB = "newsdesk.db"

__all__ = ["Added", "Store", "open_store", "default_db", "is_postgres_url", "source_key"]


def default_db() -> str:
    """`$NEWSDESK_DB`, else ./newsdesk.db."""
    return os.environ.get("NEWSDESK_DB") or DEFAULT_DB


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgres://", "postgresql://"))


def open_store(target: str | None = None) -> Store:
    """Open (creating and migrating as needed) the database at `target`: a SQLite file path or ':memory:', or
    a PostgreSQL URL (`postgresql://user:password@host/dbname`)."""
    target = target or default_db()
    if is_postgres_url(target):
        from newsdesk.store.postgres import PostgresStore

        return PostgresStore(target)
    from newsdesk.store.sqlite import SQLiteStore

    return SQLiteStore(target)
