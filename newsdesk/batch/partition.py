"""The unit of batch work, shared by both engines: a task reads one slice of one input file, runs
ingest -> extract -> annotate -> code on each record through the run's one loop (`newsdesk.run.write`, to a
`ParquetSink`) and writes its own Parquet part files (`PartWriter`). Spark's `mapPartitions` and the local
process pool both call `run_task`, nothing else.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from newsdesk.annotate import _resources
from newsdesk.annotate.pool import Annotator
from newsdesk.batch.tables import PARTITION, SCHEMAS, TABLES, article_rows, partition_of
from newsdesk.errors import InputError
from newsdesk.ingest import read_input
from newsdesk.records import RawDoc
from newsdesk.run import write
from newsdesk.sinks import Written

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


def load_annotation() -> float:
    """Load the NLP pipeline and KB in this process (once: later calls are free); the seconds it took. The
    driver calls it before any task starts, a forked pool's parent to share it, each task's process to time it."""
    t0 = time.perf_counter()
    _resources()
    return time.perf_counter() - t0


def read_task(task: Task, *, max_doc_bytes: int) -> Iterator[RawDoc | InputError]:
    """The task's records. Every slice reads the whole file and keeps its share, so each record (and each
    error, which sits at one position in the stream) belongs to exactly one slice."""
    for i, item in enumerate(read_input(task.path, max_doc_bytes=max_doc_bytes)):
        if i % task.n_slices == task.slice:
            yield item


Rows = dict[str, list[dict[str, Any]]]  # table -> rows of one input record; "errors" holds error lines


def rows_of(w: Written, annotator_version: str | None) -> Rows:
    """The table rows of one written article (an `errors` row too when its annotation failed)."""
    if w.problem:
        return {"errors": [{"source": w.article.source, "problem": f"kept without annotation ({w.problem})"}],
                **article_rows(w.annotation, annotator_version=None, error=w.problem)}
    return article_rows(w.annotation, annotator_version=annotator_version if w.annotated else None,
                        duplicate=w.copy)


class RowWriter(Protocol):
    def add(self, rows: Rows) -> None: ...

    def flush(self) -> None: ...


@dataclass
class ParquetSink:
    """The sink of a batch task (`newsdesk.sinks.Sink`): each article and each bad record becomes one
    record's table rows for `writer` (a `PartWriter` writes Parquet part files), in the loop's order;
    `on_rows` sees every record's rows."""

    writer: RowWriter
    annotator_version: str | None
    on_rows: Callable[[Rows], None] | None = None
    ids: set[str] = field(default_factory=set)  # texts written: a later copy is a duplicate row

    def known(self, article_id: str) -> bool:
        return article_id in self.ids

    def write(self, batch: list[Written]) -> None:
        for w in batch:
            self.ids.add(w.article.id)
            self._add(rows_of(w, self.annotator_version))

    def error(self, e: InputError) -> None:
        self._add({"errors": [{"source": e.source, "problem": e.problem}]})

    def _add(self, rows: Rows) -> None:
        if self.on_rows:
            self.on_rows(rows)
        self.writer.add(rows)

    def finish(self) -> None:
        self.writer.flush()


def process_partition(items: Iterable[RawDoc | InputError], *, annotate: bool = True,
                      annotator_version: str | None = None, batch_size: int = 16, code: bool = True,
                      extract_timeout: float | None = None) -> Iterator[Rows]:
    """ingest -> extract -> annotate -> code over a stream of records through the run's one loop
    (`newsdesk.run.write`, ordered), giving the table rows of each record (or an `errors` row). One bad record
    never stops the partition; the NLP pipeline is loaded once per process (`newsdesk.annotate._resources`
    caches it). A text seen before in the same partition is kept as a source row but annotated only once."""
    out: list[Rows] = []
    write_rows(items, _Collect(out), annotate=annotate, annotator_version=annotator_version,
               batch_size=batch_size, code=code, extract_timeout=extract_timeout)
    return iter(out)


def write_rows(items: Iterable[RawDoc | InputError], writer: RowWriter, *, annotate: bool,
               annotator_version: str | None, batch_size: int, code: bool, extract_timeout: float | None,
               on_rows: Callable[[Rows], None] | None = None) -> None:
    # annotated in this process: the engines run one task per core already
    sink = ParquetSink(writer, annotator_version if annotate else None, on_rows)
    write(items, sink, Annotator(1, code=code) if annotate else None, batch_size=batch_size,
          extract_timeout=extract_timeout, ordered=True)


@dataclass
class _Collect:
    rows: list[Rows]

    def add(self, rows: Rows) -> None:
        self.rows.append(rows)

    def flush(self) -> None:
        pass


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

    def count(self, rows: Rows) -> None:
        """Count one record's rows (an article's, or an `errors` row)."""
        self.records += 1
        for e in rows.get("errors", ()):
            self.errors.append(f"{e['source']}: {e['problem']}")
        if not rows.get("articles"):
            return
        art = rows["articles"][0]
        self.articles += 1
        self.annotated += art["annotator_version"] is not None
        self.duplicates += bool(art["duplicate"])
        day = partition_of(art["published"])
        self.dates[day] = self.dates.get(day, 0) + 1
        for t in TABLES:
            self.rows[t] += len(rows.get(t, ()))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_task(task: Task, cfg: TaskConfig) -> dict[str, Any]:
    """Process one task end to end and return its summary (a plain dict: it crosses process boundaries)."""
    t0 = time.perf_counter()
    s = TaskSummary(task.index, task.path, task.slice)
    if cfg.annotate:  # timed apart: a fresh worker (a Spark Python worker) pays it once
        s.load_seconds = round(load_annotation(), 3)
    write_rows(read_task(task, max_doc_bytes=cfg.max_doc_bytes), PartWriter(cfg.out, task.index),
               annotate=cfg.annotate, annotator_version=cfg.annotator_version, batch_size=cfg.batch_size,
               code=cfg.code, extract_timeout=cfg.extract_timeout, on_rows=s.count)
    s.seconds = round(time.perf_counter() - t0, 3)
    s.pid = os.getpid()
    s.peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return s.as_dict()
