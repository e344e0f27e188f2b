"""Exporters: JSONL (the stable machine interface, schema in the README) and CSV. Streamed, no size cap."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import Any, TextIO

from newsdesk.store import Store

JSONL_KEYS = ("id", "external_id", "source", "url", "outlet", "title", "byline", "published", "updated",
              "language", "text", "removed", "actors", "quotes", "places", "timexes")
CSV_COLUMNS = ("id", "external_id", "source", "url", "outlet", "title", "byline", "published", "updated",
               "language", "n_removed", "text")


def export_jsonl(store: Store, out: TextIO) -> int:
    n = 0
    for rec in store.iter_export():
        obj: dict[str, Any] = {k: rec.get(k) for k in JSONL_KEYS}
        obj["sources"] = [{k: s.get(k) for k in ("source", "external_id", "url", "outlet")} for s in rec["sources"]]
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        n += 1
    return n


def export_csv(store: Store, out: TextIO) -> int:
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    n = 0
    for rec in store.iter_export():
        rec = dict(rec, n_removed=len(rec.get("removed") or []))
        w.writerow(["" if rec.get(c) is None else rec.get(c) for c in CSV_COLUMNS])
        n += 1
    return n


EXPORTERS: dict[str, Callable[[Store, TextIO], int]] = {"jsonl": export_jsonl, "csv": export_csv}
