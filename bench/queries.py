"""Latency of the shared listings (newsdesk/query) with one declared filter each, on the bundled samples
inflated to many coded mentions: filters, order, paging and facets run in SQL, so a page costs what its
rows cost, not a pass over every mention.

    python bench/queries.py              # samples x 300 copies of their mentions (about 40,000)
    python bench/queries.py --copies 30 --json
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from newsdesk import query
from newsdesk.cli import samples_dir
from newsdesk.pipeline import ingest_paths
from newsdesk.store import open_store

CASES = (("events", {}), ("events", {"plover": "PROTEST"}), ("events", {"cameo": "14", "country": "RUS"}),
         ("mentions", {"plover": "ACCUSE"}), ("mentions", {"actor": "Lavrov"}), ("search", {"country": "RUS"}),
         ("search", {"q": "sanctions", "plover": "SANCTION"}), ("actors", {"country": "RUS"}),
         ("places", {}))


def build(db: str, copies: int) -> int:
    store = open_store(db)
    ingest_paths([str(samples_dir())], store, on_error=lambda e: None)
    store.close()
    c = sqlite3.connect(db)
    cols = [r[1] for r in c.execute("PRAGMA table_info(event_mentions)")]
    for k in range(1, copies):  # the same mentions again at other positions: more rows, same answers' shape
        sel = ", ".join(f"position + {k * 1000}" if x == "position" else x for x in cols)
        c.execute(f"INSERT INTO event_mentions ({', '.join(cols)}) SELECT {sel} FROM event_mentions "
                  "WHERE position < 1000")
    c.commit()
    n = int(c.execute("SELECT count(*) FROM event_mentions").fetchone()[0])
    c.close()
    return n


def best_ms(fn, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return round(best * 1000, 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=300)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        mentions = build(db, args.copies)
        store = open_store(db, create=False)
        src = query.single(store)
        result = {"mentions": mentions, "ms": {}}
        for name, values in CASES:
            label = name + ("?" + "&".join(f"{k}={v}" for k, v in values.items()) if values else "")
            result["ms"][label] = best_ms(lambda n=name, v=values: query.fetch(src, n, v)(51, 0))
        result["ms"]["facets"] = best_ms(lambda: query.facets(src))
        store.close()
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
        return
    print(f"{mentions:,} coded mentions; first page (51 rows), best of 5:")
    for label, ms in result["ms"].items():
        print(f"  {label:42s} {ms:8.2f} ms")


if __name__ == "__main__":
    main()
