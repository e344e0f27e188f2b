"""The unit of batch work, shared by both engines: a task reads one slice of one input file, runs
ingest -> extract -> annotate -> code on each record (`process_partition`) and writes its own Parquet part
files (`PartWriter`). Spark's `mapPartitions` and the local process pool both call `run_task`, nothing else.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsdesk.annotate.pool import Annotator
from newsdesk.batch.tables import PARTITION, SCHEMAS, TABLES, article_rows, partition_of
from newsdesk.errors import InputError
from newsdesk.process import extract_reported
from newsdesk.records import AnnotatedArticle, Article, RawDoc

FLUSH_ROWS = 20_000  # rows buffered per task before a part file is written: bounds a worker's memory


@dataclass(frozen=True)
class Task:
    """Records `slice`, `slice + n_slices`, ... of the input file `path` (so one big WARC keeps every core
    busy); `index` names the task's part files, so a retried task overwrites its own output."""

    index: int
    path: str
    slice: int = 0
    n_slices: int = 1


@dataclass(frozen=True)
class TaskConfig:
    out: str
    annotate: bool = True
    annotator_version: str | None = None
    max_doc_bytes: int = 20 * 1024 * 1024
    batch_size: int = 16  # articles annotated at a time (settings.annotate.batch_size)
    code: bool = True  # settings.code.enabled
    extract_timeout: float | None = None  # settings.extract.time_limit


def plan_tasks(files: list[str], workers: int) -> list[Task]:
    """One task per file; a file is cut into slices when there are fewer files than workers."""
    n_slices = max(1, -(-workers // max(1, len(files))))
    tasks: list[Task] = []
    for path in files:
        for s in range(n_slices):
            tasks.append(Task(len(tasks), path, s, n_slices))
    return tasks


def read_task(task: Task, *, max_doc_bytes: int) -> Iterator[RawDoc | InputError]:
    """The task's records. Every slice reads the whole file and keeps its share, so each record (and each
    error, which sits at one position in the stream) belongs to exactly one slice."""
    from newsdesk.ingest import read_input

    for i, item in enumerate(read_input(task.path, max_doc_bytes=max_doc_bytes)):
        if i % task.n_slices == task.slice:
            yield item


Rows = dict[str, list[dict[str, Any]]]  # table -> rows of one input record; "errors" holds error lines


def process_partition(items: Iterable[RawDoc | InputError], *, annotate: bool = True,
                      annotator_version: str | None = None, batch_size: int = 16, code: bool = True,
                      extract_timeout: float | None = None) -> Iterator[Rows]:
    """ingest -> extract -> annotate -> code over a stream of records, yielding the table rows of each
    record (or an `errors` row). One bad record never stops the partition; the NLP pipeline is loaded once
    per process (`newsdesk.annotate._resources` caches it). A text seen before in the same partition is kept
    as a source row but annotated only once."""
    seen: set[str] = set()
    pending: list[Article] = []
    version = annotator_version if annotate else None

    def flush() -> Iterator[Rows]:
        if not pending:
            return
        if annotate:  # in this process: the engines run one task per core already
            results = Annotator(1, code=code).annotate(list(pending))
        else:
            results = [(AnnotatedArticle(a), None) for a in pending]
        pending.clear()
        for ann, problem in results:
            if problem:
                yield {"errors": [{"source": ann.article.source, "problem": f"kept without annotation ({problem})"}],
                       **article_rows(ann, annotator_version=None, error=problem)}
            else:
                yield article_rows(ann, annotator_version=version)

    for item in items:
        if isinstance(item, InputError):
            yield {"errors": [{"source": item.source, "problem": item.problem}]}
            continue
        try:
            article = extract_reported(item, extract_timeout)
        except InputError as e:
            yield {"errors": [{"source": e.source, "problem": e.problem}]}
            continue
        if article.id in seen:
            yield from flush()  # the first copy's rows come first
            yield article_rows(AnnotatedArticle(article), annotator_version=None, duplicate=True)
            continue
        seen.add(article.id)
        pending.append(article)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


class PartWriter:
    """Buffers rows per (table, date) and writes `<out>/<table>/published_date=<day>/part-<task>-<n>.parquet`
    (written under a temporary name, then renamed: a reader never sees half a file)."""

    def __init__(self, out: str, task_index: int, flush_rows: int = FLUSH_ROWS) -> None:
        self.out, self.task, self.flush_rows = Path(out), task_index, flush_rows
        self.buffers: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.buffered = 0
        self.chunk = 0
        self.files: list[str] = []

    def add(self, rows: Rows) -> None:
        day = partition_of(rows["articles"][0]["published"]) if rows.get("articles") else None
        for table in TABLES:
            if rows.get(table):
                self.buffers.setdefault((table, day or "undated"), []).extend(rows[table])
                self.buffered += len(rows[table])
        if self.buffered >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        for (table, day), rows in sorted(self.buffers.items()):
            d = self.out / table / f"{PARTITION}={day}"
            d.mkdir(parents=True, exist_ok=True)
            path = d / f"part-{self.task:05d}-{self.chunk:04d}.parquet"
            tmp = path.with_name("." + path.name + ".tmp")
            pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[table]), tmp, compression="zstd")
            os.replace(tmp, path)
            self.files.append(str(path.relative_to(self.out)))
        self.buffers.clear()
        self.buffered = 0
        self.chunk += 1


@dataclass
class TaskSummary:
    task: int
    path: str
    slice: int
    records: int = 0  # records read (articles and errors)
    articles: int = 0  # article rows written (one per input record that extracted)
    annotated: int = 0
    duplicates: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    dates: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    load_seconds: float = 0.0  # NLP pipeline + KB load in this task (0 when the process had them already)
    pid: int = 0
    peak_rss_mb: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_task(task: Task, cfg: TaskConfig) -> dict[str, Any]:
    """Process one task end to end and return its summary (a plain dict: it crosses process boundaries)."""
    t0 = time.perf_counter()
    s = TaskSummary(task.index, task.path, task.slice)
    if cfg.annotate:  # timed apart: a fresh worker (a Spark Python worker) pays it once
        from newsdesk.annotate import _resources

        t_load = time.perf_counter()
        _resources()
        s.load_seconds = round(time.perf_counter() - t_load, 3)
    writer = PartWriter(cfg.out, task.index)
    items = read_task(task, max_doc_bytes=cfg.max_doc_bytes)
    for rows in process_partition(items, annotate=cfg.annotate, annotator_version=cfg.annotator_version,
                                  batch_size=cfg.batch_size, code=cfg.code, extract_timeout=cfg.extract_timeout):
        s.records += 1
        for e in rows.get("errors", ()):
            s.errors.append(f"{e['source']}: {e['problem']}")
        if not rows.get("articles"):
            continue
        art = rows["articles"][0]
        s.articles += 1
        s.annotated += art["annotator_version"] is not None
        s.duplicates += bool(art["duplicate"])
        day = partition_of(art["published"])
        s.dates[day] = s.dates.get(day, 0) + 1
        for t in TABLES:
            s.rows[t] += len(rows.get(t, ()))
        writer.add(rows)
    writer.flush()
    s.seconds = round(time.perf_counter() - t0, 3)
    s.pid = os.getpid()
    s.peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return s.as_dict()
