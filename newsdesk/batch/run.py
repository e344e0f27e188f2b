"""`newsdesk batch`: plan tasks over the input files, run them on an engine, and write the run manifest
(`newsdesk.run`'s one shape: versions, settings, inputs with digests, counts, one line per bad record)
beside the Parquet tables."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsdesk.batch.engines import ENGINES, run_local, run_spark
from newsdesk.batch.partition import TaskConfig, load_annotation, plan_tasks
from newsdesk.batch.tables import TABLES
from newsdesk.errors import NewsdeskError
from newsdesk.ingest import STDIN, discover
from newsdesk.run import KIND, Run, input_record, new_manifest
from newsdesk.settings import Settings, load_settings

MANIFEST = "manifest.json"
MAX_ERRORS_IN_MANIFEST = 100_000  # beyond this, the manifest says how many more were left out


def check_annotation() -> None:
    """Load the NLP pipeline and KB once before any task starts, so a missing model fails the run with one
    line instead of failing every record."""
    try:
        load_annotation()
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
              annotate: bool | None = None, overwrite: bool = False, max_doc_bytes: int | None = None,
              driver_memory: str = "1g", settings: Settings | None = None,
              on_task: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Run the per-article stages over `inputs` (WARC/WARC.gz, JSONL, any format `newsdesk ingest` reads)
    as `settings` say (default: the built-in ones as NEWSDESK_<SECTION>_<KEY> variables change them) and
    write Parquet tables and `manifest.json` (the one run manifest shape, `newsdesk.run`) under `out`.
    `workers`, `annotate` and `max_doc_bytes` override single settings. Returns the manifest."""
    settings = settings or load_settings()
    a = settings.annotate
    settings = replace(settings, annotate=replace(
        a, workers=max(1, workers or a.workers or os.cpu_count() or 1),
        enabled=a.enabled if annotate is None else annotate),
        extract=settings.extract if max_doc_bytes is None else replace(
            settings.extract, max_size_mb=max_doc_bytes / (1024 * 1024)))
    workers, annotate = settings.annotate.workers or 1, settings.annotate.enabled
    if engine not in ENGINES:
        raise NewsdeskError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if STDIN in inputs:
        raise NewsdeskError("batch reads files, not standard input; save it to a file first")
    out = Path(out)
    files, missing = discover(inputs)
    if not files:
        raise NewsdeskError("no input files found" + (f" ({missing[0]})" if missing else ""))
    prepare_out(out, overwrite)
    if annotate:
        check_annotation()
    tasks = plan_tasks(files, workers)
    options = {"engine": engine, "tasks": len(tasks), "slices_per_file": tasks[0].n_slices if tasks else 1,
               **({"spark_master": f"local[{workers},2]", "spark_driver_memory": driver_memory}
                  if engine == "spark" else {})}
    with Run(ManifestFile(out), "batch", settings, inputs=[input_record(f) for f in files], options=options) as run:
        cfg = TaskConfig(out=str(out), annotate=annotate, annotator_version=run.manifest["versions"]["annotator"],
                         max_doc_bytes=settings.extract.max_doc_bytes, batch_size=settings.annotate.batch_size,
                         code=settings.code.enabled, extract_timeout=settings.extract.time_limit)
        if engine == "spark":
            summaries = run_spark(tasks, cfg, workers, driver_memory=driver_memory, on_task=on_task)
        else:
            summaries = run_local(tasks, cfg, workers, on_task=on_task)
        summarise(run.manifest, [f"{e.source}: {e.problem}" for e in missing], summaries)
    return run.manifest


class ManifestFile:
    """A batch's ledger for its `Run`: the manifest is written to `<out>/manifest.json` when the run ends,
    and only when it ended whole, since the file's presence marks a complete batch (`read_manifest`)."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def start_run(self, manifest: dict[str, Any]) -> int:
        return 0

    def finish_run(self, run_id: int | None, manifest: dict[str, Any]) -> None:
        if manifest["interrupted"]:
            return
        tmp = self.out / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.out / MANIFEST)  # whole or absent, never half written


def build_manifest(files: list[str], input_errors: list[str], summaries: list[dict[str, Any]],
                   v: dict[str, Any], options: dict[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """A batch's run manifest made after the fact (for a batch written by other means): versions `v` (over
    those of the stages `settings` run), settings, options, inputs, and what `summarise` adds."""
    manifest = new_manifest("batch", settings or load_settings(), inputs=[input_record(f) for f in files],
                            options=options)
    manifest["versions"] = {**manifest["versions"], **v}
    summarise(manifest, input_errors, summaries)
    return manifest


def summarise(manifest: dict[str, Any], input_errors: list[str], summaries: list[dict[str, Any]]) -> None:
    """Fill a batch run's `manifest` from its task `summaries`: counts summed over them, one line per bad
    record (inputs not found first), the part files and tasks under `detail`."""
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
    if len(errors) > MAX_ERRORS_IN_MANIFEST:
        counts["errors_left_out"] = len(errors) - MAX_ERRORS_IN_MANIFEST
    manifest.update({"counts": counts, "errors": errors[:MAX_ERRORS_IN_MANIFEST], "detail": {
        "tables": {t: f"{t}/published_date=*/part-*.parquet" for t in TABLES},
        "tasks": [{k: s[k] for k in ("task", "path", "slice", "records", "articles", "seconds", "load_seconds", "pid",
                                     "peak_rss_mb")} for s in summaries],
        "workers_peak_rss_mb": sorted(workers.values(), reverse=True),
    }})


def read_manifest(batch_dir: str | Path) -> dict[str, Any]:
    p = Path(batch_dir) / MANIFEST
    if not p.is_file():
        raise NewsdeskError(f"{batch_dir}: not a complete newsdesk batch (no {MANIFEST}); run "
                            "`newsdesk batch INPUT... --out DIR` first")
    try:
        manifest = json.loads(p.read_text(encoding="utf-8"))
    except ValueError as e:
        raise NewsdeskError(f"{p}: unreadable manifest ({e})") from None
    if not is_batch(manifest):
        raise NewsdeskError(f"{batch_dir}: {manifest.get('kind')!r} is not a newsdesk batch manifest")
    return manifest


def is_batch(manifest: Any) -> bool:
    """A batch's manifest: the one run shape with entry "batch", or the batch shape of format 1."""
    if not isinstance(manifest, dict):
        return False
    return manifest.get("kind") == "newsdesk-batch" or (manifest.get("kind") == KIND and manifest.get("entry") == "batch")
