"""Exporters: JSONL (the stable machine interface, schema in the README) and CSV. Streamed, no size cap."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from functools import partial
from typing import Any, TextIO

from newsdesk.errors import NewsdeskError
from newsdesk.store import Store

JSONL_KEYS = ("id", "external_id", "source", "url", "outlet", "title", "byline", "published", "updated",
              "language", "text", "removed", "actors", "quotes", "places", "timexes", "events", "event_id", "event_ids",
              "story_ids")
CSV_COLUMNS = ("id", "external_id", "source", "url", "outlet", "title", "byline", "published", "updated",
               "language", "n_removed", "text", "actors", "quotes", "places", "timexes", "events", "event_id",
               "event_ids", "story_ids")
# list-valued columns hold JSON text (the JSONL export's value), so no field is lost or flattened ambiguously
_CSV_JSON = frozenset({"actors", "quotes", "places", "timexes", "events", "event_ids", "story_ids"})


def export_jsonl(store: Store, out: TextIO) -> int:
    n = 0
    for rec in store.iter_export():
        obj: dict[str, Any] = {k: rec.get(k) for k in JSONL_KEYS}
        obj["sources"] = [{k: s.get(k) for k in ("source", "external_id", "url", "outlet")} for s in rec["sources"]]
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        n += 1
    return n


def _csv_cell(column: str, value: Any) -> Any:
    if column in _CSV_JSON:
        return json.dumps(value if value is not None else [], ensure_ascii=False)
    return "" if value is None else value


def export_csv(store: Store, out: TextIO) -> int:
    """The JSONL export's fields, one row per source, with a header: `removed` and `sources` replaced by
    `n_removed`; list-valued fields as JSON text."""
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    n = 0
    for rec in store.iter_export():
        rec = dict(rec, n_removed=len(rec.get("removed") or []))
        w.writerow([_csv_cell(c, rec.get(c)) for c in CSV_COLUMNS])
        n += 1
    return n


EVENTS_CSV_COLUMNS = (
    "GlobalEventID", "Day", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code", "EventCode", "EventBaseCode",
    "EventRootCode", "QuadClass", "GoldsteinScale", "ActionGeo_FullName", "ActionGeo_CountryCode",
    "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL", "PLOVER", "PLOVERMode", "DateInferred", "Confidence",
    "Sentence", "Date",
)


def _actor_cols(side: dict[str, Any] | None) -> list[Any]:
    if not side:
        return ["", "", "", ""]
    country, sector = side.get("country") or "", side.get("sector") or ""
    code = country if country.startswith("IGO") or sector in country else country + sector
    return [code, side.get("name") or side.get("text") or "", country, sector]


def _day(value: str | None) -> str:
    """GDELT's Day (YYYYMMDD) of a TIMEX3-style date: a date coarser than a day (`2025-W14-WE`, `2025-04`)
    gives its first day (the `Date` column keeps the value as coded); empty when no day fits (a season)."""
    from newsdesk.exporters.event_records import first_day

    d = first_day(value)
    return d.strftime("%Y%m%d") if d else ""


def export_events_csv(store: Store, out: TextIO) -> int:
    """One row per coded event mention, in GDELT-like columns (header included; codes as strings)."""
    w = csv.writer(out)
    w.writerow(EVENTS_CSV_COLUMNS)
    n = 0
    for e in store.list_events(limit=10**12):
        code = e["cameo"] or ""
        place = e.get("place") or {}
        row = [f"{e['article_id']}-{n}", _day(e["date"]),
               *_actor_cols(e["source"]), *_actor_cols(e["target"]), code, code[:3], code[:2],
               e["quad_class"], e["goldstein"], place.get("name") or "", place.get("country") or "",
               place.get("lat") if place.get("lat") is not None else "",
               place.get("lon") if place.get("lon") is not None else "", e.get("url") or "",
               e["plover"] or "", e["plover_mode"] or "", int(e["date_inferred"]), e["confidence"], e["sentence"],
               e["date"]]
        w.writerow(["" if v is None else v for v in row])
        n += 1
    return n


def export_events_jsonl(store: Store, out: TextIO) -> int:
    """One consolidated record per clustered event."""
    from newsdesk.cluster.consolidate import consolidate

    n = 0
    for row in store.list_clustered_events(limit=10**12):
        eid, articles = store.event_articles(row["id"])
        rec = consolidate(eid, articles, store.event_mentioned_in(eid))
        rec["story_id"] = row["story_id"]
        out.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


EXPORTERS: dict[str, Callable[[Store, TextIO], int]] = {"jsonl": export_jsonl, "csv": export_csv,
                                                        "events-csv": export_events_csv,
                                                        "events-jsonl": export_events_jsonl}


def exporter(fmt: str, *, header: bool = False) -> Callable[..., int]:
    """The export function of a format with its options bound: `header` adds a header row to `gdelt`, whose
    files have none by default, as GDELT's own (the CSV formats always have one)."""
    if fmt not in EXPORTERS:
        raise NewsdeskError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORTERS)}")
    if not header:
        return EXPORTERS[fmt]
    if fmt != "gdelt":
        raise NewsdeskError(f"--header applies to --format gdelt only (--format {fmt} has "
                            f"{'a header always' if 'csv' in fmt else 'no header row'})")
    return partial(EXPORTERS[fmt], header=True)


def _register_bulk() -> None:
    from newsdesk.exporters import EXPORTERS as BULK

    EXPORTERS.update(BULK)


_register_bulk()
