"""Reads and writes of coded event mentions, and the `events` query with its filters (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from newsdesk.exporters.schema import EVENT_MENTION, SIDE_KEYS, event_mention_row
from newsdesk.records import EventMention
from newsdesk.store.base import LIKE_ESCAPE, Connection, Row, insert, like_literal

_SIDES = SIDE_KEYS
_INSERT = insert("event_mentions", ["article_id", "position", *(n for n, _ in EVENT_MENTION)])


def write(c: Connection, article_id: str, events: tuple[EventMention, ...], *, replace: bool = True) -> None:
    if replace:
        c.execute("DELETE FROM event_mentions WHERE article_id = ?", (article_id,))
    rows = [(article_id, i, *{**event_mention_row(e), "date_inferred": int(e.date_inferred)}.values())
            for i, e in enumerate(events)]
    if rows:
        c.executemany(_INSERT, rows)


def _side(r: Row, side: str) -> dict[str, Any] | None:
    d = {k: r[f"{side}_{k}"] for k in _SIDES}
    return None if not any(d.values()) else d


def as_export(r: Row) -> dict[str, Any]:
    """One event mention in the export shape (see the README)."""
    place = None
    if r["place"]:
        place = {"name": r["place"], "country": r["place_country"], "lat": r["place_lat"], "lon": r["place_lon"]}
    return {"cameo": r["cameo"], "plover": r["plover"], "plover_mode": r["plover_mode"],
            "quad_class": r["quad_class"], "goldstein": r["goldstein"], "trigger": r["trigger"],
            "source": _side(r, "source"), "target": _side(r, "target"), "date": r["date"],
            "date_inferred": bool(r["date_inferred"]), "place": place, "sentence": r["sentence"],
            "start": r["start"], "end": r["end"], "confidence": r["confidence"]}


def read(c: Connection, article_id: str) -> list[dict[str, Any]]:
    return [as_export(r) for r in c.execute(
        "SELECT * FROM event_mentions WHERE article_id = ? ORDER BY position", (article_id,))]


def date_filters(where: list[str], args: list[Any], last: str, first: str, since: str | None,
                 until: str | None) -> None:
    """Add conditions keeping rows whose dates (`last`/`first` SQL expressions) touch [since, until];
    `until` is a date or a prefix of one, so it takes every time of that day."""
    if since:
        where.append(f"{last} >= ?")
        args.append(since)
    if until:
        where.append(f"{first} <= ?")
        args.append(until + "\uffff")


def mention_filters(alias: str, actor: str | None, country: str | None,
                    cameo: str | None) -> tuple[list[str], list[Any]]:
    """SQL conditions on event mentions (table alias `alias`) for the actor/country/CAMEO filters."""
    where: list[str] = []
    args: list[Any] = []
    if actor:
        like = f"%{like_literal(actor.lower())}%"
        where.append(f"(lower(coalesce({alias}.source_name, {alias}.source_text, '')) LIKE ? {LIKE_ESCAPE} OR "
                     f"lower(coalesce({alias}.target_name, {alias}.target_text, '')) LIKE ? {LIKE_ESCAPE} OR "
                     f"{alias}.source_actor_id = ? OR {alias}.target_actor_id = ?)")
        args += [like, like, actor, actor]
    if country:
        where.append(f"({alias}.source_country = ? OR {alias}.target_country = ?)")
        args += [country.upper(), country.upper()]
    if cameo:
        where.append(f"{alias}.cameo LIKE ?")
        args.append(cameo + "%")
    return where, args


def list_events(c: Connection, *, actor: str | None = None, country: str | None = None,
                cameo: str | None = None, since: str | None = None, until: str | None = None,
                limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    where, args = mention_filters("e", actor, country, cameo)
    date_filters(where, args, "e.date", "e.date", since, until)
    return with_article(c, where, args, limit, offset)


def with_article(c: Connection, where: list[str], args: list[Any], limit: int, offset: int = 0
                 ) -> list[dict[str, Any]]:
    """The coded event mentions (table alias `e`) passing `where`, latest first, each in its export shape
    with its article's id, outlet, title and URL: every listing of mentions (CLI, API, web, an actor's page)."""
    out = []
    for r in c.execute("SELECT e.*, a.outlet, a.title, a.url FROM event_mentions e JOIN articles a ON "
                       "a.id = e.article_id " + (f"WHERE {' AND '.join(where)} " if where else "")
                       + "ORDER BY coalesce(e.date, '') DESC, e.article_id, e.position LIMIT ? OFFSET ?",
                       (*args, limit, offset)):
        d = as_export(r)
        d.update({"article_id": r["article_id"], "outlet": r["outlet"], "title": r["title"], "url": r["url"]})
        out.append(d)
    return out
