"""Parquet export of a whole store: one file per table (articles, sources, actors, mentions, quotes, places,
timexes, event_mentions, events: clustered events) in a directory, streamed in row groups, CAMEO codes as
strings; the tables' columns come from `exporters.schema`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsdesk.errors import NewsdeskError
from newsdesk.exporters.schema import (
    ACTOR,
    ARTICLE,
    EVENT,
    EVENT_MENTION,
    MENTION,
    PLACE,
    QUOTE,
    SIDE_KEYS,
    SOURCE,
    TIMEX,
    schema,
)
from newsdesk.records import ClusteredEvent

_ARTICLE, _POSITION = (("article_id", "string"),), (("article_id", "string"), ("position", "int32"))
SCHEMAS: dict[str, pa.Schema] = {
    "articles": schema(ARTICLE, (("annotated", "string"), ("event_id", "string"), ("story_ids", "list<string>"))),
    "sources": schema(_ARTICLE, SOURCE, (("title", "string"), ("published", "string"), ("ingested_at", "string"))),
    "actors": schema(_ARTICLE, ACTOR),
    "mentions": schema(_ARTICLE, MENTION),
    "quotes": schema(_POSITION, QUOTE),
    "places": schema(_POSITION, PLACE, (("mentions", "list<struct<text:string,start:int64,end:int64>>"),)),
    "timexes": schema(_POSITION, TIMEX),
    "event_mentions": schema(_POSITION, (("event_id", "string"),), EVENT_MENTION),
    "events": schema(EVENT),
}
TABLES = tuple(SCHEMAS)
BATCH_ROWS = 2000


class _Writers:
    """One ParquetWriter per table, fed in row groups of BATCH_ROWS; files appear (renamed) only when whole."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.counts = {t: 0 for t in TABLES}

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.buffers[table].extend(rows)
        self.counts[table] += len(rows)
        if len(self.buffers[table]) >= BATCH_ROWS:
            self._flush(table)

    def _tmp(self, table: str) -> Path:
        return self.out / f".{table}.parquet.part"

    def _flush(self, table: str) -> None:
        if table not in self.writers:
            self.writers[table] = pq.ParquetWriter(self._tmp(table), SCHEMAS[table], compression="zstd")
        if self.buffers[table]:
            self.writers[table].write_table(pa.Table.from_pylist(self.buffers[table], schema=SCHEMAS[table]))
        self.buffers[table] = []

    def close(self) -> None:
        for t in TABLES:
            self._flush(t)  # every table gets a file, empty ones too: readers need not special-case
            self.writers[t].close()
            os.replace(self._tmp(t), self.out / f"{t}.parquet")


def _article_rows(a: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    aid = a["id"]
    rows: dict[str, list[dict[str, Any]]] = {
        "articles": [{**{k: a.get(k) for k in ("id", "title", "byline", "outlet", "url", "published", "updated",
                                              "language", "media_type", "text", "annotated", "event_id")},
                      "paragraphs": a.get("paragraphs") or [], "removed": a.get("removed") or [],
                      "provenance": sorted((a.get("provenance") or {}).items()),
                      "story_ids": a.get("story_ids") or []}],
        "sources": [{"article_id": aid, **s} for s in a.get("sources") or []],
        "actors": [{"article_id": aid, "actor_id": x["id"], **{k: x.get(k) for k in ("name", "kind", "country",
                                                                                   "sector", "office", "kb_id")},
                    "mentions": x.get("mentions") or []} for x in a.get("actors") or []],
        "mentions": [{"article_id": aid, **m} for m in a.get("mentions") or []],
        "quotes": [{"article_id": aid, "position": i, **q} for i, q in enumerate(a.get("quotes") or [])],
        "places": [{"article_id": aid, "position": i, **p} for i, p in enumerate(a.get("places") or [])],
        "timexes": [{"article_id": aid, "position": i, **t} for i, t in enumerate(a.get("timexes") or [])],
        "event_mentions": [],
    }
    for i, e in enumerate(a.get("events") or []):
        place = e.get("place") or {}
        row = {"article_id": aid, "position": i, "event_id": a.get("event_id"),
               **{k: e.get(k) for k in ("start", "end", "sentence", "trigger", "cameo", "plover", "plover_mode",
                                        "quad_class", "goldstein", "date", "date_inferred", "confidence")},
               "place": place.get("name"), "place_country": place.get("country"), "place_lat": place.get("lat"),
               "place_lon": place.get("lon")}
        for side in ("source", "target"):
            s = e.get(side) or {}
            for k in SIDE_KEYS:
                row[f"{side}_{k}"] = s.get(k)
        rows["event_mentions"].append(row)
    return rows


def _event_row(store, event: ClusteredEvent) -> dict[str, Any]:
    # the articles in the order they joined, as article_ids lists them
    rec, articles = store.event_with_reports(event.id, mentioned_in=False)
    return {"id": rec.id, "story_id": event.story_id, "title": rec.title, "n_articles": rec.n_articles,
            "n_sources": event.n_sources, "date_min": event.date_min, "date_max": event.date_max,
            **{k: (str(v.value) if v.value is not None else None)
               for k, v in (("cameo", rec.cameo), ("plover", rec.plover), ("source", rec.source),
                            ("target", rec.target), ("date", rec.date), ("place", rec.place))},
            "outlets": list(rec.outlets), "article_ids": [a["id"] for a in articles],
            "disagreements": list(rec.disagreements)}


def export_parquet(store, out: str | os.PathLike) -> int:
    """Write `<out>/<table>.parquet` for every table; returns the number of articles written."""
    if not isinstance(out, (str, os.PathLike)):
        raise NewsdeskError("the parquet export writes a directory of files: give --out DIR")
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise NewsdeskError(f"{root} is a file; the parquet export needs a directory (--out DIR)")
    root.mkdir(parents=True, exist_ok=True)
    w = _Writers(root)
    for aid in store.article_ids_in_time_order():
        for table, rows in _article_rows(store.get_article(aid)).items():
            w.add(table, rows)
    for event in store.clustered_events(limit=10**12):
        w.add("events", [_event_row(store, event)])
    w.close()
    return w.counts["articles"]
