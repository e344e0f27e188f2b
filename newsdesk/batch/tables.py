"""The Parquet tables of a batch run: their schemas, and the conversion of an `AnnotatedArticle` into table
rows and back (so `newsdesk load` rebuilds exactly the records the batch computed).

The tables' columns come from `exporters.schema`, as the store's Parquet export's do; `event_mentions` was
called `events` before 0.5 (`OLD_TABLE_NAMES`: `newsdesk load` reads either).
Every table is partitioned by `published_date` (`published[:10]`, or `undated`), a Hive-style directory
column; child tables carry `article_id` and `record` (the input record that produced them, a hash of its
source) so that rows of two copies of one text stay apart.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pyarrow as pa

from newsdesk.exporters.schema import (
    ACTOR,
    ARTICLE,
    EVENT_MENTION,
    MENTION,
    OLD_TABLE_NAMES,
    PLACE,
    QUOTE,
    SIDE_KEYS,
    TIMEX,
    event_mention_row,
    row_of,
    schema,
)
from newsdesk.records import (
    Actor,
    AnnotatedArticle,
    Article,
    EventActor,
    EventMention,
    Mention,
    Place,
    Quote,
    RemovedLine,
    TimeExpr,
)

PARTITION = "published_date"
UNDATED = "undated"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Row = dict[str, Any]
_KEY = (("record", "string"), ("article_id", "string"), ("position", "int32"))

SCHEMAS: dict[str, pa.Schema] = {
    "articles": schema((("record", "string"),), ARTICLE, (
        ("source", "string"), ("external_id", "string"),
        ("annotator_version", "string"),  # null: not annotated (--no-annotate, a copy, or annotation failed)
        ("annotation_error", "string"), ("duplicate", "bool"), ("n_events", "int32"))),
    "actors": schema(_KEY, ACTOR),
    "mentions": schema(_KEY, MENTION),
    "quotes": schema(_KEY, QUOTE, (("speaker_start", "int64"), ("speaker_end", "int64"))),
    # a place's spans and surface strings as the annotator keeps them (the store export has {text, start, end})
    "places": schema(_KEY, PLACE, (("spans", "list<list<int64>>"), ("mentions", "list<string>"),
                                   ("score", "float64"))),
    "timexes": schema(_KEY, TIMEX),
    "event_mentions": schema(_KEY, EVENT_MENTION),
}
TABLES = tuple(SCHEMAS)
CHILD_TABLES = TABLES[1:]
__all__ = ["CHILD_TABLES", "OLD_TABLE_NAMES", "PARTITION", "SCHEMAS", "TABLES", "UNDATED", "article_rows",
           "partition_of", "rebuild", "record_key"]


def partition_of(published: str | None) -> str:
    """`published[:10]` when it is a calendar date, else `undated`."""
    day = (published or "")[:10]
    return day if _DAY.match(day) else UNDATED


def record_key(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def article_rows(ann: AnnotatedArticle, *, annotator_version: str | None, error: str | None = None,
                 duplicate: bool = False) -> dict[str, list[Row]]:
    """All table rows of one input record (the article row, and its annotation rows when annotated)."""
    a = ann.article
    rec = record_key(a.source)
    out: dict[str, list[Row]] = {t: [] for t in TABLES}
    out["articles"].append({
        "record": rec, "id": a.id, "source": a.source, "external_id": a.external_id, "url": a.url,
        "outlet": a.outlet, "title": a.title, "byline": a.byline, "published": a.published, "updated": a.updated,
        "language": a.language, "media_type": a.media_type, "text": a.text, "paragraphs": list(a.paragraphs),
        "removed": [{"text": r.text, "reason": r.reason} for r in a.removed],
        "provenance": sorted(a.provenance.items()), "annotator_version": annotator_version,
        "annotation_error": error, "duplicate": duplicate, "n_events": len(ann.events),
    })
    if annotator_version is None:
        return out

    def key(i: int) -> Row:
        return {"record": rec, "article_id": a.id, "position": i}

    out["actors"] = [{**key(i), "actor_id": x.id, "name": x.name, "kind": x.kind, "country": x.country,
                      "sector": x.sector, "office": x.office, "kb_id": x.kb_id, "mentions": list(x.mentions)}
                     for i, x in enumerate(ann.actors)]
    out["mentions"] = [{**key(i), **row_of(m, MENTION)} for i, m in enumerate(ann.mentions)]
    out["quotes"] = [{**key(i), **row_of(q, QUOTE), "speaker_start": q.speaker_start, "speaker_end": q.speaker_end}
                     for i, q in enumerate(ann.quotes)]
    out["places"] = [{**key(i), **row_of(p, PLACE), "spans": [list(s) for s in p.spans],
                      "mentions": list(p.mentions), "score": p.score} for i, p in enumerate(ann.places)]
    out["timexes"] = [{**key(i), **row_of(t, TIMEX)} for i, t in enumerate(ann.timexes)]
    out["event_mentions"] = [_event_row(key(i), e) for i, e in enumerate(ann.events)]
    return out


def _event_row(key: Row, e: EventMention) -> Row:
    return {**key, **event_mention_row(e)}


# --- rows -> records (newsdesk load) ------------------------------------------------------------------------

def rebuild_article(row: Row) -> Article:
    prov = row.get("provenance") or []
    return Article(
        id=row["id"], source=row["source"], text=row["text"], paragraphs=tuple(row["paragraphs"] or ()),
        removed=tuple(RemovedLine(r["text"], r["reason"]) for r in row.get("removed") or ()),
        external_id=row["external_id"], url=row["url"], outlet=row["outlet"], title=row["title"],
        byline=row["byline"], published=row["published"], updated=row["updated"], language=row["language"],
        media_type=row["media_type"], provenance=dict(prov.items() if isinstance(prov, dict) else prov),
    )


def rebuild(row: Row, children: dict[str, list[Row]]) -> AnnotatedArticle:
    """The annotated article of an articles row and its child rows (each list in `position` order)."""
    article = rebuild_article(row)
    if row.get("annotator_version") is None:
        return AnnotatedArticle(article)
    c = {t: sorted(children.get(t, ()), key=lambda r: r["position"]) for t in CHILD_TABLES}
    return AnnotatedArticle(
        article,
        actors=tuple(Actor(r["actor_id"], r["name"], r["kind"], r["country"], r["sector"], r["office"], r["kb_id"],
                           tuple(r["mentions"] or ())) for r in c["actors"]),
        mentions=tuple(Mention(r["start"], r["end"], r["text"], r["label"], r["actor_id"]) for r in c["mentions"]),
        quotes=tuple(Quote(r["start"], r["end"], r["text"], r["kind"], r["cue"], r["speaker_text"],
                           r["speaker_start"], r["speaker_end"], r["speaker_id"], r["speaker"]) for r in c["quotes"]),
        places=tuple(Place(r["name"], r["country"], r["lat"], r["lon"], r["geoname_id"], r["feature"],
                           tuple(tuple(s) for s in r["spans"] or ()), tuple(r["mentions"] or ()), r["score"])
                     for r in c["places"]),
        timexes=tuple(TimeExpr(r["start"], r["end"], r["text"], r["value"], r["granularity"], r["type"])
                      for r in c["timexes"]),
        events=tuple(_event(r) for r in c["event_mentions"]),
    )


def _side(r: Row, side: str) -> EventActor | None:
    vals = {k: r[f"{side}_{k}"] for k in SIDE_KEYS}
    if all(v is None for v in vals.values()):
        return None
    return EventActor(**{**vals, "text": vals["text"] or ""})


def _event(r: Row) -> EventMention:
    return EventMention(
        r["start"], r["end"], r["sentence"], r["trigger"], r["cameo"], r["plover"], r["plover_mode"],
        int(r["quad_class"]), float(r["goldstein"]), _side(r, "source"), _side(r, "target"), r["date"],
        bool(r["date_inferred"]), r["place"], r["place_country"], r["place_lat"], r["place_lon"], r["confidence"])
