"""Store: the one storage interface (`Store`) and the registry of backends behind it, by URL scheme
(`sqlite:`, `postgresql:`); `open_store` picks one. The built-in backends register through the same hook a
plugin's entry point (group `newsdesk.backends`) provides."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.errors import StoreError
from newsdesk.plugins import Hooks, load_target
from newsdesk.store.base import Added, Store, source_key

DEFAULT_DB = "newsdesk.db"
SQLITE_HEADER = b"SQLite format 3\x00"
ENTRY_POINT_GROUP = "newsdesk.backends"
# a URL scheme: two or more letters, so a Windows drive ("C:\\news.db") stays a path
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]+):")

__all__ = ["Added", "Backend", "Store", "backend_for", "backends", "default_db", "is_postgres_url", "open_store",
           "register_backend", "require_database", "source_key"]


@dataclass(frozen=True)
class Backend:
    scheme: str  # "sqlite", "postgresql"
    target: str | Callable[[str], Store] = field(repr=False)  # a Store class or "module:Class", called with the location
    aliases: tuple[str, ...] = ()  # other schemes it answers to ("postgres")
    keep_url: bool = True  # the store gets the whole URL; False: what follows "scheme:" (and "//"), a path
    check: Callable[[str], None] | None = None  # refuses a location that is not a database yet (create=False)

    def open(self, location: str, *, create: bool = True) -> Store:
        if not create and self.check is not None:
            self.check(location)
        return load_target(self.target)(location)


_BACKENDS: dict[str, Backend] = {}


def register_backend(scheme: str, target: str | Callable[[str], Store], *, aliases: tuple[str, ...] = (),
                     keep_url: bool = True, check: Callable[[str], None] | None = None,
                     replace: bool = False) -> Backend:
    """Open `scheme:` locations (and `alias:` ones) with `target`; a scheme already taken needs `replace=True`."""
    for name in (scheme, *aliases):
        if not _SCHEME.match(name + ":"):
            raise StoreError(f"storage backend scheme {name!r}: use lower-case letters (two or more)")
        if name in _BACKENDS and not replace:
            raise StoreError(f"storage backend {name!r} is registered already (pass replace=True to replace it)")
    backend = Backend(scheme, target, tuple(aliases), keep_url, check)
    for name in (scheme, *aliases):
        _BACKENDS[name] = backend
    return backend


def register_builtin_backends(register: Callable[..., Backend]) -> None:
    # a bare path, ':memory:' or sqlite:PATH is a SQLite file
    register("sqlite", "newsdesk.store.sqlite:SQLiteStore", keep_url=False, check=require_database)
    register("postgresql", "newsdesk.store.postgres:PostgresStore", aliases=("postgres",))


_HOOKS = Hooks(ENTRY_POINT_GROUP, register_builtin_backends, register_backend, error=StoreError,
               what="storage plugin")


def _registry() -> dict[str, Backend]:
    _HOOKS.run()
    return _BACKENDS


def backends() -> tuple[Backend, ...]:
    """Every registered backend once, built-ins first."""
    return tuple(dict.fromkeys(_registry().values()))


def _split(target: str) -> tuple[Backend, str]:
    """The backend of `target` and the location it is given."""
    m = _SCHEME.match(target)
    if m is None or target == ":memory:":
        return _registry()["sqlite"], target
    scheme = m.group(1)
    reg = _registry()
    if scheme not in reg:
        known = ", ".join(sorted(f"{s}:" for s in reg))
        raise StoreError(f"{target}: no storage backend for {scheme}: (registered: {known}); a file path needs no "
                         f"scheme")
    backend = reg[scheme]
    if backend.keep_url:
        return backend, target
    rest = target[m.end():]
    return backend, rest[2:] if rest.startswith("//") else rest


def backend_for(target: str) -> Backend:
    """The backend that opens `target` (a path or ':memory:' is SQLite's)."""
    return _split(target)[0]


def default_db() -> str:
    """`$NEWSDESK_DB`, else ./newsdesk.db."""
    return os.environ.get("NEWSDESK_DB") or DEFAULT_DB


def is_postgres_url(target: str) -> bool:
    return _SCHEME.match(target) is not None and target.split(":", 1)[0] in ("postgres", "postgresql")


def open_store(target: str | None = None, *, create: bool = True) -> Store:
    """Open (creating and migrating as needed) the database at `target`: a SQLite file path, `sqlite:PATH` or
    ':memory:', a PostgreSQL URL (`postgresql://user:password@host/dbname`), or a URL of a backend a plugin
    registered. With `create=False` a SQLite file must already be a newsdesk database (`require_database`), so
    a mistyped path is refused, not made."""
    backend, location = _split(target or default_db())
    return backend.open(location, create=create)


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
