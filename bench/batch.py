#!/usr/bin/env python3
"""Batch throughput and memory: a WARC of N synthetic HTML articles (warcio) through `newsdesk batch` with
--engine local and --engine spark (local mode), reporting articles/s, peak RSS per worker process, and the
projected hours for one CC-NEWS day (~250k articles) on a 16-core machine.

Each engine runs in its own process so peak RSS is its own. Annotation runs when its models and knowledge
base are installed; otherwise (or with --no-annotate) the figures cover ingest + extract + Parquet only, and
the report says so.

usage: python bench/batch.py [--n 400] [--workers 2] [--engines local,spark] [--no-annotate] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import as_html  # noqa: E402  (the same article generator as the ingest bench)

CC_NEWS_DAY = 250_000
TARGET_CORES = 16


def write_warc(path: Path, n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)
        for i in range(n):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            body = io.BytesIO(as_html(i).encode("utf-8"))
            w.write_record(w.create_warc_record(f"https://bench.example/{i}", "response", payload=body,
                                                http_headers=http))


def annotation_available() -> bool:
    try:
        from newsdesk.annotate import _resources

        _resources()
        return True
    except Exception:
        return False


def run(warc: str, engine: str, workers: int, annotate: bool) -> dict:
    from newsdesk.batch import run_batch

    out = tempfile.mkdtemp(prefix=f"nd-batch-{engine}-")
    t0 = time.perf_counter()
    m = run_batch([warc], out, engine=engine, workers=workers, annotate=annotate, driver_memory="1g")
    secs = time.perf_counter() - t0
    task_secs = sum(t["seconds"] - t["load_seconds"] for t in m["tasks"])  # model load amortises over a day
    n = m["counts"]["articles"]
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"engine": engine, "workers": workers, "annotate": annotate, "n": n, "errors": m["counts"]["errors"],
            "seconds": round(secs, 2), "articles_per_s": round(n / secs, 2),
            # steady state: the tasks' own time, without JVM / pool start-up
            "articles_per_s_per_core": round(n / task_secs, 2) if task_secs else None,
            "model_load_s": max((t["load_seconds"] for t in m["tasks"]), default=0),
            "worker_peak_rss_mb": m["workers_peak_rss_mb"], "driver_peak_rss_mb": round(self_mb, 1)}


def project(r: dict) -> float | None:
    """Hours for one CC-NEWS day on TARGET_CORES cores, from the measured per-core steady-state rate."""
    rate = r.get("articles_per_s_per_core")
    return round(CC_NEWS_DAY / (rate * TARGET_CORES) / 3600, 2) if rate else None


def main() -> int:
    ap = argparse.ArgumentParser(description="newsdesk batch benchmark")
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engines", default="local,spark")
    ap.add_argument("--no-annotate", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", nargs=3, metavar=("WARC", "ENGINE", "ANNOTATE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        warc, engine, annotate = args.child
        print(json.dumps(run(warc, engine, args.workers, annotate == "1")))
        return 0
    annotate = not args.no_annotate and annotation_available()
    tmp = Path(tempfile.mkdtemp(prefix="nd-bench-"))
    warc = tmp / "bench.warc.gz"
    write_warc(warc, args.n)
    rows = []
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        if engine == "spark":
            from newsdesk.batch.engines import spark_available

            problem = spark_available()
            if problem:
                print(f"spark skipped: {problem}", file=sys.stderr)
                continue
        r = subprocess.run([sys.executable, __file__, "--workers", str(args.workers), "--child", str(warc), engine,
                            "1" if annotate else "0"], capture_output=True, text=True, env={**os.environ})
        if r.returncode:
            print(r.stderr[-2000:], file=sys.stderr)
            return r.returncode
        row = json.loads(r.stdout.strip().splitlines()[-1])
        row["projected_hours_cc_news_day_16_cores"] = project(row)
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    stages = "ingest -> extract -> annotate -> code -> Parquet" if annotate else \
        "ingest -> extract -> Parquet (annotation NOT included: models/KB unavailable or --no-annotate)"
    print(f"newsdesk batch, {args.n} synthetic HTML articles in one WARC.gz, {args.workers} workers: {stages}")
    print(f"{'engine':>7} {'art/s':>8} {'art/s/core':>11} {'wall s':>7} {'load s':>7} {'worker peak RSS MB':>22} "
          f"{'h for 250k on 16 cores':>23}")
    for r in rows:
        rss = ", ".join(f"{x:.0f}" for x in r["worker_peak_rss_mb"])
        print(f"{r['engine']:>7} {r['articles_per_s']:>8} {r['articles_per_s_per_core']:>11} {r['seconds']:>7} "
              f"{r['model_load_s']:>7} {rss:>22} {r['projected_hours_cc_news_day_16_cores']:>23}")
    print("art/s is end to end (including JVM / pool start-up); art/s/core is the tasks' steady state, which the "
          "projection scales linearly (per-file tasks share nothing).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
