"""Queries the API and the web UI share, composed from the store's own query methods (search with event
filters, counts by type and country, map points, an actor's events by role). Nothing here writes SQL: when
the store gains these as methods, these become one-liners."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newsdesk.api.envelope import Fetch, Predicate, Row, iter_rows
from newsdesk.api.stores import StoreProvider
from newsdesk.errors import StoreError
from newsdesk.store.snippets import MAX_SEARCH_OFFSET

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")


@dataclass(frozen=True)
class EventFilters:
    actor: str | None = None
    country: str | None = None
    cameo: str | None = None
    plover: str | None = None
    since: str | None = None
    until: str | None = None

    def store_args(self) -> dict[str, Any]:
        return {"actor": self.actor, "country": self.country, "cameo": self.cameo, "since": self.since,
                "until": self.until}

    @property
    def any_event_filter(self) -> bool:
        return any((self.actor, self.country, self.cameo, self.plover))


def mentions_fetch(p: StoreProvider, f: EventFilters) -> tuple[Fetch, Predicate | None]:
    """Coded event mentions (one per sentence), with PLOVER filtered here (the store filters the rest)."""
    def fetch(limit: int, offset: int) -> list[Row]:
        return p.read("list_events", **f.store_args(), limit=limit, offset=offset)
    plover = (f.plover or "").upper()
    return fetch, ((lambda r: (r.get("plover") or "").upper() == plover) if plover else None)


def events_fetch(p: StoreProvider, f: EventFilters, story: str | None = None) -> tuple[Fetch, Predicate | None]:
    """Clustered events; a PLOVER filter keeps events with at least one mention of that type."""
    def fetch(limit: int, offset: int) -> list[Row]:
        return p.read("list_clustered_events", **f.store_args(), story=story, limit=limit, offset=offset)
    if not f.plover:
        return fetch, None
    ids = _plover_event_ids(p, f)
    return fetch, (lambda r: r["id"] in ids)


def _plover_event_ids(p: StoreProvider, f: EventFilters) -> set[str]:
    fetch, pred = mentions_fetch(p, f)
    articles = {r["article_id"] for r in iter_rows(fetch, pred)}
    with p.reader() as store:
        return {e for e in (store.event_of(a) for a in articles) if e}


def search_fetch(p: StoreProvider, q: str | None, f: EventFilters,
                 outlet: str | None = None) -> tuple[Fetch, Predicate | None]:
    """Articles matching a full-text query (best first) or all articles (newest first), narrowed by outlet,
    publication date range, and the coded events they report (actor, country, CAMEO prefix, PLOVER type).

    With a query the filters are applied inside the fetch (the predicate returned is None), so that snippets
    are cut for the rows of the page only, never for the rows skipped or filtered out. Ranked results stop at
    MAX_SEARCH_OFFSET (for a filtered query: that many ranked hits are read at most); deeper offsets are
    refused before anything is read."""
    checks: list[Callable[[Row], bool]] = []
    if outlet:
        want = outlet.casefold()
        checks.append(lambda r: (r.get("outlet") or "").casefold() == want)
    if f.since:
        checks.append(lambda r: (r.get("published") or "")[:len(f.since or "")] >= (f.since or ""))
    if f.until:
        checks.append(lambda r: bool(r.get("published")) and (r["published"] or "")[:len(f.until or "")] <= (f.until or ""))
    if f.any_event_filter:
        mfetch, mpred = mentions_fetch(p, EventFilters(f.actor, f.country, f.cameo, f.plover))
        ids = {r["article_id"] for r in iter_rows(mfetch, mpred)}
        checks.append(lambda r: r["id"] in ids)
    pred: Predicate | None = (lambda r: all(c(r) for c in checks)) if checks else None
    if q:
        return _ranked_fetch(p, q, pred), None

    def fetch(limit: int, offset: int) -> list[Row]:
        return p.read("list_articles", limit=limit, offset=offset)
    return fetch, pred


def _ranked_fetch(p: StoreProvider, q: str, pred: Predicate | None, batch: int = 500) -> Fetch:
    """`fetch(limit, offset)` over the ranked hits that pass `pred`, snippets for the returned rows only. A
    filtered walk remembers where its last page ended, so reading page after page never starts over."""
    resume = {"offset": 0, "raw": 0}  # the filtered offset the last call ended at, and the ranked offset there

    def fetch(limit: int, offset: int) -> list[Row]:
        if offset > MAX_SEARCH_OFFSET:
            raise StoreError(f"search results stop at {MAX_SEARCH_OFFSET:,}: narrow the query (more words, an "
                             "outlet or dates) instead of paging deeper")
        limit = min(limit, MAX_SEARCH_OFFSET - offset)  # so a streamed listing ends there instead of failing
        if pred is None:
            rows = p.read("search", q, limit=limit, offset=offset, snippets=False)
        else:
            seen, raw = (resume["offset"], resume["raw"]) if offset >= resume["offset"] else (0, 0)
            rows = []
            while len(rows) < limit and raw <= MAX_SEARCH_OFFSET:
                hits = p.read("search", q, limit=batch, offset=raw, snippets=False)
                for h in hits:
                    raw += 1
                    if not pred(h):
                        continue
                    if seen >= offset:
                        rows.append(h)
                    seen += 1
                    if len(rows) == limit:
                        break
                if len(hits) < batch:
                    break
            resume.update(offset=seen, raw=raw)
        return p.read("add_snippets", q, rows)
    return fetch


class StoreCache:
    """Results of whole-store passes (facets, the map), kept until the store's article or source count
    changes: such a pass is too slow for every page view, and only ingest changes the answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, tuple[tuple[int, int], Any]] = {}

    def get(self, p: StoreProvider, name: str, compute: Callable[[], Any]) -> Any:
        counts = p.read("counts")
        key = (counts.get("articles", 0), counts.get("sources", 0))
        with self._lock:
            hit = self._values.get(name)
            if hit is not None and hit[0] == key:
                return hit[1]
        value = compute()
        with self._lock:
            self._values[name] = (key, value)
        return value


def facets(p: StoreProvider) -> dict[str, Any]:
    """Counts of coded event mentions by PLOVER type, CAMEO root and country, and the store's counts."""
    counts = p.read("counts")
    plover: Counter[str] = Counter()
    root: Counter[str] = Counter()
    country: Counter[str] = Counter()
    n = 0
    fetch, _ = mentions_fetch(p, EventFilters())
    for r in iter_rows(fetch, batch=2000):
        n += 1
        plover[r.get("plover") or "?"] += 1
        root[(r.get("cameo") or "??")[:2]] += 1
        for side in ("source", "target"):
            c = (r.get(side) or {}).get("country")
            if c:
                country[c] += 1
    return {"counts": counts, "mentions": n, "plover": plover.most_common(), "cameo_root": sorted(root.items()),
            "country": country.most_common(20)}


def map_points(p: StoreProvider, f: EventFilters, limit: int = 3000) -> list[dict[str, Any]]:
    """Geocoded event places, grouped by place: name, lat, lon, count and the events reported there."""
    fetch, pred = mentions_fetch(p, f)
    by_place: dict[tuple[str, float, float], dict[str, Any]] = {}
    event_of: dict[str, str | None] = {}
    with p.reader() as store:
        for i, r in enumerate(iter_rows(fetch, pred)):
            if i >= limit:
                break
            place = r.get("place") or {}
            if place.get("lat") is None or place.get("lon") is None:
                continue
            key = (place.get("name") or "?", round(float(place["lat"]), 2), round(float(place["lon"]), 2))
            pt = by_place.setdefault(key, {"name": key[0], "country": place.get("country"), "lat": key[1],
                                           "lon": key[2], "count": 0, "events": []})
            pt["count"] += 1
            aid = r["article_id"]
            if aid not in event_of:
                event_of[aid] = store.event_of(aid)
            eid = event_of[aid]
            if eid and eid not in pt["events"] and len(pt["events"]) < 10:
                pt["events"].append(eid)
    return sorted(by_place.values(), key=lambda x: (-x["count"], x["name"]))


def actor_events(p: StoreProvider, actor: dict[str, Any], limit: int = 500) -> dict[str, list[Row]]:
    """An actor's coded event mentions split by role, oldest first (for the actor timeline)."""
    fetch, _ = mentions_fetch(p, EventFilters(actor=actor["id"]))
    roles: dict[str, list[Row]] = {"source": [], "target": []}
    for i, r in enumerate(iter_rows(fetch)):
        if i >= limit:
            break
        if (r.get("source") or {}).get("actor_id") == actor["id"]:
            roles["source"].append(r)
        if (r.get("target") or {}).get("actor_id") == actor["id"]:
            roles["target"].append(r)
    for rows in roles.values():
        rows.sort(key=lambda r: (r.get("date") or "", r["article_id"]))
    return roles
