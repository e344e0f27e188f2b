"""The listings the CLI, the API and the web share: each is a `fetch(limit, offset)` over the store whose
filters, order and paging run in SQL (`newsdesk/store/queries.py`), plus the map, the facets and an actor's
events by role. Values come already checked against the declarations (`filters.py`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from newsdesk.cluster.consolidate import ballot, decided
from newsdesk.errors import StoreError
from newsdesk.query.filters import ACTORS, ARTICLES, EVENTS, LISTINGS, Listing
from newsdesk.store import Store
from newsdesk.store import queries as sql
from newsdesk.store.snippets import MAX_SEARCH_OFFSET

Row = dict[str, Any]
Fetch = Callable[[int, int], list[Row]]  # (limit, offset) -> rows in a stable order
Values = Mapping[str, str]


class Reader(Protocol):
    """Where the reads go: the server's `StoreProvider` (a store per thread) or one open store (`single`)."""

    def reader(self) -> AbstractContextManager[Store]: ...


class _Single:
    def __init__(self, store: Store) -> None:
        self.store = store

    @contextmanager
    def reader(self) -> Iterator[Store]:
        yield self.store


def single(store: Store) -> Reader:
    """One open store as a `Reader` (the CLI's)."""
    return _Single(store)


def _on(src: Reader, work: Callable[[Any], Any]) -> Any:
    """Run `work(connection)` on a reader's store, so a backend's per-request limits apply to it."""
    with src.reader() as store, store.connection() as c:  # type: ignore[attr-defined]
        return work(c)


def _sort(listing: Listing, sort: str | None) -> str:
    if sort is None:
        return listing.sorts[0]
    if sort not in listing.sorts:
        raise StoreError(f"{listing.name} cannot be sorted by {sort!r}; choose one of: {', '.join(listing.sorts)}")
    return sort


def events(src: Reader, f: Values, sort: str | None = None) -> Fetch:
    """Clustered events with their decided `cameo`, `plover`, `source`, `target`, `date` and `place`."""
    order = _sort(EVENTS, sort)

    def fetch(limit: int, offset: int) -> list[Row]:
        rows = _on(src, lambda c: sql.events(c, f, limit, offset, order))
        with src.reader() as store:
            for r in rows:
                decided = sql.decided_fields(r)
                if decided is None:  # stored before records were kept: the store decides it from its reports
                    decided = _decided_now(store, r["id"])
                r.update(decided)
        return rows
    return fetch


def _decided_now(store: Store, event_id: str) -> dict[str, Any]:
    rec = decided([ballot(a) for a in store.event_articles(event_id)[1]])
    return {k: rec.get(k) for k in ("cameo", "plover", "source", "target", "date", "place")}


def mentions(src: Reader, f: Values) -> Fetch:
    """Coded event mentions (one per sentence), latest first."""
    return lambda limit, offset: _on(src, lambda c: sql.mentions(c, f, limit, offset))


def articles(src: Reader, f: Values, sort: str | None = None) -> Fetch:
    """Articles by outlet and publication date, newest first (or as sorted)."""
    order = _sort(ARTICLES, sort)
    return lambda limit, offset: _on(src, lambda c: sql.articles(c, f, limit, offset, order))


def search(src: Reader, f: Values) -> Fetch:
    """Articles matching the full-text query `q` (best first, with snippets), or every article (newest first),
    narrowed by outlet, publication dates and the coded mentions they report (actor, country, CAMEO prefix,
    PLOVER type). Ranked results stop at MAX_SEARCH_OFFSET; deeper offsets are refused before any read."""
    q = (f.get("q") or "").strip()
    rest = {k: v for k, v in f.items() if k != "q"}
    if not q:
        return articles(src, rest)
    return _ranked(src, q, rest)


def _ranked(src: Reader, q: str, f: Values, batch: int = 500) -> Fetch:
    """`fetch(limit, offset)` over the ranked hits passing the filters (checked in SQL a batch of hits at a
    time), snippets cut for the returned rows only. A filtered walk remembers where its last page ended, so
    reading page after page never starts over."""
    resume = {"offset": 0, "raw": 0}  # the filtered offset the last call ended at, and the ranked offset there

    def ranked(limit: int, offset: int) -> list[Row]:
        with src.reader() as store:
            return store.search(q, limit=limit, offset=offset, snippets=False)  # type: ignore[call-arg]

    def fetch(limit: int, offset: int) -> list[Row]:
        if offset > MAX_SEARCH_OFFSET:
            raise StoreError(f"search results stop at {MAX_SEARCH_OFFSET:,}: narrow the query (more words, an "
                             "outlet or dates) instead of paging deeper")
        limit = min(limit, MAX_SEARCH_OFFSET - offset)  # so a streamed listing ends there instead of failing
        if not f:
            rows = ranked(limit, offset)
        else:
            seen, raw = (resume["offset"], resume["raw"]) if offset >= resume["offset"] else (0, 0)
            rows = []
            while len(rows) < limit and raw <= MAX_SEARCH_OFFSET:
                hits = ranked(batch, raw)
                keep = _passing(src, f, [h["id"] for h in hits])
                for h in hits:
                    raw += 1
                    if h["id"] not in keep:
                        continue
                    if seen >= offset:
                        rows.append(h)
                    seen += 1
                    if len(rows) == limit:
                        break
                if len(hits) < batch:
                    break
            resume.update(offset=seen, raw=raw)
        with src.reader() as store:
            return store.add_snippets(q, rows)  # type: ignore[attr-defined]
    return fetch


def _passing(src: Reader, f: Values, ids: list[str]) -> set[str]:
    return _on(src, lambda c: sql.articles_passing(c, f, ids))


def actors(src: Reader, f: Values, sort: str | None = None) -> Fetch:
    order = _sort(ACTORS, sort)
    return lambda limit, offset: _on(src, lambda c: sql.actors(c, f, limit, offset, order))


def quotes(src: Reader, f: Values) -> Fetch:
    def fetch(limit: int, offset: int) -> list[Row]:
        with src.reader() as store:
            return store.list_quotes(speaker=f.get("speaker"), limit=limit, offset=offset)
    return fetch


def stories(src: Reader, f: Values) -> Fetch:
    def fetch(limit: int, offset: int) -> list[Row]:
        with src.reader() as store:
            return store.list_stories(limit=limit, offset=offset)
    return fetch


def places(src: Reader, f: Values, limit: int = 3000) -> Fetch:
    """Geocoded places of the matching mentions (the latest `limit`), grouped: name, lat, lon, count and up
    to ten of the events reported there, most mentioned first."""
    points: list[Row] | None = None

    def fetch(n: int, offset: int) -> list[Row]:
        nonlocal points
        if points is None:
            points = map_points(src, f, limit)
        return points[offset:offset + n]
    return fetch


def map_points(src: Reader, f: Values, limit: int = 3000) -> list[Row]:
    by_place: dict[tuple[str, float, float], Row] = {}
    for r in _on(src, lambda c: sql.places(c, f, limit)):
        key = (r["name"] or "?", round(float(r["lat"]), 2), round(float(r["lon"]), 2))
        pt = by_place.setdefault(key, {"name": key[0], "country": r["country"], "lat": key[1], "lon": key[2],
                                       "count": 0, "events": []})
        pt["count"] += 1
        eid = r["event_id"]
        if eid and eid not in pt["events"] and len(pt["events"]) < 10:
            pt["events"].append(eid)
    return sorted(by_place.values(), key=lambda x: (-x["count"], x["name"]))


def facets(src: Reader) -> dict[str, Any]:
    """Counts of coded event mentions by PLOVER type, CAMEO root and country, and the store's counts."""
    with src.reader() as store:
        counts = store.counts()
    return {"counts": counts, **_on(src, sql.facets)}


def actor_events(src: Reader, actor: Row, limit: int = 500) -> dict[str, list[Row]]:
    """An actor's latest `limit` coded event mentions split by role, oldest first (the actor timeline)."""
    rows = _on(src, lambda c: sql.actor_mentions(c, actor["id"], limit))
    roles: dict[str, list[Row]] = {"source": [], "target": []}
    for r in rows:
        for role in roles:
            if (r.get(role) or {}).get("actor_id") == actor["id"]:
                roles[role].append(r)
    for found in roles.values():
        found.sort(key=lambda r: (r.get("date") or "", r["article_id"]))
    return roles


FETCHES: dict[str, Callable[..., Fetch]] = {"events": events, "mentions": mentions, "search": search,
                                            "articles": articles, "actors": actors, "quotes": quotes,
                                            "stories": stories, "places": places}


def fetch(src: Reader, name: str, values: Values, sort: str | None = None) -> Fetch:
    """The fetch of listing `name` with already-checked filter `values` (and `_sort` where it has sorts)."""
    if LISTINGS[name].sorts:
        return FETCHES[name](src, values, sort)
    if sort is not None:
        raise StoreError(f"{name} has one order only; leave out _sort")
    return FETCHES[name](src, values)


def iter_rows(f: Fetch, batch: int = 500) -> Iterator[Row]:
    """Every row of a listing, fetched in batches."""
    offset = 0
    while True:
        rows = f(batch, offset)
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


class StoreCache:
    """Results of whole-store passes (facets, the map), kept until the store's article or source count
    changes: such a pass is too slow for every page view, and only ingest changes the answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, tuple[tuple[int, int], Any]] = {}

    def get(self, src: Reader, name: str, compute: Callable[[], Any]) -> Any:
        with src.reader() as store:
            counts = store.counts()
        key = (counts.get("articles", 0), counts.get("sources", 0))
        with self._lock:
            hit = self._values.get(name)
            if hit is not None and hit[0] == key:
                return hit[1]
        value = compute()
        with self._lock:
            self._values[name] = (key, value)
        return value
