#!/usr/bin/env python3
"""Ingest throughput and memory: N synthetic articles as plain text and as HTML, through extract + store,
with trafilatura alone on the same HTML beside it. Each mode runs in its own process so peak RSS is its own.
`--pages FILE` adds real pages (JSONL, gzip or not, one {"html", "url"} object a line, e.g. an eval set's
articles.jsonl): newsdesk's HTML extraction and trafilatura alone on the same N pages, and trafilatura with its
metadata (title, author, date: what newsdesk also reads) for reference. Rows give wall-clock pages/s and CPU
seconds: on a shared machine the CPU ratio is the steadier of the two, and the ratio reported for real pages is
measured in one process that alternates the two extractors every few pages, so that other work on the machine
weighs on both alike.

usage: python bench/ingest.py [--n 300] [--pages FILE.jsonl[.gz]] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("minister government talks border agreement sanctions council delegation summit vote envoy "
         "parliament treaty ceasefire embassy official statement meeting capital region security trade "
         "economy election court protest spokesman president foreign defence cabinet crisis").split()
NAMES = ["Anna Berg", "Tomas Novak", "Leila Haddad", "Kenji Sato", "Maria Costa", "Olu Adeyemi"]
CITIES = ["Geneva", "Vienna", "Nairobi", "Jakarta", "Lima", "Oslo", "Warsaw", "Seoul"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    words.insert(rng.randint(0, 5), rng.choice(NAMES))
    words.insert(rng.randint(6, 10), "in " + rng.choice(CITIES))
    return " ".join(words).capitalize() + "."


def article(i: int) -> tuple[str, str, list[str]]:
    rng = random.Random(i)
    title = f"{rng.choice(NAMES)} {rng.choice(WORDS)} {rng.choice(WORDS)} in {rng.choice(CITIES)} ({i})"
    paras = [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(6, 10))]
    return title, f"By {rng.choice(NAMES)}", paras


def as_text(i: int) -> str:
    title, byline, paras = article(i)
    body = list(paras)
    body.insert(2, "READ MORE: " + article(i + 10**6)[0])
    return "\n\n".join([title, f"{1 + i % 28} March 2023, 10:{i % 60:02d}", byline, *body, "Share this article"])


def as_html(i: int) -> str:
    title, byline, paras = article(i)
    ps = "".join(f"<p>{p}</p>" for p in paras)
    nav = "".join(f'<li><a href="/s{k}">Section {k}</a></li>' for k in range(12))
    related = "".join(f'<li><a href="/r{k}">{article(i + k + 1)[0]}</a></li>' for k in range(5))
    return (f'<!doctype html><html lang="en"><head><title>{title} | Bench Post</title>'
            f'<meta property="og:site_name" content="Bench Post">'
            f'<meta property="article:published_time" content="2023-03-{1 + i % 28:02d}T10:00:00Z"></head><body>'
            f"<header><ul>{nav}</ul></header><main><article><h1>{title}</h1><p class=byline>{byline}</p>{ps}"
            f"</article><aside><h3>Related</h3><ul>{related}</ul></aside></main>"
            f"<footer><p>Copyright 2023 Bench Post. All rights reserved.</p></footer></body></html>")


def real_pages(path: str, n: int) -> list[tuple[str, str | None]]:
    """The first `n` pages of a JSONL file of {"html", "url"} objects."""
    raw = Path(path).read_bytes()
    lines = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8").splitlines()
    pages = [(o["html"], o.get("url")) for o in map(json.loads, filter(str.strip, lines)) if o.get("html")]
    return pages[:n]


INTERLEAVE = 10  # pages per turn when the two extractors alternate


def warm_up(html: str) -> None:
    """Imports and first-use setup, which are not per-page costs: dateparser (htmldate's parser of last resort)
    compiles its ~200 locales' patterns on its first call, about 2 s once per process."""
    import trafilatura
    from htmldate.extractors import external_date_parser

    from newsdesk.extract.html import extract_html

    external_date_parser("12 tools for 2026", "%Y-%m-%d")
    extract_html(html)
    trafilatura.extract(html, with_metadata=True)


def interleaved(pages: list[tuple[str, str | None]]) -> dict:
    """CPU seconds of newsdesk's extraction and of trafilatura alone on the same pages, taking turns."""
    import trafilatura

    from newsdesk.extract.html import extract_html

    warm_up(pages[0][0])
    ours = theirs = 0.0
    for start in range(0, len(pages), INTERLEAVE):
        turn = pages[start:start + INTERLEAVE]
        c0 = time.process_time()
        for html, url in turn:
            extract_html(html, url=url)
        c1 = time.process_time()
        for html, url in turn:
            trafilatura.extract(html, url=url, include_comments=False)
        ours, theirs = ours + c1 - c0, theirs + time.process_time() - c1
    return {"mode": "real_interleaved", "n": len(pages), "cpu_seconds": round(ours, 2),
            "trafilatura_cpu_seconds": round(theirs, 2)}


def run_mode(mode: str, n: int, pages_file: str | None = None) -> dict:
    """Runs in a child process: one mode, returns its figures."""
    if mode == "real_interleaved":
        return interleaved(real_pages(pages_file, n))
    tmp = Path(tempfile.mkdtemp())
    if mode in ("extract_html", "trafilatura", "real_extract_html", "real_trafilatura", "real_trafilatura_meta"):
        import trafilatura

        from newsdesk.extract.html import extract_html

        pages = real_pages(pages_file, n) if mode.startswith("real_") else [(as_html(i), None) for i in range(n)]
        n = len(pages)
        warm_up(pages[0][0])
        with_metadata = mode.endswith("_meta")
        if mode.endswith("extract_html"):
            t0, c0 = time.perf_counter(), time.process_time()
            for html, url in pages:
                extract_html(html, url=url)
        else:
            t0, c0 = time.perf_counter(), time.process_time()
            for html, url in pages:
                trafilatura.extract(html, url=url, include_comments=False, with_metadata=with_metadata)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    else:
        from newsdesk.pipeline import ingest_paths
        from newsdesk.store import open_store

        src = tmp / "in"
        src.mkdir()
        for i in range(n):
            if mode == "text":
                (src / f"{i:06d}.txt").write_text(as_text(i), encoding="utf-8")
            else:
                (src / f"{i:06d}.html").write_text(as_html(i), encoding="utf-8")
        store = open_store(str(tmp / "bench.db"))
        t0 = time.perf_counter()
        # cleaning and storage only: annotation and clustering have their own benches
        c0 = time.process_time()
        report = ingest_paths([str(src)], store, annotate=False, cluster=False)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        store.close()
        assert report.ingested == n, report.summary()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"mode": mode, "n": n, "seconds": round(secs, 2), "articles_per_s": round(n / secs, 1),
            "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(rss_mb, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description="newsdesk ingest benchmark")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--pages", help="JSONL (or .jsonl.gz) of real pages, {\"html\", \"url\"} a line")
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.n, args.pages)))
        return 0
    rows = []
    modes = ["text", "html", "extract_html", "trafilatura"]
    if args.pages:
        modes += ["real_extract_html", "real_trafilatura", "real_trafilatura_meta", "real_interleaved"]
    for mode in modes:
        cmd = [sys.executable, __file__, "--mode", mode, "--n", str(args.n)] + (["--pages", args.pages]
                                                                               if args.pages else [])
        r = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
    by = {r["mode"]: r for r in rows}
    ratios = {"synthetic pages": by["trafilatura"]["articles_per_s"] / by["extract_html"]["articles_per_s"],
              "synthetic pages (CPU)": by["extract_html"]["cpu_seconds"] / by["trafilatura"]["cpu_seconds"]}
    if args.pages:
        ratios["real pages"] = by["real_trafilatura"]["articles_per_s"] / by["real_extract_html"]["articles_per_s"]
        ratios["real pages (CPU)"] = by["real_extract_html"]["cpu_seconds"] / by["real_trafilatura"]["cpu_seconds"]
        turns = by.pop("real_interleaved")
        rows.remove(turns)
        ratios["real pages (CPU, the two taking turns)"] = turns["cpu_seconds"] / turns["trafilatura_cpu_seconds"]
    if args.json:
        print(json.dumps({"rows": rows, "html_cost_vs_trafilatura": {k: round(v, 2) for k, v in ratios.items()}},
                         indent=2))
        return 0
    print(f"{'mode':<38} {'n':>5} {'pages/s':>8} {'CPU s':>7} {'peak RSS MB':>12}")
    labels = {"text": "newsdesk ingest, text", "html": "newsdesk ingest, HTML",
              "extract_html": "extract_html alone, HTML", "trafilatura": "trafilatura alone, HTML",
              "real_extract_html": "extract_html alone, real pages", "real_trafilatura": "trafilatura alone, real pages",
              "real_trafilatura_meta": "trafilatura + metadata, real pages"}
    for r in rows:
        print(f"{labels[r['mode']]:<38} {r['n']:>5} {r['articles_per_s']:>8} {r['cpu_seconds']:>7} "
              f"{r['peak_rss_mb']:>12}")
    for kind, ratio in ratios.items():
        print(f"HTML extraction on {kind} costs {ratio:.2f}x trafilatura alone on the same pages (target <= 1.2x)")
    print("ingest adds reading, language detection and storage to extraction")
    return 0


if __name__ == "__main__":
    sys.exit(main())
