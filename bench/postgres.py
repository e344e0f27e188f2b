#!/usr/bin/env python3
"""SQLite against PostgreSQL on the same synthetic, annotated articles: ingest articles/s (one process, then
several at once) and query latency p50/p99 (article by id, a listing page, full-text search, event filter).

Starts its own throwaway PostgreSQL server (tests/pgserver.py; durability like SQLite's WAL + synchronous=NORMAL:
fsync on, synchronous_commit off) and removes it afterwards.

usage: python bench/postgres.py [--n 2000] [--workers 4] [--queries 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from ingest import CITIES, NAMES, WORDS  # noqa: E402
from pgserver import PgServer, unavailable  # noqa: E402

COUNTRIES = ["RUS", "UKR", "USA", "CHN", "FRA", "DEU", "GBR", "TUR", "IRN", "IND"]
SERVER_SETTINGS = {"synchronous_commit": "off", "listen_addresses": "127.0.0.1"}


def article(i: int):
    """The i-th synthetic report, annotated as the pipeline would store it: two actors, a quote, an event."""
    from newsdesk.extract.ids import article_id
    from newsdesk.records import Actor, AnnotatedArticle, Article, EventActor, EventMention, Quote

    rng = random.Random(i)
    people = rng.sample(NAMES, 2)
    city = rng.choice(CITIES)
    body = " ".join(rng.choice(WORDS) for _ in range(350))
    text = f"{people[0]} met {people[1]} in {city}, report {i}. {body.capitalize()}. \"We agreed,\" {people[0]} said."
    day = f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}"
    art = Article(id=article_id(text), source=f"bench.jsonl#{i}", text=text, paragraphs=(text,), published=day,
                  title=f"{city}: {' '.join(body.split()[:6])}", outlet=rng.choice(["Wire", "Herald", "Courier"]))
    countries = [rng.choice(COUNTRIES) for _ in people]
    actors = tuple(Actor(p.lower().replace(" ", "-"), p, "person", c, "GOV", None, None, (p,))
                   for p, c in zip(people, countries, strict=True))
    start = text.index('"We')
    src = EventActor(people[0], people[0], actors[0].id, countries[0], "GOV")
    tgt = EventActor(people[1], people[1], actors[1].id, countries[1], "GOV")
    event = EventMention(0, 40, text[:40], "met", "040", "CONSULT", None, 1, 1.0, src, tgt, day, False, city)
    quote = Quote(start, start + 12, "We agreed,", "direct", "said", people[0], None, None, actors[0].id, people[0])
    return AnnotatedArticle(art, actors=actors, quotes=(quote,), events=(event,))


def _ingest(target: str, start: int, stop: int, barrier) -> None:
    from newsdesk.store import open_store

    store = open_store(target)
    batch = [article(i) for i in range(start, stop)]
    if barrier is not None:
        barrier.wait()
    for ann in batch:
        store.add_article(ann.article, ann, "bench")
    store.close()


def ingest_rate(target: str, n: int, workers: int) -> float:
    """Articles/s for n new articles split over `workers` processes started together (articles built first)."""
    if workers == 1:
        from newsdesk.store import open_store

        store = open_store(target)
        batch = [article(i) for i in range(n)]
        t0 = time.perf_counter()
        for ann in batch:
            store.add_article(ann.article, ann, "bench")
        elapsed = time.perf_counter() - t0
        store.close()
        return n / elapsed
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers + 1)
    base = 10**6  # other ids than the single-process run
    step = n // workers
    procs = [ctx.Process(target=_ingest, args=(target, base + w * step, base + (w + 1) * step, barrier))
             for w in range(workers)]
    for p in procs:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()
    for p in procs:
        p.join()
    if any(p.exitcode for p in procs):
        raise SystemExit(f"an ingest process failed on {target}")
    return step * workers / (time.perf_counter() - t0)


def latencies(target: str, queries: int) -> dict[str, dict[str, float]]:
    """p50/p99 in ms for each query kind, `queries` runs each, on random arguments."""
    from newsdesk.store import open_store

    store = open_store(target)
    ids = store.article_ids_in_time_order()
    rng = random.Random(7)
    kinds: dict[str, Callable[[], object]] = {
        "get_article": lambda: store.get_article(rng.choice(ids)),
        "list_articles": lambda: store.list_articles(limit=50, offset=rng.randrange(0, len(ids) // 2)),
        "search": lambda: store.search(rng.choice(WORDS), limit=20),
        "events_by_country": lambda: store.list_events(country=rng.choice(COUNTRIES), limit=50),
    }
    out = {}
    for name, run in kinds.items():
        run()  # warm
        times = []
        for _ in range(queries):
            t0 = time.perf_counter()
            run()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        out[name] = {"p50_ms": round(statistics.median(times), 3),
                     "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 3)}
    store.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description="newsdesk storage benchmark: SQLite vs PostgreSQL")
    ap.add_argument("--n", type=int, default=2000, help="articles ingested by one process, then by --workers")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    reason = unavailable()
    if reason:
        print(f"bench/postgres.py: {reason}", file=sys.stderr)
        return 2
    results: dict[str, dict] = {}
    with PgServer(settings=SERVER_SETTINGS) as server:
        targets = {"sqlite": str(Path(tempfile.mkdtemp(prefix="newsdesk-bench-")) / "bench.db"),
                   "postgres": server.create_database("bench")}
        for name, target in targets.items():
            one = ingest_rate(target, args.n, 1)
            many = ingest_rate(target, args.n, args.workers)
            results[name] = {"ingest_1_process_per_s": round(one, 1),
                             f"ingest_{args.workers}_processes_per_s": round(many, 1),
                             "articles": 2 * args.n, "queries": latencies(target, args.queries)}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{2 * args.n} synthetic annotated articles per backend; {args.queries} runs per query; "
          f"{multiprocessing.cpu_count()} cores (timings are noisy on a shared machine)")
    print(f"{'':30}{'sqlite':>16}{'postgres':>16}")
    for key in (k for k in results["sqlite"] if k.startswith("ingest")):
        print(f"{key.replace('_per_s', ' (art/s)'):30}{results['sqlite'][key]:>16}{results['postgres'][key]:>16}")
    for q in results["sqlite"]["queries"]:
        cells = [f"{results[b]['queries'][q]['p50_ms']}/{results[b]['queries'][q]['p99_ms']}" for b in results]
        print(f"{q + ' p50/p99 ms':30}{cells[0]:>16}{cells[1]:>16}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
