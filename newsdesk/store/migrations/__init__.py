"""Numbered schema migrations (`NNNN_name.sql`), applied in order and recorded in a ledger table
(`schema_migrations`). SQLite's live here, PostgreSQL's in `postgres/` under the same numbers and names."""

from __future__ import annotations

from importlib import resources

from newsdesk.errors import StoreError
from newsdesk.store.base import Migration

DIALECTS = {"sqlite": (), "postgres": ("postgres",)}


def load_migrations(dialect: str = "sqlite") -> list[Migration]:
    """All migrations for a dialect ("sqlite" or "postgres"), sorted by number."""
    folder = resources.files(__package__).joinpath(*DIALECTS[dialect])
    out = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            out.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    return sorted(out, key=lambda m: m.version)


def pending_migrations(dialect: str, done: set[int], location: str) -> list[Migration]:
    """The migrations not yet in the ledger, in order; refuses a database newer than this newsdesk."""
    migrations = load_migrations(dialect)
    known = max((m.version for m in migrations), default=0)
    if done and max(done) > known:
        raise StoreError(f"{location}: schema version {max(done)} is newer than this newsdesk knows "
                         f"({known}); upgrade newsdesk")
    return [m for m in migrations if m.version not in done]
