"""CLI commands for batch mode: `batch` (Parquet out, local pool or Spark), `load` (a batch into the store)
and `cluster` (load, then cluster in time order). Thin: the work is in `newsdesk.batch`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli_options import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    MaxSizeOpt,
    err,
    print_json,
    run_settings,
    store_at,
)


def batch(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="WARC / WARC.gz / JSONL shards (files, directories, globs).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output directory for the Parquet tables and "
                                          "manifest.json.")],
    engine: Annotated[str, typer.Option(help="local (process pool) or spark (pyspark in local mode).")] = "local",
    workers: Annotated[int | None, typer.Option("--workers", "-w", min=1,
                                                help="Processes / Spark cores (default: all cores).")] = None,
    annotate: Annotated[bool, typer.Option("--annotate/--no-annotate",
                                           help="Run annotation and event coding (else clean text only).")] = True,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an earlier batch in --out.")] = False,
    max_size_mb: MaxSizeOpt = 20.0,
    driver_memory: Annotated[str, typer.Option("--driver-memory", help="Spark driver memory.")] = "1g",
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run ingest -> extract -> annotate -> code over shards and write date-partitioned Parquet
    (articles, actors, mentions, quotes, places, timexes, events) with a run manifest.

    Example: newsdesk batch CC-NEWS-*.warc.gz --engine spark --workers 2 --out batch/
    """
    from newsdesk.batch import run_batch

    def on_task(s: dict) -> None:
        if not as_json and err.is_terminal:
            err.print(f"task {s['task']}: {s['articles']} articles, {len(s['errors'])} errors "
                      f"({Path(s['path']).name}, {s['seconds']:.1f}s)", markup=False)

    settings = run_settings(ctx, config, {"workers": ("annotate.workers", workers),
                                          "annotate": ("annotate.enabled", annotate),
                                          "max_size_mb": ("extract.max_size_mb", max_size_mb)})
    m = run_batch(inputs, out_dir, engine=engine, overwrite=overwrite, driver_memory=driver_memory,
                  settings=settings, on_task=on_task)
    c = m["counts"]
    if as_json:
        print_json({"ok": bool(c["articles"]) or not c["errors"], "out": str(out_dir), "seconds": m["seconds"],
                    **{k: c[k] for k in ("records", "articles", "annotated", "errors")}, "rows": c["rows"],
                    "errors": m["errors"]})
    else:
        for line in m["errors"][:20]:
            err.print(f"failed {line}", markup=False)
        if len(m["errors"]) > 20:
            err.print(f"... {len(m['errors']) - 20} more in {out_dir / 'manifest.json'}", markup=False)
        err.print(f"{c['articles']} articles ({c['annotated']} annotated, {c['rows']['events']} event mentions) "
                  f"from {c['records']} records, {c['errors']} errors, {len(c['dates'])} dates in "
                  f"{m['seconds']:.1f}s -> {out_dir}", markup=False)
    if c["errors"] and not c["articles"]:
        raise typer.Exit(1)


def load(batch_dir: Annotated[Path, typer.Argument(help="A directory `newsdesk batch` wrote.")],
         db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Import a batch into the database (idempotent: loading it twice changes nothing).

    Example: newsdesk load batch/ --db news.db
    """
    from newsdesk.batch import load_batch

    with store_at(db, create=True) as store:
        report = load_batch(batch_dir, store)
        location = store.location
    if as_json:
        print_json({"ok": True, "db": location, **report.summary()})
    else:
        s = report.summary()
        err.print(f"{s['new']} new articles ({s['annotated']} annotated), {s['new_sources']} new sources of known "
                  f"articles, {s['already_present']} already present, {s['dates']} dates -> {location}",
                  markup=False)


def cluster(ctx: typer.Context,
            from_dir: Annotated[Path, typer.Option("--from", help="A directory `newsdesk batch` wrote.")],
            db: DbOpt = None, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Load a batch (if not loaded yet) and cluster its articles into events, day by day in time order.

    Example: newsdesk cluster --from batch/ --db news.db
    """
    from newsdesk.batch import cluster_batch

    with store_at(db, create=True) as store:
        report = cluster_batch(from_dir, store, settings=run_settings(ctx, config, {}))
        location = store.location
    s = report.summary()
    if as_json:
        print_json({"ok": True, "db": location, **s})
    else:
        err.print(f"{s['new']} new articles loaded; {s['clustered']} clustered -> {s['events']} events "
                  f"({s['new_events']} new) -> {location}", markup=False)


COMMANDS = (batch, load, cluster)
