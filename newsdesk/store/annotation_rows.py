"""Reads and writes of annotations (actors, mentions, quotes, places, timexes) for one article, in SQL that
SQLite and PostgreSQL both run. Called inside the store's per-article transaction; never commits by itself."""

from __future__ import annotations

import json
from typing import Any

from newsdesk.exporters import schema
from newsdesk.exporters.schema import row_of
from newsdesk.records import AnnotatedArticle
from newsdesk.store import event_mentions
from newsdesk.store.base import LIKE_ESCAPE, Connection, insert, like_literal

TABLES = ("article_actors", "mentions", "quotes", "places", "timexes")
_MENTIONS = insert("mentions", ["article_id", *(n for n, _ in schema.MENTION)])
_QUOTES = insert("quotes", ["article_id", "position", *(n for n, _ in schema.QUOTE)])
_PLACES = insert("places", ["article_id", "position", *(n for n, _ in schema.PLACE), "spans", "mentions", "score"])
_TIMEXES = insert("timexes", ["article_id", "position", *(n for n, _ in schema.TIMEX)])


def write(c: Connection, ann: AnnotatedArticle, version: str, *, replace: bool = True) -> None:
    """Store an article's annotation; `replace=False` for an article inserted in this transaction, which has
    none to delete (a round trip saved per table on a server)."""
    aid = ann.article.id
    if replace:
        for t in TABLES:
            c.execute(f"DELETE FROM {t} WHERE article_id = ?", (aid,))
    # actors are shared by all articles: touched in id order, and locked only when a kb id is new, so
    # concurrent writers (PostgreSQL) never wait on each other in a cycle nor queue behind a busy actor
    actors = sorted(ann.actors, key=lambda a: a.id)
    c.executemany("INSERT INTO actors (id, name, kind, kb_id) VALUES (?,?,?,?) ON CONFLICT (id) DO NOTHING",
                  [(a.id, a.name, a.kind, a.kb_id) for a in actors])
    c.executemany("UPDATE actors SET kb_id = ? WHERE id = ? AND kb_id IS NULL",
                  [(a.kb_id, a.id) for a in actors if a.kb_id])
    c.executemany("INSERT INTO article_actors (article_id, actor_id, name, country, sector, office, mentions) "
                  "VALUES (?,?,?,?,?,?,?)",
                  [(aid, a.id, a.name, a.country, a.sector, a.office, json.dumps(list(a.mentions), ensure_ascii=False))
                   for a in ann.actors])
    # each record's columns as `exporters/schema.py` defines them, then what the store alone keeps
    c.executemany(_MENTIONS + " ON CONFLICT DO NOTHING",
                  [(aid, *row_of(m, schema.MENTION).values()) for m in ann.mentions])
    c.executemany(_QUOTES, [(aid, i, *row_of(q, schema.QUOTE).values()) for i, q in enumerate(ann.quotes)])
    c.executemany(_PLACES, [(aid, i, *row_of(p, schema.PLACE).values(), json.dumps([list(s) for s in p.spans]),
                             json.dumps(list(p.mentions), ensure_ascii=False), p.score)
                            for i, p in enumerate(ann.places)])
    c.executemany(_TIMEXES, [(aid, i, *row_of(t, schema.TIMEX).values()) for i, t in enumerate(ann.timexes)])
    event_mentions.write(c, aid, ann.events, replace=replace)
    c.execute("UPDATE articles SET annotated = ? WHERE id = ?", (version, aid))


def read(c: Connection, article_id: str) -> dict[str, Any]:
    q = c.execute
    actors = [{"id": r["actor_id"], "name": r["name"], "kind": r["kind"], "country": r["country"],
               "sector": r["sector"], "office": r["office"], "kb_id": r["kb_id"],
               "mentions": json.loads(r["mentions"])}
              for r in q("SELECT aa.*, a.kind, a.kb_id FROM article_actors aa JOIN actors a ON a.id = aa.actor_id "
                         "WHERE aa.article_id = ? ORDER BY aa.rowid", (article_id,))]
    quotes = [{"text": r["text"], "speaker": r["speaker"] or r["speaker_text"], "speaker_id": r["speaker_id"],
               "speaker_text": r["speaker_text"], "kind": r["kind"], "cue": r["cue"], "start": r["start"],
               "end": r["end"]}
              for r in q("SELECT * FROM quotes WHERE article_id = ? ORDER BY position", (article_id,))]
    places = []
    for r in q("SELECT * FROM places WHERE article_id = ? ORDER BY position", (article_id,)):
        spans, surfaces = json.loads(r["spans"]), json.loads(r["mentions"])
        places.append({"name": r["name"], "country": r["country"], "lat": r["lat"], "lon": r["lon"],
                       "geoname_id": r["geoname_id"], "feature": r["feature"],
                       "mentions": [{"text": t, "start": s, "end": e} for t, (s, e) in zip(surfaces, spans, strict=False)]})
    timexes = [{"text": r["text"], "value": r["value"], "granularity": r["granularity"], "type": r["type"],
                "start": r["start"], "end": r["end"]}
               for r in q("SELECT * FROM timexes WHERE article_id = ? ORDER BY position", (article_id,))]
    mentions = [dict(r) for r in q('SELECT start, "end", text, label, actor_id FROM mentions WHERE article_id = ? '
                                   "ORDER BY start", (article_id,))]
    return {"actors": actors, "quotes": quotes, "places": places, "timexes": timexes, "mentions": mentions,
            "events": event_mentions.read(c, article_id)}


def list_actors(c: Connection, *, country: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    where, args = "", []
    if country:
        where, args = "WHERE aa.country = ?", [country.upper()]
    rows = c.execute(
        "SELECT a.id, a.name, a.kind, a.kb_id, "
        "(SELECT aa2.country FROM article_actors aa2 WHERE aa2.actor_id = a.id AND aa2.country IS NOT NULL "
        " GROUP BY aa2.country ORDER BY count(*) DESC LIMIT 1) AS country, "
        "count(DISTINCT aa.article_id) AS articles, "
        "(SELECT count(*) FROM quotes q WHERE q.speaker_id = a.id) AS quotes "
        f"FROM actors a JOIN article_actors aa ON aa.actor_id = a.id {where} "
        "GROUP BY a.id ORDER BY articles DESC, a.name LIMIT ? OFFSET ?", (*args, limit, offset)).fetchall()
    return [dict(r) for r in rows]


def find_actor(c: Connection, name: str) -> dict[str, Any] | None:
    """By id, exact name, or a mention/alias containing the name (case-insensitive)."""
    row = c.execute("SELECT * FROM actors WHERE id = ? OR lower(name) = lower(?) LIMIT 1", (name, name)).fetchone()
    if row is None:
        like = f"%{like_literal(name.lower())}%"
        row = c.execute("SELECT a.* FROM actors a JOIN article_actors aa ON aa.actor_id = a.id "
                        f"WHERE lower(a.name) LIKE ? {LIKE_ESCAPE} OR lower(aa.mentions) LIKE ? {LIKE_ESCAPE} "
                        "GROUP BY a.id ORDER BY count(*) DESC LIMIT 1", (like, like)).fetchone()
    if row is None:
        return None
    aid = row["id"]
    appearances = [dict(r) for r in c.execute(
        "SELECT aa.article_id, ar.title, ar.published, ar.outlet, aa.country, aa.sector, aa.office, aa.mentions "
        "FROM article_actors aa JOIN articles ar ON ar.id = aa.article_id WHERE aa.actor_id = ? "
        "ORDER BY coalesce(ar.published, '') DESC", (aid,))]
    aliases: dict[str, None] = {}
    offices: dict[str, None] = {}
    for a in appearances:
        for m in json.loads(a.pop("mentions")):
            aliases[m] = None
        if a["office"]:
            offices[a["office"]] = None
    quotes = [dict(r) for r in c.execute(
        "SELECT q.article_id, q.text, q.kind, q.cue FROM quotes q WHERE q.speaker_id = ? ORDER BY q.article_id, "
        "q.position", (aid,))]
    return {"id": aid, "name": row["name"], "kind": row["kind"], "kb_id": row["kb_id"],
            "aliases": list(aliases), "offices": list(offices), "articles": appearances, "quotes": quotes}


def list_quotes(c: Connection, *, speaker: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    where, args = "", []
    if speaker:
        like = f"%{like_literal(speaker.lower())}%"
        where = (f"WHERE lower(coalesce(q.speaker, q.speaker_text, '')) LIKE ? {LIKE_ESCAPE} OR q.speaker_id = ? "
                 f"OR q.speaker_id IN (SELECT actor_id FROM article_actors WHERE lower(mentions) LIKE ? {LIKE_ESCAPE})")
        args = [like, speaker, like]
    rows = c.execute(
        "SELECT q.article_id, q.text, q.kind, q.cue, coalesce(q.speaker, q.speaker_text) AS speaker, q.speaker_id, "
        f"a.published, a.outlet FROM quotes q JOIN articles a ON a.id = q.article_id {where} "
        "ORDER BY coalesce(a.published, '') DESC, q.article_id, q.position LIMIT ? OFFSET ?",
        (*args, limit, offset)).fetchall()
    return [dict(r) for r in rows]
