#!/usr/bin/env python3
"""Ingest -> annotate throughput on ~700-word articles, on 1 core and on all cores, with peak RSS.

usage: python bench/annotate.py [--n 120] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import CITIES, NAMES, sentence  # noqa: E402  (the same generator as the ingest bench)

QUOTES = ['"We will not accept this," {n} said.', "{n} told reporters that the talks had failed.",
          '“The council must act now,” said {n}.', "According to {n}, the vote was delayed until Tuesday."]


def article(i: int) -> str:
    rng = random.Random(i)
    paras, words = [], 0
    while words < 700:
        para = " ".join(sentence(rng) for _ in range(2))
        if rng.random() < 0.4:
            para += " " + rng.choice(QUOTES).format(n=rng.choice(NAMES))
        paras.append(para)
        words += len(para.split())
    title = f"Talks in {rng.choice(CITIES)} end without agreement ({i})"
    return "\n\n".join([title, f"{1 + i % 28} March 2023, 10:00", f"By {rng.choice(NAMES)}", *paras])


def run(n: int, workers: int) -> dict:
    from newsdesk.pipeline import ingest_paths
    from newsdesk.store import open_store

    tmp = Path(tempfile.mkdtemp())
    (tmp / "in").mkdir()
    for i in range(n):
        (tmp / "in" / f"{i:05d}.txt").write_text(article(i), encoding="utf-8")
    (tmp / "warm").mkdir()
    (tmp / "warm" / "w.txt").write_text(article(n + 1), encoding="utf-8")
    # warm-up (models, KB, gazetteer, patterns, language and stop-word lists) is not part of the
    # steady-state figure: one article through the whole pipeline, in this process, into its own store
    t_load = time.perf_counter()
    ingest_paths([str(tmp / "warm")], open_store(str(tmp / "w.db")), workers=1)
    load_s = time.perf_counter() - t_load
    store = open_store(str(tmp / "b.db"))
    cpu0 = _cpu()
    sampler = _MemorySampler()
    sampler.start()
    t0 = time.perf_counter()
    report = ingest_paths([str(tmp / "in")], store, workers=workers)
    secs = time.perf_counter() - t0
    sampler.stop()
    cpu = [b - a for a, b in zip(cpu0, _cpu(), strict=True)]
    cpu[0] -= sampler.cpu_s  # reading /proc costs the reader: not the pipeline's time
    assert report.ingested == n and not report.failed, report.summary()
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # CPU time per article does not depend on what else runs on the machine (wall time does): it gives
    # the articles/s that the same cores would reach when the machine is otherwise idle
    cpu_ms = 1000 * sum(cpu) / n
    return {"workers": workers, "n": n, "load_s": round(load_s, 2), "seconds": round(secs, 2),
            "articles_per_s": round(n / secs, 2), "cpu_ms_per_article": round(cpu_ms, 1),
            "parent_cpu_ms_per_article": round(1000 * cpu[0] / n, 1),
            "idle_articles_per_s": round(workers * 1000 / cpu_ms, 1),
            "peak_rss_mb": round(max(self_mb, child_mb), 1), "peak_total_rss_mb": round(sampler.rss_mb, 1),
            "peak_total_pss_mb": round(sampler.pss_mb, 1), "loadavg_1min": os.getloadavg()[0]}


class _MemorySampler(threading.Thread):
    """Peak memory of this process and its pool workers together, sampled every 0.5 s: the sum of their
    RSS (pages shared by the forked workers counted in each) and of their PSS (shared pages split)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.rss_mb = self.pss_mb = self.cpu_s = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.5):
            self._sample()
        self.cpu_s = time.thread_time()

    def _sample(self) -> None:
        rss = pss = 0.0
        for pid in [os.getpid(), *_children(os.getpid())]:
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    fields = dict(line.split(":", 1) for line in f if line[:3] in ("Rss", "Pss"))
            except OSError:
                continue
            rss += int(fields.get("Rss", "0 kB").split()[0]) / 1024
            pss += int(fields.get("Pss", "0 kB").split()[0]) / 1024
        self.rss_mb, self.pss_mb = max(self.rss_mb, rss), max(self.pss_mb, pss)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def _cpu() -> tuple[float, float]:
    """User + system CPU seconds of this process and of its (finished) child processes."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description="newsdesk annotate benchmark")
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--workers", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.workers:
        print(json.dumps(run(args.n, args.workers)))
        return 0
    rows = []
    for w in sorted({1, os.cpu_count() or 1}):
        r = subprocess.run([sys.executable, __file__, "--n", str(args.n), "--workers", str(w)],
                           capture_output=True, text=True, check=True)
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    words = len(article(0).split())
    print(f"ingest -> annotate, {args.n} articles of ~{words} words")
    print(f"{'workers':>7} {'art/s':>7} {'CPU ms/art':>10} {'(parent)':>8} {'art/s idle':>10} {'peak RSS MB':>11} "
          f"{'all RSS':>7} {'all PSS':>7} {'load s':>6} {'loadavg':>7}")
    for r in rows:
        print(f"{r['workers']:>7} {r['articles_per_s']:>7} {r['cpu_ms_per_article']:>10} "
              f"{r['parent_cpu_ms_per_article']:>8} {r['idle_articles_per_s']:>10} {r['peak_rss_mb']:>11} "
              f"{r['peak_total_rss_mb']:>7} {r['peak_total_pss_mb']:>7} {r['load_s']:>6} {r['loadavg_1min']:>7.2f}")
    print("art/s idle: workers / CPU time per article, what the cores give when nothing else runs;\n"
          "peak RSS: the largest process; all RSS / PSS: parent and workers together (PSS splits shared pages)")
    print("target: >= 20 articles/s on 2 cores, peak RSS < 1.5 GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
