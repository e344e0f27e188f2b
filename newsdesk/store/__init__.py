"""Store: the one storage interface (`Store`) and the backends behind it; `open_store` picks one."""

from __future__ import annotations

import os

from newsdesk.store.base import Added, Store, source_key

DEFAULT_DB = "newsdesk.db"

__all__ = ["Added", "Store", "open_store", "default_db", "source_key"]


def default_db() -> str:
    """`$NEWSDESK_DB`, else ./newsdesk.db."""
    return os.environ.get("NEWSDESK_DB") or DEFAULT_DB


def open_store(target: str | None = None) -> Store:
    """Open (creating and migrating as needed) the database at `target`: a file path or ':memory:'."""
    target = target or default_db()
    if target.startswith(("postgres://", "postgresql://")):
        from newsdesk.errors import StoreError

        raise StoreError(f"{target.split('@')[-1]}: the PostgreSQL backend is not available in this version")
    from newsdesk.store.sqlite import SQLiteStore

    return SQLiteStore(target)
