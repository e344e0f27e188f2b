"""Numbered schema migrations (`NNNN_name.sql`), applied in order and recorded in a ledger table."""

from __future__ import annotations

from importlib import resources

from newsdesk.store.base import Migration


def load_migrations(dialect: str = "sqlite") -> list[Migration]:
    """All migrations for a dialect, sorted by number. Postgres files end in `.pg.sql`."""
    out = []
    for entry in resources.files(__package__).iterdir():
        name = entry.name
        if not name.endswith(".sql") or name.endswith(".pg.sql") != (dialect == "postgres"):
            continue
        number, _, rest = name.partition("_")
        out.append(Migration(int(number), rest.split(".")[0], entry.read_text(encoding="utf-8")))
    return sorted(out, key=lambda m: m.version)
