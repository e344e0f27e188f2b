"""The store side of clustering (SQLite and PostgreSQL): candidate events by blocking (shared rare terms, date window), event state
updates, and the reads behind `events`, `event`, `stories`, `story`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from newsdesk.cluster.consolidate import ballot, decided
from newsdesk.store.base import Connection, lookup
from newsdesk.store.event_mentions import date_filters, mention_filters

BLOCK_TERMS = 12  # a new article looks up events through its rarest terms only
PER_TERM = 50  # and the most recent events of each: the cost of one article stays flat


def candidates(c: Connection, terms: list[str], day: str | None, window_days: int) -> list[dict[str, Any]]:
    if not terms:
        return []
    ids: dict[str, None] = {}
    if day:
        lo = (date.fromisoformat(day) - timedelta(days=window_days)).isoformat()
        hi = (date.fromisoformat(day) + timedelta(days=window_days)).isoformat()
    for term in terms[:BLOCK_TERMS]:
        # index range scans only: the cost does not grow with the number of stored events
        if day:
            # the events nearest the window's end first (a backward range scan of the (term, day) index): a
            # bare LIMIT returned the oldest events of the window on a large store
            query = ("SELECT event_id FROM event_terms WHERE term = ? AND day BETWEEN ? AND ? "
                     "ORDER BY day DESC, id DESC LIMIT ?",
                     (term, lo, hi, PER_TERM))
            undated = ("SELECT event_id FROM event_terms WHERE term = ? AND day IS NULL ORDER BY id DESC LIMIT ?",
                       (term, PER_TERM // 5))
            queries: tuple[tuple[str, tuple[Any, ...]], ...] = (query, undated)
        else:
            queries = (("SELECT event_id FROM event_terms WHERE term = ? ORDER BY id DESC LIMIT ?",
                        (term, PER_TERM)),)
        for sql, args in queries:
            for (eid,) in c.execute(sql, args):
                ids[eid] = None
    if not ids:
        return []
    rows = c.execute(f"SELECT * FROM events WHERE id IN ({','.join('?' * len(ids))})", list(ids)).fetchall()
    out = []
    for r in rows:
        out.append({"id": r["id"], "n_articles": r["n_articles"], "date_min": r["date_min"],
                    "date_max": r["date_max"], "story_id": r["story_id"], **json.loads(r["state"])})
    return out


def save(c: Connection, event: dict[str, Any], article_id: str, score: float | None,
         index_terms: list[str]) -> None:
    """Insert or update an event's state and record the article as one of its reports (one transaction
    is the caller's)."""
    state = {k: event[k] for k in ("terms", "years", "actors", "places", "dates")}
    state.update({k: event[k] for k in ("published", "roots", "scenes") if k in event})
    seq = c.execute("SELECT coalesce(max(seq), 0) + 1 FROM events").fetchone()[0]
    c.execute("INSERT INTO events (id, seq, n_articles, date_min, date_max, span_class, state, story_id) "
              "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET n_articles = excluded.n_articles, "
              "date_min = excluded.date_min, date_max = excluded.date_max, span_class = excluded.span_class, "
              "state = excluded.state, story_id = excluded.story_id",
              (event["id"], seq, event["n_articles"], event["date_min"], event["date_max"],
               span_class(event["date_min"], event["date_max"]), json.dumps(state), event.get("story_id")))
    aseq = c.execute("SELECT coalesce(max(seq), 0) + 1 FROM event_articles").fetchone()[0]
    c.execute("INSERT INTO event_articles (article_id, event_id, score, seq) VALUES (?,?,?,?) "
              "ON CONFLICT (article_id) DO UPDATE SET event_id = excluded.event_id, score = excluded.score, "
              "seq = excluded.seq", (article_id, event["id"], score, aseq))
    c.executemany("INSERT INTO event_terms (term, day, event_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                  [(t, event["date_min"], event["id"]) for t in index_terms])


def save_record(c: Connection, event_id: str, load: Callable[[str], dict[str, Any]],
                fresh: str | None = None) -> None:
    """Decide an event's record anew (cluster/consolidate.py) and keep it on the event row: the report `fresh`
    (just joined, or coded anew) casts a new ballot, the others' stored ballots are counted again, and a report
    without one (stored before ballots were) is read with `load` (article id -> stored article)."""

    ballots = []
    for r in c.execute("SELECT article_id, ballot FROM event_articles WHERE event_id = ? ORDER BY seq",
                       (event_id,)).fetchall():
        if r["ballot"] and r["article_id"] != fresh:
            ballots.append(json.loads(r["ballot"]))
            continue
        b = ballot(load(r["article_id"]))
        c.execute("UPDATE event_articles SET ballot = ? WHERE article_id = ?",
                  (json.dumps(b, ensure_ascii=False), r["article_id"]))
        ballots.append(b)
    rec = decided(ballots)
    c.execute("UPDATE events SET cameo = ?, plover = ?, record = ? WHERE id = ?",
              (rec["cameo"], rec["plover"], json.dumps(rec, ensure_ascii=False), event_id))


def records(c: Connection, event_ids: list[str]) -> dict[str, dict[str, Any] | None]:
    """The decided records of these events (None for one not decided yet)."""
    if not event_ids:
        return {}
    return {r[0]: json.loads(r[1]) if r[1] else None for r in c.execute(
        f"SELECT id, record FROM events WHERE id IN ({','.join('?' * len(event_ids))})", event_ids)}


def save_story(c: Connection, story_id: str, title: str) -> None:
    seq = c.execute("SELECT coalesce(max(seq), 0) + 1 FROM stories").fetchone()[0]
    c.execute("INSERT INTO stories (id, title, seq) VALUES (?,?,?) ON CONFLICT(id) DO UPDATE SET title = "
              "excluded.title", (story_id, title, seq))


def story_candidates(c: Connection, actor_ids: list[str], day: str | None = None, window_days: int | None = None,
                     limit: int = 50) -> list[dict[str, Any]]:
    """The latest events whose reports share a canonical person with the new event; with `day`, only those whose
    first date lies within `window_days` of it."""
    if not actor_ids:
        return []
    marks = ",".join("?" * len(actor_ids))
    if day and window_days is not None:
        # the events of the window first (a range of the dates index), each checked for a shared person: going
        # from the person instead read every report naming them, a cost growing with the store
        lo = (date.fromisoformat(day[:10]) - timedelta(days=window_days)).isoformat()
        hi = (date.fromisoformat(day[:10]) + timedelta(days=window_days)).isoformat()
        rows = c.execute(
            "SELECT e.id, e.story_id, e.state FROM events e WHERE e.date_min BETWEEN ? AND ? AND EXISTS "
            "(SELECT 1 FROM event_articles ea JOIN article_actors aa ON aa.article_id = ea.article_id "
            f"WHERE ea.event_id = e.id AND aa.actor_id IN ({marks})) ORDER BY e.seq DESC LIMIT ?",
            (lo, hi, *actor_ids, limit)).fetchall()
    else:
        rows = c.execute(
            f"SELECT DISTINCT e.* FROM events e JOIN event_articles ea ON ea.event_id = e.id "
            f"JOIN article_actors aa ON aa.article_id = ea.article_id WHERE aa.actor_id IN ({marks}) "
            "ORDER BY e.seq DESC LIMIT ?", (*actor_ids, limit)).fetchall()
    return [{"id": r["id"], "story_id": r["story_id"], **json.loads(r["state"])} for r in rows]


def reset(c: Connection) -> None:
    for t in ("mention_events", "event_terms", "event_articles", "events", "stories"):
        c.execute(f"DELETE FROM {t}")


def drop(c: Connection, event_ids: list[str], *, lock_rows: bool = False) -> list[str]:
    """Delete events (and stories left without an event); returns their reports, in the order they joined.
    With `lock_rows` (PostgreSQL) the events are locked first, so another process adding a report to one of
    them waits and then starts it anew, instead of referencing a row this deletes."""
    if not event_ids:
        return []
    marks = ",".join("?" * len(event_ids))
    if lock_rows:
        c.execute(f"SELECT id FROM events WHERE id IN ({marks}) ORDER BY id FOR UPDATE", event_ids).fetchall()
    stories = [r[0] for r in c.execute(
        f"SELECT DISTINCT story_id FROM events WHERE id IN ({marks}) AND story_id IS NOT NULL", event_ids)]
    # the reports are the rows this DELETE removes: a report another process adds to one of these events
    # meanwhile is either among them or kept (a SELECT before the DELETE could miss it and drop it unclustered)
    members = [aid for _, aid in sorted((r[0], r[1]) for r in c.execute(
        f"DELETE FROM event_articles WHERE event_id IN ({marks}) RETURNING seq, article_id", event_ids).fetchall())]
    for table, key in (("mention_events", "event_id"), ("event_terms", "event_id"), ("events", "id")):
        c.execute(f"DELETE FROM {table} WHERE {key} IN ({marks})", event_ids)
    if stories:
        c.execute(f"DELETE FROM stories WHERE id IN ({','.join('?' * len(stories))}) AND id NOT IN "
                  "(SELECT story_id FROM events WHERE story_id IS NOT NULL)", stories)
    return members


def event_sizes(c: Connection, event_ids: list[str]) -> dict[str, int]:
    return lookup(c, "SELECT id, n_articles FROM events WHERE id IN ({marks})", event_ids)


def memberships(store, event_ids: list[str]) -> dict[str, str]:
    """Article id -> event id for the reports of these events, in one read through the store's connection (what a
    settle step's rebuilt events inherit their ids from: cluster/rebuild.py)."""
    with store.connection() as c:
        return lookup(c, "SELECT article_id, event_id FROM event_articles WHERE event_id IN ({marks})", event_ids)


def event_of(c: Connection, article_id: str) -> str | None:
    row = c.execute("SELECT event_id FROM event_articles WHERE article_id = ?", (article_id,)).fetchone()
    return row[0] if row else None


def article_links(c: Connection, article_id: str) -> dict[str, Any]:
    """The article's main event, every event it reports (the main one first, then those its other mentions were
    linked to) and the stories of its main event (export keys `event_id`, `event_ids`, `story_ids`)."""
    row = c.execute("SELECT e.id, e.story_id FROM event_articles ea JOIN events e ON e.id = ea.event_id "
                    "WHERE ea.article_id = ?", (article_id,)).fetchone()
    if row is None:
        return {"event_id": None, "event_ids": [], "story_ids": []}
    others = [r[0] for r in c.execute("SELECT event_id FROM mention_events WHERE article_id = ? GROUP BY event_id "
                                      "ORDER BY min(position)", (article_id,)) if r[0] != row["id"]]
    return {"event_id": row["id"], "event_ids": [row["id"], *others],
            "story_ids": [row["story_id"]] if row["story_id"] else []}


# Span classes (migration 0009): class k holds events spanning 2^(k-1)..2^k-1 days; the last holds longer
# spans and dates that are not days, and is read without a lower bound.
LAST_SPAN_CLASS = 17


def span_class(date_min: str | None, date_max: str | None) -> int | None:
    """The class of an event's date span (None for an undated event): its days' bit length."""
    if date_min is None or date_max is None:
        return None
    try:
        days = (date.fromisoformat(date_max[:10]) - date.fromisoformat(date_min[:10])).days
    except ValueError:
        return LAST_SPAN_CLASS
    return min(max(days, 0).bit_length(), LAST_SPAN_CLASS)


def _days_before(day: str, n: int) -> str:
    """The ISO day `n` days before `day`; '' (no bound) when there is none."""
    try:
        return (date.fromisoformat(day[:10]) - timedelta(days=n)).isoformat()
    except (ValueError, OverflowError):
        return ""


def events_between(c: Connection, lo: str, hi: str, limit: int = 200) -> list[dict[str, Any]]:
    """Events whose dates touch [lo, hi] (ISO days), with their clusterer state, the newest first. Read one span
    class at a time through (span_class, date_min): an event of class k starts at most 2^k-1 days before `lo`,
    so only events starting near the window are read, not every one that starts before `hi`."""
    top = c.execute("SELECT max(span_class) FROM events").fetchone()[0]
    if top is None:
        return []
    parts, args = [], []
    for k in range(top + 1):
        # the index holds date_max and seq too: the newest `limit` are chosen before any state is read
        parts.append("SELECT seq FROM events WHERE span_class = ? AND date_min >= ? AND date_min <= ? "
                     "AND date_max >= ?")
        args += [k, "" if k == LAST_SPAN_CLASS else _days_before(lo, 2 ** k - 1), hi, lo]
    rows = c.execute(f"SELECT * FROM events WHERE seq IN ({' UNION ALL '.join(parts)} ORDER BY seq DESC LIMIT ?) "
                     "ORDER BY seq DESC LIMIT ?", (*args, limit, limit)).fetchall()
    return [{"id": r["id"], "date_min": r["date_min"], "date_max": r["date_max"], **json.loads(r["state"])}
            for r in rows]


def save_mention_links(c: Connection, links: dict[str, list[tuple[int, str, float]]]) -> None:
    """Replace each article's mention links with its (position, event id, score) triples."""
    c.executemany("DELETE FROM mention_events WHERE article_id = ?", [(a,) for a in links])
    rows = [(a, p, e, s) for a, triples in links.items() for p, e, s in triples]
    if rows:
        c.executemany("INSERT INTO mention_events (article_id, position, event_id, score) VALUES (?, ?, ?, ?)", rows)


def articles_mentioning_between(c: Connection, lo: str, hi: str) -> list[str]:
    """Articles with a mention dated (to the day or the month) inside [lo, hi]."""
    return [r[0] for r in c.execute(
        "SELECT DISTINCT article_id FROM event_mentions WHERE date >= ? AND date <= ? AND date_inferred = 0",
        (lo[:7], hi + "\uffff"))]


def mentioned_in(c: Connection, event_id: str) -> list[dict[str, Any]]:
    """The mentions of an event in reports of other events: article, outlet, sentence, date as written."""
    return [dict(r) for r in c.execute(
        "SELECT me.article_id, me.position, me.score, m.sentence, m.cameo, m.date, a.outlet, a.title, "
        "a.published, a.url FROM mention_events me JOIN event_mentions m ON m.article_id = me.article_id AND "
        "m.position = me.position JOIN articles a ON a.id = me.article_id WHERE me.event_id = ? "
        "ORDER BY coalesce(a.published, ''), me.article_id, me.position", (event_id,))]


# one row of an event listing: its counts, dates, story, decided code and the title of its first report
EVENT_ROW = (
    "SELECT e.id, e.n_articles, e.date_min, e.date_max, e.story_id, "
    "(SELECT count(DISTINCT coalesce(s.outlet, s.source)) FROM event_articles ea JOIN sources s "
    " ON s.article_id = ea.article_id WHERE ea.event_id = e.id) AS n_sources, "
    "e.cameo, e.plover, e.record, "
    "(SELECT coalesce(a.title, substr(a.text, 1, 90)) FROM articles a WHERE a.id = (SELECT ea.article_id FROM "
    " event_articles ea WHERE ea.event_id = e.id ORDER BY ea.seq LIMIT 1)) AS title ")  # one article read, not all


def event_page(where: list[str], order: str) -> str:
    """EVENT_ROW for one page (`LIMIT ? OFFSET ?` after the `where` arguments) of the events passing `where`,
    in `order`. The page's ids are chosen first (by the index events_newest for the default order) and the
    per-event subqueries run for its rows only: computed for every event before the sort, they made a page
    cost grow with the whole table (1,500 events: 140 ms a page, 10 ms this way). Ordering by `n_sources`
    needs them for every event anyway."""
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    if "n_sources" in order:
        return EVENT_ROW + f"FROM events e {clause}ORDER BY {order} LIMIT ? OFFSET ?"
    return (EVENT_ROW + f"FROM (SELECT e.id AS page_id FROM events e {clause}ORDER BY {order} LIMIT ? OFFSET ?) "
            f"page JOIN events e ON e.id = page.page_id ORDER BY {order}")


def list_events(c: Connection, *, actor: str | None = None, country: str | None = None,
                cameo: str | None = None, since: str | None = None, until: str | None = None,
                story: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """One row per clustered event: reports, outlets, dates, its title and its decided record (`record`, JSON,
    NULL while not decided: see `save_record`)."""
    where, args = [], []
    sub, sargs = mention_filters("m", actor, country, cameo)
    if sub:
        where.append("e.id IN (SELECT ea.event_id FROM event_articles ea JOIN event_mentions m ON "
                     f"m.article_id = ea.article_id WHERE {' AND '.join(sub)})")
        args += sargs
    date_filters(where, args, "coalesce(e.date_max, '')", "coalesce(e.date_min, '9999')", since, until)
    if story:
        where.append("e.story_id = ?")
        args.append(story)
    rows = c.execute(event_page(where, "coalesce(e.date_max, '') DESC, e.seq DESC"), (*args, limit, offset))
    return [dict(r) for r in rows.fetchall()]


def event_article_ids(c: Connection, event_id: str) -> list[str]:
    return [r[0] for r in c.execute("SELECT article_id FROM event_articles WHERE event_id = ? ORDER BY seq",
                                    (event_id,))]


def find_event_id(c: Connection, prefix: str) -> list[str]:
    exact = c.execute("SELECT id FROM events WHERE id = ?", (prefix,)).fetchone()
    if exact:
        return [exact[0]]
    return [r[0] for r in c.execute("SELECT id FROM events WHERE id LIKE ? ORDER BY id LIMIT 2",
                                    (prefix.lower() + "%",))]


def save_redirects(c: Connection, moves: dict[str, tuple[str, str]], live: list[str], at: str) -> None:
    """Record where merged-away event ids went (old id -> (new id, reason)): earlier redirects to an old id are
    pointed on to its new one, so one lookup lands on a live event; an id of `live` (events just written)
    loses its row, since it names an event again."""
    for old, (new, reason) in moves.items():
        c.execute("UPDATE event_redirects SET new_id = ? WHERE new_id = ?", (new, old))
        c.execute("INSERT INTO event_redirects (old_id, new_id, reason, at) VALUES (?, ?, ?, ?) ON CONFLICT (old_id) "
                  "DO UPDATE SET new_id = excluded.new_id, reason = excluded.reason, at = excluded.at",
                  (old, new, reason, at))
    c.executemany("DELETE FROM event_redirects WHERE old_id = ?", [(e,) for e in live])


def redirect(c: Connection, wanted: str) -> dict[str, Any] | None:
    """Where the merged-away event `wanted` (an id, or a unique prefix of one) lives now: old_id, new_id,
    reason, at; None when a live event answers to `wanted` (an exact id, then a prefix) or no redirect does."""
    if c.execute("SELECT 1 FROM events WHERE id = ?", (wanted,)).fetchone():
        return None
    row = c.execute("SELECT * FROM event_redirects WHERE old_id = ?", (wanted,)).fetchone()
    if row is None:
        if find_event_id(c, wanted):
            return None
        rows = c.execute("SELECT * FROM event_redirects WHERE old_id LIKE ? ORDER BY old_id LIMIT 2",
                         (wanted.lower() + "%",)).fetchall()
        row = rows[0] if len(rows) == 1 else None
    return dict(row) if row else None


def list_stories(c: Connection, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    rows = c.execute(
        "SELECT s.id, s.title, count(e.id) AS n_events, sum(e.n_articles) AS n_articles, min(e.date_min) AS "
        "date_min, max(e.date_max) AS date_max FROM stories s JOIN events e ON e.story_id = s.id "
        "GROUP BY s.id ORDER BY coalesce(max(e.date_max), '') DESC, s.seq DESC LIMIT ? OFFSET ?",
        (limit, offset)).fetchall()
    return [dict(r) for r in rows]


def find_story(c: Connection, prefix: str) -> dict[str, Any] | None:
    row = c.execute("SELECT * FROM stories WHERE id LIKE ? ORDER BY id LIMIT 1",
                    (prefix.lower() + "%",)).fetchone()
    return dict(row) if row else None
