"""The storage interface every backend implements; stages never see it, the pipeline and queries do."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from newsdesk.errors import StoreError
from newsdesk.records import AnnotatedArticle, Article, ClusteredEvent, ConsolidatedEvent, Story


class Added(StrEnum):
    NEW = "new"                  # a text not seen before
    NEW_SOURCE = "new_source"    # a known text from another source (syndicated copy): source kept
    PRESENT = "present"          # the same text from the same source: nothing to do


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def source_key(article: Article) -> str:
    """What identifies where a text came from: its external id, else its URL, else the path as given."""
    if article.external_id:
        return f"id:{article.external_id}"
    if article.url:
        return f"url:{article.url}"
    return f"path:{article.source}"


T = TypeVar("T")
NUL_STAND_IN = "\ufffd"  # what a NUL character is stored as: one character for one, so offsets stay right


def storable(value: T) -> T:
    """`value` (a record, or tuples, lists and dicts of them, nested) with every NUL character replaced by
    U+FFFD; the same object when it holds none. PostgreSQL text cannot hold NUL and SQLite can: the store
    passes every article and annotation through this, so both backends keep the same text."""
    if isinstance(value, str):
        return value.replace("\x00", NUL_STAND_IN) if "\x00" in value else value  # type: ignore[return-value]
    if isinstance(value, tuple | list):
        items = [storable(v) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else type(value)(items)
    if isinstance(value, dict):
        pairs = [(storable(k), storable(v)) for k, v in value.items()]
        same = all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(pairs, value.items(), strict=True))
        return value if same else type(value)(pairs)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: new for f in dataclasses.fields(value) if f.init
                   and (new := storable(old := getattr(value, f.name))) is not old}
        return dataclasses.replace(value, **changed) if changed else value  # type: ignore[return-value]
    return value


# `LIKE ? ESCAPE '\'`: SQLite has no default escape character, so it is named in the query (PostgreSQL's is `\`)
LIKE_ESCAPE = "ESCAPE '\\'"


def like_literal(text: str) -> str:
    """`text` for a LIKE pattern with `LIKE_ESCAPE`, matching itself only: `%` and `_` in a name or id typed
    by a user are characters, not wildcards (`/api/v1/actors/%25` must not answer an arbitrary actor)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def insert(table: str, columns: Iterable[str]) -> str:
    """`INSERT INTO table ("a", "b") VALUES (?, ?)`: the columns by name, so a table's own column order does
    not matter; quoted, as "end" is an SQL keyword."""
    names = [f'"{n}"' for n in columns]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def lookup(c: Connection, select: str, ids: list[str]) -> dict[str, Any]:
    """{first column: second column} of the rows `select` gives for `ids`, in one read: `select` holds
    `{marks}` where the ids' placeholders go ("SELECT id, n FROM t WHERE id IN ({marks})"); {} for no ids."""
    if not ids:
        return {}
    return {r[0]: r[1] for r in c.execute(select.format(marks=",".join("?" * len(ids))), list(ids))}


class QueryTimeout(StoreError):
    """A read ran past its time budget (`time_budget`) and was stopped by the database."""

    http_status = 503


class _Budget:
    __slots__ = ("seconds", "deadline")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds


# A context variable, not a thread-local: the server sets it around a request on the event loop, and the
# worker thread that runs the route's queries inherits a copy of the context.
_BUDGET: ContextVar[_Budget | None] = ContextVar("newsdesk_query_budget", default=None)


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Reads inside the block must finish within `seconds` from now (together): a backend stops a query that
    runs past it (SQLite's progress handler, PostgreSQL's statement_timeout) and `QueryTimeout` is raised.
    None: no limit. Writes are never interrupted."""
    token = _BUDGET.set(_Budget(seconds) if seconds is not None else None)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def renew_budget() -> None:
    """Give the current budget its full length again from now: a streamed listing does this for each batch it
    reads, so a long download works while no single batch can hold a thread."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.deadline = time.monotonic() + budget.seconds


def budget_left() -> float | None:
    """Seconds left of the current budget (may be negative), or None when there is none."""
    budget = _BUDGET.get()
    return None if budget is None else budget.deadline - time.monotonic()


def budget_spent() -> bool:
    """Whether the budget ran out: also SQLite's progress handler (True stops the running statement)."""
    budget = _BUDGET.get()
    return budget is not None and time.monotonic() > budget.deadline


def query_timeout() -> QueryTimeout:
    budget = _BUDGET.get()
    seconds = f"{budget.seconds:g} s " if budget is not None else ""
    return QueryTimeout(f"the query ran past its {seconds}time budget and was stopped; narrow it (more words, "
                        "a date range, a smaller page) and try again")


def check_budget() -> None:
    """Refuse to start a read once the budget is spent."""
    if budget_spent():
        raise query_timeout()


class Row(Protocol):
    """A result row, read by position or by column name (`sqlite3.Row` and the PostgreSQL backend's rows)."""

    def __getitem__(self, key: int | str) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the shared queries need of a connection: `?` placeholders, rows by name or position."""

    # positional-only, as sqlite3's own signatures are, so `sqlite3.Connection` is one structurally
    def execute(self, sql: str, args: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], /) -> Any: ...


class Store(Protocol):
    """A newsdesk database. Each `add_article` is one transaction: an article is stored whole or not at all."""

    location: str  # the file, or the URL without its password
    dialect: str  # "sqlite" or "postgres"

    def has_article(self, article_id: str) -> bool: ...

    def add_article(self, article: Article, annotation: AnnotatedArticle | None = None,
                    annotator_version: str | None = None) -> Added: ...

    def save_annotation(self, annotation: AnnotatedArticle, annotator_version: str) -> None: ...

    def iter_articles_for_annotation(self, *, only_missing: bool, version: str) -> Iterator[dict[str, Any]]: ...

    def list_actors(self, *, country: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]: ...

    def get_actor(self, name: str) -> dict[str, Any]: ...

    def list_events(self, **filters: Any) -> list[dict[str, Any]]: ...

    def list_quotes(self, *, speaker: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]: ...

    def get_article(self, article_id: str) -> dict[str, Any]: ...

    def list_articles(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]: ...

    def search(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]: ...

    def iter_export(self) -> Iterator[dict[str, Any]]: ...

    def counts(self) -> dict[str, int]: ...

    def event_of(self, article_id: str) -> str | None: ...

    def cluster_candidates(self, terms: list[str], day: str | None, window_days: int) -> list[dict[str, Any]]: ...

    def story_candidates(self, actor_ids: list[str]) -> list[dict[str, Any]]: ...

    def save_cluster(self, event: dict[str, Any], article_id: str, score: float | None, index_terms: list[str],
                     story: tuple[str, str] | None = None) -> None: ...

    def clustered_events(self, **filters: Any) -> list[ClusteredEvent]: ...

    def list_clustered_events(self, **filters: Any) -> list[dict[str, Any]]: ...

    def consolidated_event(self, event_id: str, *, mentioned_in: bool = True) -> ConsolidatedEvent: ...

    def event_redirect(self, event_id: str) -> dict[str, Any] | None: ...

    def event_with_reports(self, event_id: str, *, mentioned_in: bool = True
                           ) -> tuple[ConsolidatedEvent, list[dict[str, Any]]]: ...

    def event_articles(self, event_id: str) -> tuple[str, list[dict[str, Any]]]: ...

    def list_stories(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]: ...

    def story(self, story_id: str) -> Story: ...

    def get_story(self, story_id: str) -> dict[str, Any]: ...

    def drop_events(self, event_ids: list[str]) -> list[str]: ...

    def event_sizes(self, event_ids: list[str]) -> dict[str, int]: ...

    def events_between(self, lo: str, hi: str) -> list[dict[str, Any]]: ...

    def save_mention_links(self, links: dict[str, list[tuple[int, str, float]]]) -> None: ...

    def articles_mentioning_between(self, lo: str, hi: str) -> list[str]: ...

    def event_mentioned_in(self, event_id: str) -> list[dict[str, Any]]: ...

    def reset_clusters(self) -> None: ...

    def exclusive(self, name: str) -> AbstractContextManager[None]: ...

    def article_ids_in_time_order(self) -> list[str]: ...

    def unclustered_article_ids(self) -> list[str]: ...

    def start_run(self, manifest: dict[str, Any]) -> int: ...

    def finish_run(self, run_id: int, manifest: dict[str, Any]) -> None: ...

    def schema_version(self) -> int: ...

    def close(self) -> None: ...
