#!/usr/bin/env python3
"""Run newsdesk over the gold sets in ../shared/eval (and the seeds) and score each export with the
scorers in ../shared/tools, printing one table.

usage: python scripts/eval.py [--shared DIR] [--sets extract,extract_text,seeds]
                              [--half all|tune|report|dev|test] [--keep DIR] [--json] [--embeddings]

`--half tune` scores the first half of each set's articles (file order), `--half report` the second half:
thresholds are tuned on the first half and reported on the second. `--half dev` / `--half test` split each set
once by a seeded hash of the article id (about 60 / 40): errors are read on `dev` only, and `test` is the frozen
part that is only ever scored (the event sets are split this way).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from htmldate import find_date

from newsdesk.cluster.incremental import Clusterer
from newsdesk.cluster.linkage import LinkConfig
from newsdesk.cluster.rebuild import recluster
from newsdesk.export import export_jsonl
from newsdesk.pipeline import ingest_paths
from newsdesk.store import open_store

ROOT = Path(__file__).resolve().parents[1]

# name -> (input file under eval/, scorer, gold argument, headline metrics)
SETS = {
    "extract": ("extract/articles.jsonl", "score_extract.py", "extract", ["f1", "precision", "recall", "page_f1"]),
    "extract_text": ("extract/articles_text.jsonl", "score_extract.py", "extract",
                     ["f1", "precision", "recall", "page_f1"]),
    "quotes": ("quotes/articles.jsonl", "score_quotes.py", "quotes", ["f1", "speaker_acc", "e2e_f1", "direct.f1",
                                                                      "direct.speaker_acc"]),
    "time": ("time/articles.jsonl", "score_time.py", "time", ["value_f1", "relaxed_f1", "strict_f1"]),
    "places": ("places/articles.jsonl", "score_places.py", "places", ["f1", "acc161"]),
    "cluster": ("cluster/articles.jsonl", "score_cluster.py", "cluster", ["bcubed_f1", "bcubed_p", "bcubed_r",
                                                                          "mixed_topic_share",
                                                                          "per_article.bcubed_f1",
                                                                          "per_article.mixed_topic_share",
                                                                          "recluster.bcubed_f1",
                                                                          "recluster.mixed_topic_share"]),
    "cluster_politics": ("cluster-politics/articles.jsonl", "score_cluster.py", "cluster-politics",
                         ["bcubed_f1", "bcubed_p", "bcubed_r"]),
    "events": ("events/articles.jsonl", "score_events.py", "events", ["root_f1", "type_only_f1", "full_f1"]),
    "article_events": ("article-events/articles.jsonl", "score_article_events.py", "article-events",
                       ["precision", "recall", "usable_p"]),
    "plv": ("events-plv/articles.jsonl", "score_plv.py", "events-plv", ["type_acc", "triple_f1", "source_acc",
                                                                       "target_acc", "coverage"]),
    "extract_wcxb": ("extract-wcxb/articles.jsonl.gz", "score_wcxb.py", "extract-wcxb",
                     ["word_f1", "date_acc", "date_none", "date_wrong", "htmldate.date_acc", "htmldate.date_none",
                      "htmldate.date_wrong", "title_acc", "without_rate"]),
    "seeds": ("../seeds", "score_seeds.py", "../seeds/expected.json", ["passed", "checks"]),
}


def frozen_test(article_id: str) -> bool:
    """The seeded split: an article is in the frozen test part when its id hashes into the top 40%."""
    digest = hashlib.sha256(f"newsdesk-split-1:{article_id}".encode()).digest()
    return digest[0] / 256 >= 0.6


def subset(src: Path, half: str, tmp: Path) -> Path:
    if half == "all" or src.is_dir():
        return src
    raw = gzip.decompress(src.read_bytes()) if src.suffix == ".gz" else src.read_bytes()
    lines = [ln for ln in raw.decode("utf-8").split("\n") if ln.strip()]
    if half in ("dev", "test"):
        keep = [ln for ln in lines if frozen_test(str(json.loads(ln).get("id"))) == (half == "test")]
    else:
        mid = len(lines) // 2
        keep = lines[:mid] if half == "tune" else lines[mid:]
    out = tmp / f"{src.stem}-{half}.jsonl"
    out.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return out


def half_gold(src: Path, gold: Path, tmp: Path) -> Path:
    """A gold folder holding the rows of the articles in `src` only (and those articles, which the places
    scorer reads for offsets): scorers count a missing article's gold as missed, so scoring half of the
    articles against all of the gold would measure the split, not the system."""
    ids = {json.loads(ln).get("id") for ln in src.read_text(encoding="utf-8").split("\n") if ln.strip()}
    rows = [ln for ln in (gold / "gold.jsonl").read_text(encoding="utf-8").split("\n")
            if ln.strip() and json.loads(ln).get("id") in ids]
    out = tmp / f"{gold.name}-{src.stem}-gold"  # one folder per set: every set's input is articles.jsonl
    out.mkdir(parents=True, exist_ok=True)
    (out / "gold.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (out / "articles.jsonl").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    return out


def other_clusterings(store, src: Path, shared: Path, tmp: Path, gold_path: Path | None,
                      link_config: LinkConfig) -> dict:
    """The cluster set's scores for the two other ways of clustering the same stored articles: one article at a
    time in ingest order without the run's settle step, and `recluster`."""
    out = {}
    for mode in ("per_article", "recluster"):
        store.reset_clusters()
        if mode == "recluster":
            recluster(store, link_config=link_config)
        else:
            clusterer, ids = Clusterer(store), {r["external_id"]: r["id"] for r in store.iter_export()}
            for line in src.read_text(encoding="utf-8").split("\n"):  # in file (ingest) order
                if line.strip() and json.loads(line)["id"] in ids:
                    clusterer.add(store.get_article(ids[json.loads(line)["id"]]))
        export = tmp / f"cluster-{mode}.jsonl"
        with open(export, "w", encoding="utf-8") as f:
            export_jsonl(store, f)
        out[mode] = score("cluster", export, shared, tmp, gold_path)
    return out


def date_counts(published: dict[str, str | None], gold_dir: Path) -> dict:
    """Publication-date accuracy, no-date share and wrong-date count over the gold's dated pages, as the WCXB
    scorer counts them (a date is right when it starts with the gold day)."""
    right = none = wrong = 0
    for line in (gold_dir / "gold.jsonl").read_text(encoding="utf-8").split("\n"):
        gold = json.loads(line).get("publish_date") if line.strip() else None
        if not gold:
            continue
        found = published.get(json.loads(line)["id"])
        if not found:
            none += 1
        elif found.startswith(gold[:10]):
            right += 1
        else:
            wrong += 1
    n = right + none + wrong
    return {"date_acc": round(right / n, 4) if n else 0.0, "date_none": round(none / n, 4) if n else 0.0,
            "date_wrong": wrong}


def htmldate_anchor(src: Path, gold_dir: Path) -> dict:
    """The WCXB date figures of htmldate alone (extensive search, original date, the page's URL) on the same
    pages: the bar newsdesk's dates must beat (about 7 s for the 357 dev pages)."""
    published: dict[str, str | None] = {}
    raw = gzip.decompress(src.read_bytes()) if src.suffix == ".gz" else src.read_bytes()
    for line in raw.decode("utf-8").split("\n"):
        if not line.strip():
            continue
        page = json.loads(line)
        try:
            published[page["id"]] = find_date(page["html"], extensive_search=True, original_date=True,
                                              url=page.get("url"))
        except Exception:  # htmldate on a broken page: no date, as for newsdesk
            published[page["id"]] = None
    return date_counts(published, gold_dir)


def score(name: str, export: Path, shared: Path, tmp: Path, gold_path: Path | None = None) -> dict:
    _, scorer, gold, _ = SETS[name]
    cmd = [sys.executable, str(shared / "tools" / scorer), str(export), str(gold_path or shared / "eval" / gold)]
    if scorer == "score_extract.py":
        js = tmp / f"{name}.score.json"
        subprocess.run(cmd + ["--quiet", "--json", str(js)], check=False, capture_output=True, text=True)
        return json.loads(js.read_text())["metrics"]
    if scorer != "score_seeds.py":
        cmd.append("--json")
    if scorer == "score_quotes.py":  # core attributions, and direct quotes on their own
        direct = subprocess.run(cmd + ["--gold-set", "direct"], capture_output=True, text=True)
        res = json.loads(subprocess.run(cmd, capture_output=True, text=True).stdout)
        res["direct"] = json.loads(direct.stdout)
        return res
    r = subprocess.run(cmd, capture_output=True, text=True)
    if scorer == "score_seeds.py":
        last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
        nums = [int(t) for t in last.replace("/", " ").split() if t.isdigit()]
        return {"passed": nums[0] if nums else 0, "checks": nums[1] if len(nums) > 1 else 0, "summary": last}
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"output": r.stdout.strip()[-300:]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--half", choices=["all", "tune", "report", "dev", "test"], default="all")
    ap.add_argument("--keep", help="keep the databases and exports in this directory")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--embeddings", action="store_true",
                    help="cluster with sentence embeddings too (optional extra newsdesk[embeddings])")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not (shared / "eval").is_dir():
        print(f"eval: {shared}/eval not found; pass --shared DIR", file=sys.stderr)
        return 2
    link_config = LinkConfig(embeddings=args.embeddings)
    results = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(args.keep) if args.keep else Path(t)
        tmp.mkdir(parents=True, exist_ok=True)
        for name in args.sets.split(","):
            rel = SETS[name][0]
            src = subset((shared / "eval" / rel).resolve(), args.half, tmp)
            db = tmp / f"{name}.db"
            db.unlink(missing_ok=True)
            store = open_store(str(db))
            t0 = time.perf_counter()
            extract_only = name.startswith("extract")
            report = ingest_paths([str(src)], store, annotate=not extract_only, cluster=not extract_only,
                                  link_config=link_config)
            secs = time.perf_counter() - t0
            export = tmp / f"{name}.jsonl"
            with open(export, "w", encoding="utf-8") as f:
                export_jsonl(store, f)
            gold_path = half_gold(src, shared / "eval" / SETS[name][2], tmp) \
                if name != "seeds" and args.half != "all" else None
            res = score(name, export, shared, tmp, gold_path)
            if name == "cluster":
                res.update(other_clusterings(store, src, shared, tmp, gold_path, link_config))
            if name == "extract_wcxb":
                gold_dir = gold_path or shared / "eval" / SETS[name][2]
                with open(export, encoding="utf-8") as f:
                    ours = {r["external_id"]: r.get("published") for r in map(json.loads, f) if r.get("external_id")}
                res["date_wrong"] = date_counts(ours, gold_dir)["date_wrong"]
                res["htmldate"] = htmldate_anchor(src, gold_dir)
            store.close()
            res["_articles_per_s"] = round((report.ingested + report.new_sources + report.present) / secs, 1)
            res["_failed"] = len(report.failed)
            results[name] = res
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'set':<14} {'metric':<19} {'value':>8}   (half={args.half})")
    for name, res in results.items():
        for key in SETS[name][3]:
            v = res
            for part in key.split("."):
                v = v.get(part) if isinstance(v, dict) else None
            print(f"{name:<14} {key:<19} {v if isinstance(v, int) else f'{v:.3f}' if v is not None else '-':>8}")
        print(f"{name:<14} {'art/s':<19} {res['_articles_per_s']:>8}   failed inputs: {res['_failed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
