"""`newsdesk ingest`: the per-article stages over input files, written to a store as one `Run` (batches\nthrough the annotator pool, clustering and settling as the run goes), counting every outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from newsdesk.annotate import ANNOTATOR_VERSION
from newsdesk.cluster.linkage import LinkConfig
from newsdesk.errors import InputError
from newsdesk.errors import why as _why
from newsdesk.ingest import discover, read_input
from newsdesk.run import Run, input_record
from newsdesk.settings import Settings, load_settings
from newsdesk.sinks import StoreSink
from newsdesk.store import Added, Store


@dataclass
class IngestReport:
    ingested: int = 0          # new articles
    new_sources: int = 0       # known texts found again under another source (syndicated copies)
    present: int = 0           # already stored from the same source: nothing done
    failed: list[InputError] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    repaired: int = 0          # stored articles in no event that this run clustered (an earlier run was killed)
    lost_workers: int = 0      # annotation chunks whose worker died (their articles retried one by one)

    @property
    def ok(self) -> bool:
        """A run fails only when nothing at all could be ingested."""
        return bool(self.ingested or self.new_sources or self.present) or not self.failed

    def summary(self) -> dict[str, int]:
        return {"ingested": self.ingested, "new_sources": self.new_sources, "already_present": self.present,
                "failed": len(self.failed)}


def ingest_paths(
    paths: Iterable[str], store: Store, settings: Settings | None = None, *, cluster: bool = True,
    settle: bool = True, annotate: bool | None = None, workers: int | None = None, batch_size: int | None = None,
    max_doc_bytes: int | None = None, link_config: LinkConfig | None = None, extract_timeout: float | None = None,
    on_start: Callable[[list[str]], None] | None = None,
    on_file: Callable[[str], None] | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> IngestReport:
    """Ingest every document found under `paths` into `store` as `settings` say (default: the built-in ones
    as NEWSDESK_<SECTION>_<KEY> variables change them); bad inputs are reported, not raised. The keywords `annotate` ... `extract_timeout` override single settings (for library callers).

    Each new article is clustered as it is stored; with `settle`, the events the run's articles joined or
    started are then rebuilt by complete link (`cluster/rebuild.py`), every `SETTLE_EVERY` articles and at
    the end. Stored articles in no event (a run killed between storing and clustering them) are clustered
    first. Whatever one input or article raises (decoding, parsing, recursion, the database driver) is
    reported for it and the run goes on; the run's row in the ledger is finished in any case."""
    settings = _overridden(settings or load_settings(), annotate, workers, batch_size, max_doc_bytes, link_config,
                           extract_timeout)
    report = IngestReport()
    files, missing = discover(paths)

    def fail(e: InputError) -> None:
        report.failed.append(e)
        if on_error:
            on_error(e)

    for e in missing:
        fail(e)
    if on_start:
        on_start(files)
    with Run(store, "ingest", settings, inputs=[input_record(f) for f in files],
             options={"cluster": cluster, "settle": settle}) as run:
        try:
            _ingest(run, files, report, fail, cluster=cluster, settle=settle, on_file=on_file)
        finally:
            run.counts.update({**report.summary(), "repaired": report.repaired, "lost_workers": report.lost_workers})
            run.manifest["errors"] = [str(e) for e in report.failed[:MAX_ERRORS_IN_MANIFEST]]
    return report


MAX_ERRORS_IN_MANIFEST = 100_000  # beyond this, the counts say how many failed


def _overridden(settings: Settings, annotate: bool | None, workers: int | None, batch_size: int | None,
                max_doc_bytes: int | None, link_config: LinkConfig | None, extract_timeout: float | None) -> Settings:
    a, ex = settings.annotate, settings.extract
    given: dict[str, Any] = {k: v for k, v in (("enabled", annotate), ("workers", workers),
                                                ("batch_size", batch_size)) if v is not None}
    a = replace(a, **given)
    if max_doc_bytes is not None:
        ex = replace(ex, max_size_mb=max_doc_bytes / (1024 * 1024))
    if extract_timeout is not None:
        ex = replace(ex, timeout=extract_timeout)
    return replace(settings, annotate=a, extract=ex, link=link_config or settings.link)


def _ingest(run: Run, files: list[str], report: IngestReport, fail: Callable[[InputError], None], *,
            cluster: bool, settle: bool, on_file: Callable[[str], None] | None) -> None:
    max_doc_bytes = run.settings.extract.max_doc_bytes
    sink = StoreSink(run.store, fail, annotator_version=ANNOTATOR_VERSION,
                     clusterer=run.clusterer() if cluster else None, settle=run.settle if settle else None)

    def items():
        """Every file's records; a reader that raises (a bug, a parser's limit) ends its file only."""
        for path in files:
            n = 0
            try:
                for item in read_input(path, max_doc_bytes=max_doc_bytes):
                    n += 1
                    yield item
            except Exception as e:
                yield InputError(path, f"unreadable after {n} record(s) ({_why(e)})")
            if on_file:
                on_file(path)

    annotator = run.annotator()
    try:
        report.repaired = sink.repair()
        run.write(items(), sink, annotator)  # a later copy of a text waits until its first copy is stored
    except BaseException:  # Ctrl-C, or a bug: the run's row still says how far it got (Run.__exit__)
        if annotator:
            annotator.terminate()
        raise
    finally:
        report.ingested, report.new_sources, report.present = (
            sink.outcomes[Added.NEW], sink.outcomes[Added.NEW_SOURCE], sink.outcomes[Added.PRESENT])
        report.article_ids = sink.article_ids
    if annotator:
        annotator.close()
        report.lost_workers = annotator.lost_chunks
