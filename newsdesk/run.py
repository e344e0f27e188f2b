"""One run, whatever started it (CLI ingest, API upload, re-annotation, recluster, batch, load): its manifest
(one shape, every version and every setting) and its record in the store's ledger, finished however it ends;
the annotator pool and the clustering stages it drives, built from its `Settings`; and the one batching loop
(`write`) that takes records through extraction and the annotator pool to a sink (`newsdesk.sinks`)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsdesk import __version__
from newsdesk.annotate import ANNOTATOR_VERSION
from newsdesk.annotate.pool import Annotator, Result
from newsdesk.cluster.incremental import Clusterer
from newsdesk.cluster.rebuild import settle
from newsdesk.code import coder_version
from newsdesk.code.patterns import lexicon
from newsdesk.errors import InputError, printable, why
from newsdesk.ingest import STDIN
from newsdesk.kb import load_kb
from newsdesk.process import extract_reported
from newsdesk.records import AnnotatedArticle, Article, RawDoc
from newsdesk.settings import Settings
from newsdesk.sinks import GuardedSink, Sink, Written

__all__ = ["ENTRIES", "KIND", "RUN_KEYS", "Run", "batches", "input_record", "new_manifest", "versions", "write"]

KIND = "newsdesk-run"
FORMAT_VERSION = 2  # 1: the batch manifest alone (kind newsdesk-batch); ingest runs had a shape of their own
ENTRIES = ("ingest", "api", "annotate", "recluster", "batch", "load", "cluster")
# every manifest has exactly these keys; what one entry point alone records goes under "detail"
RUN_KEYS = ("kind", "format_version", "entry", "versions", "settings", "options", "inputs", "counts", "errors",
            "interrupted", "started_at", "finished_at", "seconds", "detail")
VERSION_KEYS = ("newsdesk", "annotator", "coder", "kb", "patterns", "gazetteer")
_PACKAGE = Path(__file__).resolve().parent


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def versions(annotate: bool = True) -> dict[str, Any]:
    """newsdesk, annotator, coder (with its models), knowledge base, event patterns and gazetteer: what a run's
    output depends on besides its inputs and settings. The stages a run skips record None."""
    out: dict[str, Any] = dict.fromkeys(VERSION_KEYS)
    out["newsdesk"] = __version__
    out["patterns"] = _pattern_version()
    if annotate:
        out["annotator"] = ANNOTATOR_VERSION
        out["coder"] = _or_why(coder_version)
        out["kb"] = _or_why(lambda: str(load_kb().version))  # not cached: `kb add` changes it within a process
        out["gazetteer"] = _gazetteer_version()
    return out


def _or_why(version: Callable[[], str]) -> str:
    """The version, or why it could not be read: a broken user KB file fails the articles' annotation (each
    reported), not the recording of the run."""
    try:
        return version()
    except Exception as e:
        return f"unavailable ({why(e)})"


@lru_cache(maxsize=1)
def _gazetteer_version() -> str | None:
    return _digest(_PACKAGE / "annotate" / "data", ("gazetteer.tsv.gz", "places_extra.csv",
                                                    "place_names_common_words.txt"))


@lru_cache(maxsize=1)
def _pattern_version() -> str | None:
    """The event-pattern dictionary's declared version with a digest of the code stage's data files (CAMEO,
    PLOVER, patterns), so an edit that forgot to bump the version still shows."""
    data = _PACKAGE / "code" / "data"
    digest = _digest(data, tuple(sorted(p.name for p in data.iterdir() if p.is_file())))
    return " ".join(x for x in (f"v{lexicon().version}", digest) if x)


def _digest(folder: Path, names: tuple[str, ...]) -> str | None:
    h = hashlib.sha256()
    try:
        for name in names:
            h.update(name.encode() + b"\0" + (folder / name).read_bytes())
    except OSError:
        return None
    return "sha256:" + h.hexdigest()[:16]


def file_digest(path: str) -> str | None:
    if path == STDIN:
        return None
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def input_record(path: str, data: bytes | None = None) -> dict[str, Any]:
    """{path, sha256, bytes} of one input file (or of `data`, a document posted to the API)."""
    if data is not None:
        return {"path": printable(path), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    try:
        size: int | None = Path(path).stat().st_size if path != STDIN else None
    except OSError:
        size = None
    return {"path": printable(path), "sha256": file_digest(path), "bytes": size}


def new_manifest(entry: str, settings: Settings, *, inputs: list[dict[str, Any]] | None = None,
                 options: dict[str, Any] | None = None, annotate: bool | None = None) -> dict[str, Any]:
    """A run's manifest as it starts: versions (of the stages it runs: `annotate`, by default the settings'),
    every setting, the options that are not settings (engine, settle, ...) and the inputs."""
    if entry not in ENTRIES:
        raise ValueError(f"unknown run entry {entry!r}")
    return {"kind": KIND, "format_version": FORMAT_VERSION, "entry": entry,
            "versions": versions(settings.annotate.enabled if annotate is None else annotate),
            "settings": settings.as_dict(), "options": dict(options or {}), "inputs": list(inputs or []),
            "counts": {}, "errors": [], "interrupted": None, "started_at": now(), "finished_at": None,
            "seconds": None, "detail": {}}


def finish(manifest: dict[str, Any], t0: float) -> dict[str, Any]:
    manifest["finished_at"] = now()
    manifest["seconds"] = round(time.perf_counter() - t0, 2)
    return manifest


class Run:
    """One run over a store: `manifest` is recorded in its ledger when the run starts and again, finished,
    when it ends (an exception records why it stopped, then goes on). The stages come from `settings`.

    `guard` (a server's writer lock) is held around each use of the store, the ledger's two writes and each
    call of the sink `write` drives, and nowhere else: a server's upload annotates without holding it."""

    def __init__(self, store, entry: str, settings: Settings, *, inputs: list[dict[str, Any]] | None = None,
                 options: dict[str, Any] | None = None, annotate: bool | None = None,
                 guard: Callable[[], AbstractContextManager[Any]] | None = None) -> None:
        self.store, self.settings = store, settings
        self.manifest = new_manifest(entry, settings, inputs=inputs, options=options, annotate=annotate)
        self._t0 = time.perf_counter()
        self._guard = guard
        self.run_id: int | None = None

    def guarded(self) -> AbstractContextManager[Any]:
        return self._guard() if self._guard else nullcontext()

    def __enter__(self) -> Run:
        with self.guarded():
            self.run_id = self.store.start_run(self.manifest)
        return self

    def __exit__(self, kind, e, tb) -> None:
        if e is not None:
            self.manifest["interrupted"] = why(e)
        finish(self.manifest, self._t0)
        try:
            with self.guarded():
                self.store.finish_run(self.run_id, self.manifest)
        except Exception:
            if e is None:
                raise
            # the database may be what failed: the original error is the one to show

    @property
    def counts(self) -> dict[str, Any]:
        return self.manifest["counts"]

    def annotator(self) -> Annotator | None:
        """The annotator pool, or None when the run does not annotate (settings.annotate.enabled)."""
        return self.pool() if self.settings.annotate.enabled else None

    def pool(self) -> Annotator:
        """The annotator pool: settings.annotate.workers processes, coding events unless settings.code says not."""
        return Annotator(self.settings.annotate.workers, code=self.settings.code.enabled,
                         nice=self.settings.annotate.nice)

    def annotated(self, articles: Iterable[Article], annotator: Annotator) -> Iterator[Result]:
        """Each article's (annotation, problem), in input order, annotated `settings.annotate.batch_size` at
        a time by `annotator` through the one loop (`batches`): the next batch is submitted before the
        previous one's results are handed back, so the caller's storing overlaps the workers' annotating."""
        for out in batches(articles, annotator, known=lambda _: False, batch_size=self.settings.annotate.batch_size):
            if not isinstance(out, InputError):  # articles: nothing to extract, nothing to fail
                yield from ((w.annotation, w.problem) for w in out)

    def write(self, items: Iterable[RawDoc | InputError], sink: Sink, annotator: Annotator | None, *,
              ordered: bool = False) -> None:
        """`write` with this run's batch size and extraction time limit (and its guard around the sink)."""
        write(items, GuardedSink(sink, self._guard) if self._guard else sink, annotator, batch_size=self.settings.annotate.batch_size,
              extract_timeout=self.settings.extract.time_limit, ordered=ordered)

    def clusterer(self) -> Clusterer:
        return Clusterer(self.store, self.settings.cluster)

    def settle(self, article_ids: list[str]) -> int:
        """Rebuild by complete link the events `article_ids` joined or started (`cluster/rebuild.settle`)."""
        return settle(self.store, article_ids, self.settings.cluster, self.settings.link)


def write(items: Iterable[RawDoc | InputError], sink: Sink, annotator: Annotator | None, *, batch_size: int,
          extract_timeout: float | None = None, ordered: bool = False) -> None:
    """The one batching loop (`batches`) to `sink`: each batch of articles to `sink.write`, each bad record
    to `sink.error`, a text the sink holds already (`sink.known`) written as a copy; then `sink.finish()`."""
    for out in batches(items, annotator, known=sink.known, batch_size=batch_size, extract_timeout=extract_timeout,
                       ordered=ordered):
        if isinstance(out, InputError):
            sink.error(out)
        else:
            sink.write(out)
    sink.finish()


def batches(items: Iterable[RawDoc | Article | InputError], annotator: Annotator | None, *,
            known: Callable[[str], bool], batch_size: int, extract_timeout: float | None = None,
            ordered: bool = False) -> Iterator[list[Written] | InputError]:
    """Extract each record (an `Article` is extracted already), annotate the new texts `batch_size` at a
    time with `annotator` (none: handed on bare) and hand on each batch of articles in input order, and each
    bad record. A text `known` says is written already is handed on as a copy, unannotated; a later copy of
    a text not yet handed on waits until its first copy is (the consumer writes a batch before asking for
    the next, so `known` then says yes).

    Unordered (ingest, re-annotation), the next batch is annotated while the consumer writes the previous
    one and a copy goes at once; `ordered` (batch), every batch is handed on before the next record is read
    and a copy after every article before it, so the output's order depends on the input alone."""
    pending: list[Article] = []
    inflight = None  # the batch being annotated while the consumer writes (at most one): `.get()` waits for it
    unwritten: set[str] = set()  # ids pending or in flight

    def flush(wait: bool = False) -> Iterator[list[Written]]:
        nonlocal inflight
        batch = list(pending)
        pending.clear()
        started = annotator.submit(batch) if annotator and batch else None
        if inflight is not None:
            done, inflight = inflight, None
            yield _written(done.get())
        if started is not None and (wait or ordered):
            yield _written(started.get())
        elif started is not None:
            inflight = started
        elif batch:
            yield [Written(AnnotatedArticle(a)) for a in batch]
        unwritten.clear()
        if inflight is not None:
            unwritten.update(a.id for a in batch)

    for item in items:
        if isinstance(item, InputError):
            yield item
            continue
        if isinstance(item, Article):
            article = item
        else:
            try:
                article = extract_reported(item, extract_timeout)  # a slower page is reported
            except InputError as e:
                yield e
                continue
        if article.id in unwritten:
            yield from flush(wait=True)  # the first copy is written before this one
        if known(article.id):
            if ordered:
                yield from flush(wait=True)
            yield [Written(AnnotatedArticle(article), copy=True)]
            continue
        pending.append(article)
        unwritten.add(article.id)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush(wait=True)


def _written(results: list[Result]) -> list[Written]:
    return [Written(ann, problem, annotated=not problem) for ann, problem in results]
