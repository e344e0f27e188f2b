"""The SQL of the listings (both backends): the declared filters (`newsdesk/query/filters.py`) as WHERE
clauses, `_sort` keys as ORDER BY, paging as LIMIT/OFFSET, and the facet counts as GROUP BY."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from newsdesk.store.base import Connection, lookup
from newsdesk.store.clusters import event_page
from newsdesk.store.event_mentions import date_filters, mention_filters, with_article

Values = Mapping[str, str]


def _mention_where(alias: str, f: Values, *, dates: bool = True) -> tuple[list[str], list[Any]]:
    """Conditions on event mentions (table `alias`) for actor, country, CAMEO prefix, PLOVER type and dates."""
    where, args = mention_filters(alias, f.get("actor"), f.get("country"), f.get("cameo"))
    if f.get("plover"):
        where.append(f"upper(coalesce({alias}.plover, '')) = ?")
        args.append(f["plover"].upper())
    if dates:
        date_filters(where, args, f"{alias}.date", f"{alias}.date", f.get("since"), f.get("until"))
    return where, args


def _clause(where: list[str]) -> str:
    return f"WHERE {' AND '.join(where)} " if where else ""


# --- coded event mentions ---------------------------------------------------------------------------------
def mentions(c: Connection, f: Values, limit: int, offset: int) -> list[dict[str, Any]]:
    """Coded event mentions, latest first (the order of `Store.list_events`)."""
    return with_article(c, *_mention_where("e", f), limit, offset)


# --- clustered events -------------------------------------------------------------------------------------
EVENT_ORDER = {
    "-date": "coalesce(e.date_max, '') DESC, e.seq DESC",
    "date": "(e.date_min IS NULL), e.date_min, e.seq DESC",
    "n_articles": "e.n_articles, e.seq DESC",
    "-n_articles": "e.n_articles DESC, e.seq DESC",
    "n_sources": "n_sources, e.seq DESC",
    "-n_sources": "n_sources DESC, e.seq DESC",
}


def events(c: Connection, f: Values, limit: int, offset: int, sort: str = "-date") -> list[dict[str, Any]]:
    """Clustered events with reports, outlets, dates, title and decided record (`record`, JSON or NULL).

    CAMEO and PLOVER match the event's decided code, the one `newsdesk event` shows, not any report's
    mention; an event whose record is not decided yet (stored before records were kept) is matched by its
    reports' mentions meanwhile. Actor and country match any coded mention of its reports."""
    where, args = [], []
    sub, sargs = mention_filters("m", f.get("actor"), f.get("country"), None)
    if sub:
        where.append("e.id IN (SELECT ea.event_id FROM event_articles ea JOIN event_mentions m ON "
                     f"m.article_id = ea.article_id WHERE {' AND '.join(sub)})")
        args += sargs
    for key, column in (("cameo", "cameo"), ("plover", "plover")):
        if not f.get(key):
            continue
        own, value = (f"e.{column} LIKE ?", f[key] + "%") if key == "cameo" else (f"e.{column} = ?", f[key])
        old, oargs = _mention_where("m", {key: f[key]}, dates=False)
        where.append(f"({own} OR (e.record IS NULL AND e.id IN (SELECT ea.event_id FROM event_articles ea JOIN "
                     f"event_mentions m ON m.article_id = ea.article_id WHERE {' AND '.join(old)})))")
        args += [value, *oargs]
    date_filters(where, args, "coalesce(e.date_max, '')", "coalesce(e.date_min, '9999')", f.get("since"),
                 f.get("until"))
    if f.get("story"):
        where.append("e.story_id = ?")
        args.append(f["story"])
    rows = c.execute(event_page(where, EVENT_ORDER[sort]), (*args, limit, offset)).fetchall()
    return [dict(r) for r in rows]


def event_ids_of(c: Connection, article_ids: list[str]) -> dict[str, str]:
    """Article id -> the event it reports, for these articles, in one read."""
    return lookup(c, "SELECT article_id, event_id FROM event_articles WHERE article_id IN ({marks})", article_ids)


# --- articles ---------------------------------------------------------------------------------------------
def _article_where(f: Values) -> tuple[list[str], list[Any]]:
    """Outlet (any case), publication dates, and the coded mentions an article reports."""
    where: list[str] = []
    args: list[Any] = []
    if f.get("outlet"):
        where.append("lower(a.outlet) = lower(?)")
        args.append(f["outlet"])
    date_filters(where, args, "a.published", "a.published", f.get("since"), f.get("until"))
    sub, sargs = _mention_where("m", {k: v for k, v in f.items() if k not in ("since", "until")}, dates=False)
    if sub:
        where.append(f"EXISTS (SELECT 1 FROM event_mentions m WHERE m.article_id = a.id AND {' AND '.join(sub)})")
        args += sargs
    return where, args


ARTICLE_ORDER = {
    "-published": "coalesce(a.published, '') DESC, a.rowid",
    "published": "(a.published IS NULL), a.published, a.rowid",
    "title": "(a.title IS NULL), a.title, a.rowid",
}


def articles(c: Connection, f: Values, limit: int, offset: int, sort: str = "-published") -> list[dict[str, Any]]:
    """Articles passing the filters; sources are counted for the page only."""
    where, args = _article_where(f)
    order = ARTICLE_ORDER[sort].replace("a.", "p.")
    return [dict(r) for r in c.execute(
        "SELECT p.id, p.outlet, p.published, p.title, p.language, "
        "(SELECT count(*) FROM sources s WHERE s.article_id = p.id) AS n_sources FROM ("
        "SELECT a.rowid, a.id, a.outlet, a.published, a.title, a.language FROM articles a "
        f"{_clause(where)}ORDER BY {ARTICLE_ORDER[sort]} LIMIT ? OFFSET ?) p ORDER BY {order}",
        (*args, limit, offset)).fetchall()]


def articles_passing(c: Connection, f: Values, article_ids: list[str]) -> set[str]:
    """Which of these articles pass the filters (a page of ranked search hits is checked in one read)."""
    where, args = _article_where(f)
    if not article_ids or not where:
        return set(article_ids)
    marks = ",".join("?" * len(article_ids))
    return {r[0] for r in c.execute(f"SELECT a.id FROM articles a WHERE a.id IN ({marks}) AND {' AND '.join(where)}",
                                    (*article_ids, *args))}


# --- actors and quotes ----------------------------------------------------------------------------------
ACTOR_ORDER = {"-articles": "articles DESC, a.name", "name": "a.name, a.id", "-quotes": "quotes DESC, a.name"}


def actors(c: Connection, f: Values, limit: int, offset: int, sort: str = "-articles") -> list[dict[str, Any]]:
    """Actors seen in articles (in that country, when filtered), most reported first."""
    where, args = [], []
    if f.get("country"):
        where.append("aa.country = ?")
        args.append(f["country"].upper())
    return [dict(r) for r in c.execute(
        "SELECT a.id, a.name, a.kind, a.kb_id, "
        "(SELECT aa2.country FROM article_actors aa2 WHERE aa2.actor_id = a.id AND aa2.country IS NOT NULL "
        " GROUP BY aa2.country ORDER BY count(*) DESC, aa2.country LIMIT 1) AS country, "
        "count(DISTINCT aa.article_id) AS articles, "
        "(SELECT count(*) FROM quotes q WHERE q.speaker_id = a.id) AS quotes "
        f"FROM actors a JOIN article_actors aa ON aa.actor_id = a.id {_clause(where)}"
        f"GROUP BY a.id, a.name, a.kind, a.kb_id ORDER BY {ACTOR_ORDER[sort]} LIMIT ? OFFSET ?",
        (*args, limit, offset)).fetchall()]


# --- aggregates -----------------------------------------------------------------------------------------
def facets(c: Connection) -> dict[str, Any]:
    """Coded event mentions counted by PLOVER type, CAMEO root and (source or target) country."""
    n = int(c.execute("SELECT count(*) FROM event_mentions").fetchone()[0])
    # no '?' literal in the SQL: the PostgreSQL backend reads every ? as a placeholder
    plover = sorted(((r[0] or "?", int(r[1])) for r in c.execute(
        "SELECT plover, count(*) FROM event_mentions GROUP BY plover")), key=lambda x: (-x[1], x[0]))
    root = [(r[0], int(r[1])) for r in c.execute(
        "SELECT substr(cameo, 1, 2) AS r, count(*) FROM event_mentions GROUP BY substr(cameo, 1, 2) ORDER BY r")]
    country = [(r[0], int(r[1])) for r in c.execute(
        "SELECT k, count(*) AS n FROM (SELECT source_country AS k FROM event_mentions WHERE source_country IS NOT "
        "NULL AND source_country != '' UNION ALL SELECT target_country FROM event_mentions WHERE target_country IS "
        "NOT NULL AND target_country != '') x GROUP BY k ORDER BY n DESC, k LIMIT 20")]
    return {"mentions": n, "plover": plover, "cameo_root": root, "country": country}


def places(c: Connection, f: Values, limit: int) -> list[dict[str, Any]]:
    """Geocoded places of the latest `limit` matching mentions, each with the event its report belongs to."""
    where, args = _mention_where("e", f)
    where += ["e.place_lat IS NOT NULL", "e.place_lon IS NOT NULL"]
    return [dict(r) for r in c.execute(
        "SELECT e.place AS name, e.place_country AS country, e.place_lat AS lat, e.place_lon AS lon, "
        "ea.event_id FROM event_mentions e LEFT JOIN event_articles ea ON ea.article_id = e.article_id "
        f"{_clause(where)}ORDER BY coalesce(e.date, '') DESC, e.article_id, e.position LIMIT ?",
        (*args, limit))]


def actor_mentions(c: Connection, actor_id: str, limit: int) -> list[dict[str, Any]]:
    """The latest `limit` coded mentions with this actor as source or target."""
    return with_article(c, ["(e.source_actor_id = ? OR e.target_actor_id = ?)"], [actor_id, actor_id], limit)


def decided_fields(row: dict[str, Any]) -> dict[str, Any] | None:
    """The decided fields of an event row's stored record, or None when it has none yet."""
    rec = json.loads(row.pop("record")) if row.get("record") else None
    return None if rec is None else {k: rec.get(k) for k in ("cameo", "plover", "source", "target", "date", "place")}
