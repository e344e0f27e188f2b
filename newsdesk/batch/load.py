"""Read a batch back: `load_batch` imports its Parquet tables into a store (idempotently: loading twice
changes nothing), `cluster_batch` then clusters its articles in time order.

Both work one `published_date` partition at a time (days ascending, `undated` last), so memory is bounded by
the largest day, never the whole batch. Clustering is blocked the way the incremental clusterer blocks:
an article is compared only with events that share one of its rarest terms and lie within the date window
(±4 days), and storylines only with events that share a person; days are fed in order so each day's
candidates are already in the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsdesk.batch.run import MANIFEST, read_manifest
from newsdesk.batch.tables import CHILD_TABLES, OLD_TABLE_NAMES, PARTITION, SCHEMAS, UNDATED, rebuild
from newsdesk.cluster.rebuild import SETTLE_EVERY
from newsdesk.run import Run, input_record
from newsdesk.settings import Settings, load_settings
from newsdesk.store import Added


@dataclass
class LoadReport:
    new: int = 0
    new_sources: int = 0
    present: int = 0
    annotated: int = 0
    dates: int = 0
    article_ids: list[str] = field(default_factory=list)  # distinct, in load (time) order

    def summary(self) -> dict[str, int]:
        return {"new": self.new, "new_sources": self.new_sources, "already_present": self.present,
                "annotated": self.annotated, "dates": self.dates}


def batch_dates(batch_dir: str | Path) -> list[str]:
    """The batch's date partitions: days ascending, `undated` last."""
    root = Path(batch_dir) / "articles"
    days = [p.name.split("=", 1)[1] for p in root.glob(f"{PARTITION}=*") if p.is_dir()] if root.is_dir() else []
    return sorted(days, key=lambda d: (d == UNDATED, d))


def read_day(batch_dir: str | Path, table: str, day: str) -> list[dict[str, Any]]:
    """Every row of one table in one date partition (an empty list when the partition has none)."""
    import pyarrow.dataset as ds

    d = Path(batch_dir) / table / f"{PARTITION}={day}"
    if table in OLD_TABLE_NAMES and not (Path(batch_dir) / table).is_dir():  # a batch written before the rename
        d = Path(batch_dir) / OLD_TABLE_NAMES[table] / f"{PARTITION}={day}"
    files = sorted(str(p) for p in d.glob("part-*.parquet")) if d.is_dir() else []
    if not files:
        return []
    return ds.dataset(files, schema=SCHEMAS[table], format="parquet").to_table().to_pylist()


def iter_batch(batch_dir: str | Path) -> Iterator[tuple[str, list[tuple[dict[str, Any], dict[str, list]]]]]:
    """(day, [(article row, {table: child rows})]) per date partition; rows in a deterministic order
    (published, id, annotated copy first, source), whatever the engine or number of tasks."""
    for day in batch_dates(batch_dir):
        children: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in CHILD_TABLES:
            for r in read_day(batch_dir, t, day):
                children[r["record"]][t].append(r)
        arts = read_day(batch_dir, "articles", day)
        arts.sort(key=lambda r: (r["published"] or "", r["id"], r["annotator_version"] is None, r["source"]))
        yield day, [(r, children.get(r["record"], {})) for r in arts]


def load_batch(batch_dir: str | Path, store, *, settings: Settings | None = None,
               on_day: Callable[[str, int], None] | None = None) -> LoadReport:
    """Import a batch into `store`: each record becomes `store.add_article(article, annotation, version)`;
    a known text only gains its source, a known source nothing. Records a run in the store's ledger when
    anything was added (the batch's own manifest under its `detail`)."""
    manifest = read_manifest(batch_dir)
    report = LoadReport()
    seen: set[str] = set()
    for day, rows in iter_batch(batch_dir):
        report.dates += 1
        for row, children in rows:
            ann = rebuild(row, children)
            annotated = row["annotator_version"] is not None
            outcome = store.add_article(ann.article, ann if annotated else None, row["annotator_version"])
            if outcome is Added.NEW:
                report.new += 1
                report.annotated += annotated
            elif outcome is Added.NEW_SOURCE:
                report.new_sources += 1
            else:
                report.present += 1
            if row["id"] not in seen:
                seen.add(row["id"])
                report.article_ids.append(row["id"])
        if on_day:
            on_day(day, len(rows))
    if report.new or report.new_sources:  # the ledger records loads that changed something
        with Run(store, "load", settings or load_settings(), inputs=[input_record(str(Path(batch_dir) / MANIFEST))],
                 options={"batch": str(batch_dir)}, annotate=False) as run:
            run.counts.update(report.summary())
            run.manifest["detail"] = {"batch_manifest": {
                k: manifest.get(k) for k in ("versions", "settings", "options", "config", "inputs", "counts",
                                             "started_at") if k in manifest}}
    return report


@dataclass
class ClusterReport:
    load: LoadReport
    clustered: int = 0  # articles newly assigned to an event by this run
    events: int = 0  # distinct events the batch's articles belong to
    new_events: int = 0

    def summary(self) -> dict[str, Any]:
        return {**self.load.summary(), "clustered": self.clustered, "events": self.events,
                "new_events": self.new_events}


def cluster_batch(batch_dir: str | Path, store, *, settings: Settings | None = None,
                  on_day: Callable[[str, int], None] | None = None) -> ClusterReport:
    """Load the batch (idempotent), then cluster its articles day by day in time order with the incremental
    clusterer and settle the events they touched (settings.cluster and .link), as an ingest run does, as
    one run in the ledger; articles clustered before keep their event, so running it twice changes nothing."""
    settings = settings or load_settings()
    load = load_batch(batch_dir, store, settings=settings, on_day=on_day)
    report = ClusterReport(load)
    todo = [aid for aid in load.article_ids if store.event_of(aid) is None]
    if todo:  # the ledger records runs that clustered something: running twice changes nothing
        with Run(store, "cluster", settings, inputs=[input_record(str(Path(batch_dir) / MANIFEST))],
                 options={"batch": str(batch_dir)}, annotate=False) as run:
            clusterer = run.clusterer()
            for i, aid in enumerate(todo, 1):
                clusterer.add(store.get_article(aid))
                if i % SETTLE_EVERY == 0:
                    run.settle(todo[i - SETTLE_EVERY:i])
            if len(todo) % SETTLE_EVERY:
                run.settle(todo[-(len(todo) % SETTLE_EVERY):])
            run.counts.update({**load.summary(), "clustered": len(todo)})
    report.clustered = len(todo)
    events = {store.event_of(aid) for aid in load.article_ids} - {None}
    report.new_events = len(events & {"e" + aid for aid in todo})
    report.events = len(events)
    return report
