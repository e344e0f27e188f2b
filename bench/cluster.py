#!/usr/bin/env python3
"""Cost of clustering one article as the store grows: synthetic reports of many events, added in time order;
prints ms per article for each slice of the stream (flat = blocking works): the single pass alone, and with
the settle step an ingest run takes every SETTLE_EVERY articles (its cost spread over those articles).

`--real` replays real article texts instead: the dev half of ../shared/eval/cluster*/articles.jsonl (skipped,
saying so, when absent), annotated and coded once (cached under the temp folder), then copied again and again
with a few words changed (same length, so the annotation's offsets still hold) and every date moved with the
copy's publication date. Two densities: `constant` puts each replay in its own 400-day period (as many
articles a day as the first replay, however large the store), `growing` puts every replay into the same weeks
(more articles a day as the store grows). Prints cluster ms and settle ms (CPU time) per article for each
1,000.

usage: python bench/cluster.py [--n 5000] [--slices 5] [--json]
       python bench/cluster.py --real [--n 5000] [--density constant|growing|both] [--json]  (--json: a line each)
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import pickle
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
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


SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
PERIOD_DAYS = 400  # one replay's period at constant density: every source text's day falls inside it
WORD = re.compile(r"\b[a-z]{4,}\b")  # lower-case words only: names and numbers stay, so the copy reports the same


def dev_rows() -> list[dict]:
    """The dev half (scripts/eval.py's seeded split) of the clustering sets' articles; [] when absent."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from eval import frozen_test

    rows = []
    for path in sorted(SHARED.glob("cluster*/articles.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not frozen_test(str((row := json.loads(line)).get("id"))):
                rows.append(row)
    return rows


def sources(rows: list[dict]) -> list[tuple[object, int]]:
    """Each dev text annotated and coded once (`newsdesk.process`), with its day within a replay's period:
    a dated text keeps its distance from its set's first date, an undated one (most of ECB+) takes its
    topic's day, so the reports of one happening stay together."""
    from newsdesk.extract.ids import article_id
    from newsdesk.process import process_many
    from newsdesk.records import Article

    digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"newsdesk-bench-replay-{digest}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    arts = [Article(id=article_id(r["text"]), source=f"dev#{r['id']}", text=r["text"],
                    paragraphs=tuple(p for p in r["text"].split("\n") if p.strip()), title=r.get("title"),
                    outlet=r.get("outlet"), url=r.get("url"), published=r.get("published")) for r in rows]
    dated = [date.fromisoformat(r["published"][:10]) for r in rows if r.get("published")]
    first = min(dated, default=date(2000, 1, 1))
    days = []
    for r in rows:
        if r.get("published"):
            days.append((date.fromisoformat(r["published"][:10]) - first).days % PERIOD_DAYS)
        else:  # ECB+ ids are topic_subtopic...: one day for each subtopic (one happening)
            topic = re.match(r"\d+_\d+", r["id"])
            key = topic.group(0) if topic else r["id"]
            days.append(int(hashlib.sha256(key.encode()).hexdigest(), 16) % (PERIOD_DAYS - 30))
    out = list(zip(process_many(arts), days, strict=True))
    cache.write_bytes(pickle.dumps(out))
    return out


def shifted(value: str | None, days: int) -> str | None:
    """A date as a coded event or time expression holds it (YYYY, YYYY-MM, YYYY-MM-DD[Thh:mm]), moved by `days`."""
    if not value or not re.match(r"\d{4}", value):
        return value
    if re.match(r"\d{4}-\d{2}-\d{2}", value):
        return (date.fromisoformat(value[:10]) + timedelta(days=days)).isoformat() + value[10:]
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return (date.fromisoformat(value + "-15") + timedelta(days=days)).isoformat()[:7]
    if re.fullmatch(r"\d{4}", value):
        return str((date(int(value), 7, 1) + timedelta(days=days)).year)
    return value


def copy(ann, day: date, rng: random.Random):
    """Another report of the same text: a few words swapped for words of the same length, published on `day`,
    every date it reads moved alike."""
    from newsdesk.extract.ids import article_id

    a = ann.article
    text, words = a.text, [m for m in WORD.finditer(a.text)]
    by_len: dict[int, list[str]] = {}
    for m in words:
        by_len.setdefault(len(m.group()), []).append(m.group())
    for m in rng.sample(words, min(4, len(words))):
        text = text[:m.start()] + rng.choice(by_len[len(m.group())]) + text[m.end():]
    text += f"\n{rng.randrange(10**9)}"  # a copy is never the same text as another (ids are content hashes)
    reference = a.published[:10] if a.published else next(
        (e.date[:10] for e in ann.events if e.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.date[:10])), None)
    delta = (day - date.fromisoformat(reference)).days if reference else 0
    article = dataclasses.replace(a, id=article_id(text), source=f"{a.source}@{day}", text=text,
                                  published=f"{day}T{rng.randrange(6, 22):02d}:00:00")
    return dataclasses.replace(
        ann, article=article, events=tuple(dataclasses.replace(e, date=shifted(e.date, delta)) for e in ann.events),
        timexes=tuple(dataclasses.replace(t, value=shifted(t.value, delta)) for t in ann.timexes))


def replay(pool: list[tuple[object, int]], n: int, density: str) -> Iterator[object]:
    """`n` copies of the pool's texts in time order: replay r of the whole pool in its own period (constant
    density) or in the first one again, within a few days of the first copy's date (growing density)."""
    start = date(2001, 1, 1)
    r = 0
    while True:
        rng = random.Random(r)
        base = start + timedelta(days=PERIOD_DAYS * r if density == "constant" else 0)
        days = [base + timedelta(days=d + (rng.randrange(3) if density == "growing" else 0)) for _, d in pool]
        for i in sorted(range(len(pool)), key=lambda i: days[i]):
            yield copy(pool[i][0], days[i], rng)
            n -= 1
            if n == 0:
                return
        r += 1


def run_real(n: int, density: str) -> dict:
    """Replay `n` real-text copies at one density through the single pass and the settle step, timed in this
    process's CPU time (the machine is shared: waiting for a core is not the clusterer's cost)."""
    from newsdesk.annotate import ANNOTATOR_VERSION
    from newsdesk.cluster.incremental import Clusterer
    from newsdesk.cluster.rebuild import SETTLE_EVERY, settle
    from newsdesk.store import open_store

    pool = sources(dev_rows())
    store = open_store(str(Path(tempfile.mkdtemp()) / "r.db"))
    clusterer = Clusterer(store)
    cluster_s, settle_s, pending = [], [], []
    for i, ann in enumerate(replay(pool, n, density)):
        store.add_article(ann.article, ann, ANNOTATOR_VERSION)
        t = time.process_time()
        clusterer.add(store.get_article(ann.article.id))
        cluster_s.append(time.process_time() - t)
        pending.append(ann.article.id)
        if len(pending) == SETTLE_EVERY or i == n - 1:
            t = time.process_time()
            settle(store, pending)
            settle_s += [(time.process_time() - t) / len(pending)] * len(pending)
            pending.clear()
            k = (len(cluster_s) - 1) // 1000 * 1000  # the slice of 1,000 this settle step ends
            # a long replay reports as it goes (stderr), so an interrupted run still tells how the cost grew
            print(f"{density} {k + 1}-{len(cluster_s)}: cluster {1000 * sum(cluster_s[k:]) / len(cluster_s[k:]):.1f} "
                  f"ms, settle {1000 * sum(settle_s[k:]) / len(settle_s[k:]):.1f} ms", file=sys.stderr, flush=True)
    slices = [{"articles": f"{k + 1}-{min(k + 1000, n)}",
               "cluster_ms": round(1000 * sum(cluster_s[k:k + 1000]) / len(cluster_s[k:k + 1000]), 1),
               "settle_ms": round(1000 * sum(settle_s[k:k + 1000]) / len(settle_s[k:k + 1000]), 1)}
              for k in range(0, n, 1000)]
    return {"density": density, "n": n, "sources": len(pool),
            "events": len(store.list_clustered_events(limit=10**9)), "slices": slices}


def main_real(args: argparse.Namespace) -> int:
    if not SHARED.is_dir() or not dev_rows():
        print(f"skipped: --real replays the dev texts of {SHARED}/cluster*/articles.jsonl, which are absent")
        return 0
    for density in ("constant", "growing") if args.density == "both" else (args.density,):
        res = run_real(args.n, density)
        if args.json:
            print(json.dumps(res), flush=True)
            continue
        first, last = res["slices"][0], res["slices"][-1]
        growth = (last["cluster_ms"] + last["settle_ms"]) / max(first["cluster_ms"] + first["settle_ms"], 1e-9)
        print(f"{res['density']} density: {res['n']} copies of {res['sources']} real dev texts -> {res['events']} "
              f"events; cost per article last/first 1,000: {growth:.2f}x")
        print(f"{'articles':>12} {'cluster ms':>11} {'settle ms':>10}")
        for s in res["slices"]:
            print(f"{s['articles']:>12} {s['cluster_ms']:>11} {s['settle_ms']:>10}", flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description="newsdesk clustering cost benchmark")
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--slices", type=int, default=5)
    ap.add_argument("--real", action="store_true", help="replay real dev texts (../shared/eval/cluster*)")
    ap.add_argument("--density", choices=["constant", "growing", "both"], default="both")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.real:
        return main_real(args)
    from newsdesk.cluster.incremental import Clusterer
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
