#!/usr/bin/env python3
"""Cost of clustering one article as the store grows: synthetic reports of many events, added in time order;
prints ms per article for each slice of the stream (flat = blocking works): the single pass alone, and with
the settle step an ingest run takes every SETTLE_EVERY articles (its cost spread over those articles).

usage: python bench/cluster.py [--n 5000] [--slices 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import CITIES, NAMES, WORDS  # noqa: E402

SURNAMES = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Novak", "Silva", "Kowalski", "Petrov", "Osei",
            "Ibrahim", "Larsen", "Costa", "Nguyen", "Fischer", "Rossi", "Dubois", "Yilmaz", "Sato", "Mensah"]


def report(event: int, k: int) -> tuple[str, str]:
    """The k-th report of synthetic event `event`: shared names, place and numbers; varied wording."""
    ev = random.Random(event)
    people = [f"{ev.choice(NAMES).split()[0]} {ev.choice(SURNAMES)}{event % 97}" for _ in range(2)]
    place = f"{ev.choice(CITIES)}"
    number = ev.randint(3, 900)
    day = date(2020, 1, 1) + timedelta(days=event // 3)
    rng = random.Random(event * 1000 + k)
    vocabulary = [f"{ev.choice(WORDS)}{ev.randint(0, 40)}" for _ in range(25)]  # the event's own subject words
    words = " ".join(rng.choice(vocabulary if rng.random() < 0.6 else WORDS) for _ in range(60))
    text = (f"{people[0]} met {people[1]} in {place} on {day:%d %B %Y}, where {number} delegates gathered. "
            f"{words.capitalize()}. {people[1]} said the {ev.choice(WORDS)} would continue. "
            f"Officials in {place} confirmed the figure of {number}.")
    return day.isoformat(), text


def main() -> int:
    ap = argparse.ArgumentParser(description="newsdesk clustering cost benchmark")
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--slices", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from newsdesk.cluster import Clusterer
    from newsdesk.cluster.rebuild import SETTLE_EVERY, settle
    from newsdesk.extract.ids import article_id
    from newsdesk.records import Article
    from newsdesk.store import open_store

    store = open_store(str(Path(tempfile.mkdtemp()) / "c.db"))
    clusterer = Clusterer(store)
    per_event = 3
    size = args.n // args.slices
    rows, settled, pending, t0 = [], [], [], time.perf_counter()
    for i in range(args.n):
        day, text = report(i // per_event, i % per_event)
        art = Article(id=article_id(text), source=f"bench#{i}", text=text, paragraphs=(text,), published=day)
        store.add_article(art)
        t = time.perf_counter()
        clusterer.add(store.get_article(art.id))
        rows.append(time.perf_counter() - t)
        pending.append(art.id)
        if len(pending) == SETTLE_EVERY or i == args.n - 1:
            t = time.perf_counter()
            settle(store, pending)
            settled += [(time.perf_counter() - t) / len(pending)] * len(pending)
            pending.clear()
    total = time.perf_counter() - t0
    slices = [{"articles": f"{s * size + 1}-{(s + 1) * size}",
               "ms_per_article": round(1000 * sum(rows[s * size:(s + 1) * size]) / size, 2),
               "with_settle": round(1000 * sum(rows[s * size:(s + 1) * size] + settled[s * size:(s + 1) * size])
                                    / size, 2)}
              for s in range(args.slices)]
    events = len(store.list_clustered_events(limit=10**9))
    if args.json:
        print(json.dumps({"n": args.n, "events": events, "slices": slices, "total_s": round(total, 1)}, indent=2))
        return 0
    print(f"clustered {args.n} articles into {events} events (designed: {args.n // per_event})")
    print(f"{'articles':>14} {'ms/article':>11} {'with settle':>12}")
    for s in slices:
        print(f"{s['articles']:>14} {s['ms_per_article']:>11} {s['with_settle']:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
