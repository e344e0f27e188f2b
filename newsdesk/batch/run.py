"""`newsdesk batch`: plan tasks over the input files, run them on an engine, and write the run manifest
(inputs with digests, versions, config, counts, one line per bad record) beside the Parquet tables."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsdesk import __version__
from newsdesk.batch.engines import ENGINES, run_local, run_spark
from newsdesk.batch.partition import TaskConfig, plan_tasks
from newsdesk.batch.tables import TABLES
from newsdesk.errors import NewsdeskError

MANIFEST = "manifest.json"
MAX_ERRORS_IN_MANIFEST = 100_000  # beyond this, the manifest says how many more were left out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


@lru_cache(maxsize=1)
def versions(annotate: bool = True) -> dict[str, Any]:
    """newsdesk, annotator, knowledge-base and event-pattern versions (what makes a run reproducible)."""
    out: dict[str, Any] = {"newsdesk": __version__, "annotator": None, "coder": None, "kb": None,
                           "patterns": None}
    if annotate:
        from newsdesk.annotate import ANNOTATOR_VERSION

        out["annotator"] = ANNOTATOR_VERSION
        try:
            from newsdesk.kb import load_kb

            out["kb"] = str(getattr(load_kb(), "version", None) or "") or None
        except Exception as e:  # the KB is optional until it lands; say why it is missing
            out["kb_error"] = f"{e.__class__.__name__}: {str(e)[:80]}"
        out["coder"] = _coder_version()
    out["patterns"] = _pattern_version()
    return out


def _pattern_version() -> str | None:
    """The event-pattern dictionary's declared version with a digest of the code stage's data files (CAMEO,
    PLOVER, patterns), so an edit that forgot to bump the version still shows."""
    declared = None
    try:
        from newsdesk.code.patterns import lexicon

        declared = str(lexicon().version)
    except Exception:  # the code stage is optional here: the digest still identifies the data
        pass
    try:
        data = Path(__file__).resolve().parents[1] / "code" / "data"
        h = hashlib.sha256()
        for f in sorted(data.iterdir(), key=lambda p: p.name):
            if f.is_file():
                h.update(f.name.encode() + b"\0" + f.read_bytes())
        digest = "sha256:" + h.hexdigest()[:16]
    except OSError:
        digest = None
    return " ".join(x for x in (declared and f"v{declared}", digest) if x) or None


def _coder_version() -> str | None:
    try:
        from newsdesk.code import coder_version

        return coder_version()
    except Exception:
        return None


def check_annotation() -> None:
    """Load the NLP pipeline and KB once before any task starts, so a missing model fails the run with one
    line instead of failing every record."""
    try:
        from newsdesk.annotate import _resources

        _resources()
    except Exception as e:
        raise NewsdeskError(f"annotation is not available here ({e.__class__.__name__}: {str(e)[:120]}); "
                            "install the models and knowledge base, or run with --no-annotate") from None


def prepare_out(out: Path, overwrite: bool) -> None:
    existing = [p for p in (out / MANIFEST, *(out / t for t in TABLES)) if p.exists()]
    if existing and not overwrite:
        raise NewsdeskError(f"{out} already holds batch output ({existing[0].name}); choose another --out "
                            "or pass --overwrite")
    for p in existing:
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    out.mkdir(parents=True, exist_ok=True)


def run_batch(inputs: list[str], out: str | Path, *, engine: str = "local", workers: int | None = None,
              annotate: bool = True, overwrite: bool = False, max_doc_bytes: int = 20 * 1024 * 1024,
              driver_memory: str = "1g", on_task: Callable[[dict[str, Any]], None] | None = None
              ) -> dict[str, Any]:
    """Run the per-article stages over `inputs` (WARC/WARC.gz, JSONL, any format `newsdesk ingest` reads)
    and write Parquet tables and `manifest.json` under `out`. Returns the manifest."""
    from newsdesk.ingest import STDIN, discover

    if engine not in ENGINES:
        raise NewsdeskError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if STDIN in inputs:
        raise NewsdeskError("batch reads files, not standard input; save it to a file first")
    out = Path(out)
    workers = max(1, workers or os.cpu_count() or 1)
    files, missing = discover(inputs)
    if not files:
        raise NewsdeskError("no input files found" + (f" ({missing[0]})" if missing else ""))
    prepare_out(out, overwrite)
    if annotate:
        check_annotation()
    v = versions(annotate)
    started, t0 = _now(), time.perf_counter()
    cfg = TaskConfig(out=str(out), annotate=annotate, annotator_version=v["annotator"], max_doc_bytes=max_doc_bytes)
    tasks = plan_tasks(files, workers)
    if engine == "spark":
        summaries = run_spark(tasks, cfg, workers, driver_memory=driver_memory, on_task=on_task)
    else:
        summaries = run_local(tasks, cfg, workers, on_task=on_task)
    manifest = build_manifest(files, [f"{e.source}: {e.problem}" for e in missing], summaries, v, {
        "engine": engine, "workers": workers, "annotate": annotate, "max_doc_bytes": max_doc_bytes,
        "tasks": len(tasks), "slices_per_file": tasks[0].n_slices if tasks else 1,
        **({"spark_master": f"local[{workers},2]", "spark_driver_memory": driver_memory} if engine == "spark" else {}),
    })
    manifest.update({"started_at": started, "finished_at": _now(), "seconds": round(time.perf_counter() - t0, 2)})
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out / MANIFEST)  # written last: its presence marks a complete batch
    return manifest


def build_manifest(files: list[str], input_errors: list[str], summaries: list[dict[str, Any]],
                   v: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    counts: dict[str, Any] = {"records": 0, "articles": 0, "annotated": 0, "duplicates_in_partition": 0,
                              "errors": len(input_errors), "rows": {t: 0 for t in TABLES}, "dates": {}}
    errors = list(input_errors)
    workers: dict[int, float] = {}
    for s in summaries:
        counts["records"] += s["records"]
        counts["articles"] += s["articles"]
        counts["annotated"] += s["annotated"]
        counts["duplicates_in_partition"] += s["duplicates"]
        counts["errors"] += len(s["errors"])
        errors.extend(s["errors"])
        for t, n in s["rows"].items():
            counts["rows"][t] += n
        for d, n in s["dates"].items():
            counts["dates"][d] = counts["dates"].get(d, 0) + n
        workers[s["pid"]] = max(workers.get(s["pid"], 0.0), s["peak_rss_mb"])
    counts["dates"] = dict(sorted(counts["dates"].items()))
    return {
        "kind": "newsdesk-batch", "format_version": 1,
        "versions": v,
        "inputs": [{"path": f, "sha256": file_digest(f), "bytes": _size(f)} for f in files],
        "config": config,
        "counts": counts,
        "tables": {t: f"{t}/published_date=*/part-*.parquet" for t in TABLES},
        "errors": errors[:MAX_ERRORS_IN_MANIFEST],
        **({"errors_left_out": len(errors) - MAX_ERRORS_IN_MANIFEST} if len(errors) > MAX_ERRORS_IN_MANIFEST else {}),
        "tasks": [{k: s[k] for k in ("task", "path", "slice", "records", "articles", "seconds", "load_seconds", "pid",
                                     "peak_rss_mb")} for s in summaries],
        "workers_peak_rss_mb": sorted(workers.values(), reverse=True),
    }


def _size(path: str) -> int | None:
    try:
        return Path(path).stat().st_size
    except OSError:
        return None


def read_manifest(batch_dir: str | Path) -> dict[str, Any]:
    p = Path(batch_dir) / MANIFEST
    if not p.is_file():
        raise NewsdeskError(f"{batch_dir}: not a complete newsdesk batch (no {MANIFEST}); run "
                            "`newsdesk batch INPUT... --out DIR` first")
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except ValueError as e:
        raise NewsdeskError(f"{p}: unreadable manifest ({e})") from None
