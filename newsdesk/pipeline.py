"""`newsdesk ingest`: the per-article stages over input files, written to a store as one `Run` (batches\nthrough the annotator pool, clustering and settling as the run goes), counting every outcome."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from newsdesk.annotate import ANNOTATOR_VERSION
from newsdesk.cluster.linkage import LinkConfig
from newsdesk.cluster.rebuild import SETTLE_EVERY
from newsdesk.errors import InputError
from newsdesk.ingest import discover, read_input
from newsdesk.process import extract_reported
from newsdesk.records import AnnotatedArticle, Article
from newsdesk.run import Run, input_record
from newsdesk.run import why as _why
from newsdesk.settings import Settings, load_settings
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
    store, settings = run.store, run.settings
    max_doc_bytes, extract_timeout = settings.extract.max_doc_bytes, settings.extract.time_limit
    batch_size = settings.annotate.batch_size
    pending: list[Article] = []
    inflight: list = []  # the batch being annotated (at most one): `.get()` waits for its results
    seen_new: set[str] = set()  # ids pending or in flight, not stored yet

    clusterer = run.clusterer() if cluster else None
    unsettled: list[str] = []  # clustered one at a time, their events not yet settled (cluster/rebuild.py)

    def cluster_one(article_id: str, source: str) -> None:
        if clusterer is None:
            return
        try:
            clusterer.add(store.get_article(article_id))
        except Exception as e:  # stored, not clustered: the next run retries it (unclustered_article_ids)
            fail(InputError(source, f"stored but not clustered ({_why(e)})"))
            return
        unsettled.append(article_id)
        if settle and len(unsettled) >= SETTLE_EVERY:
            settle_now()

    def settle_now() -> None:
        try:
            run.settle(unsettled)
        except Exception as e:  # the events stay as clustered one at a time; articles left in none are repaired
            fail(InputError("settle", f"could not rebuild the run's events ({_why(e)})"))
        unsettled.clear()

    def record(outcome: Added, article_id: str, source: str) -> None:
        if outcome is Added.NEW:
            report.ingested += 1
            cluster_one(article_id, source)
        elif outcome is Added.NEW_SOURCE:
            report.new_sources += 1
        else:
            report.present += 1
        report.article_ids.append(article_id)

    def store_results(results) -> None:
        for ann, problem in results:
            if problem:
                fail(InputError(ann.article.source, f"stored without annotation ({problem})"))
            add(ann.article, ann if annotator and not problem else None)

    def add(article: Article, annotation: AnnotatedArticle | None = None) -> None:
        try:
            outcome = store.add_article(article, annotation, ANNOTATOR_VERSION if annotation else None)
        except Exception as e:  # one transaction per article: nothing of it was stored
            fail(InputError(article.source, f"could not be stored ({_why(e)})"))
            return
        record(outcome, article.id, article.source)

    def drain() -> None:
        while inflight:
            store_results(inflight.pop(0).get())

    def flush(wait: bool = False) -> None:
        """Start annotating the pending batch, then store the previous batch while the workers run (the
        parent's extraction, storage and clustering overlap annotation instead of idling the workers)."""
        batch = list(pending)
        pending.clear()
        started = annotator.submit(batch) if annotator and batch else None
        drain()
        if started is not None:
            inflight.append(started)
        elif batch:
            store_results([(AnnotatedArticle(a), None) for a in batch])
        if wait:
            drain()
        seen_new.clear()  # ids not yet stored: those of the batch in flight
        if inflight:
            seen_new.update(a.id for a in batch)

    def repair() -> None:
        """Cluster the stored articles that are in no event: a run killed between an article's two
        transactions (store, then cluster) left them so, and re-ingesting them finds them present."""
        if clusterer is None:
            return
        try:
            orphans = store.unclustered_article_ids()
        except Exception as e:
            fail(InputError("repair", f"could not look for articles in no event ({_why(e)})"))
            return
        for article_id in orphans:
            cluster_one(article_id, f"article {article_id}")
        report.repaired = len(orphans)

    def items(path: str):
        """The file's records; a reader that raises (a bug, a parser's limit) ends this file only."""
        n = 0
        try:
            for item in read_input(path, max_doc_bytes=max_doc_bytes):
                n += 1
                yield item
        except Exception as e:
            yield InputError(path, f"unreadable after {n} record(s) ({_why(e)})")

    annotator = run.annotator()
    try:
        repair()
        for path in files:
            for item in items(path):
                if isinstance(item, InputError):
                    fail(item)
                    continue
                try:
                    article = extract_reported(item, extract_timeout)  # a slower page is reported
                except InputError as e:
                    fail(e)
                    continue
                if article.id in seen_new:
                    flush(wait=True)  # the first copy is stored (annotated) before this one adds its source
                if store.has_article(article.id):
                    add(article)  # known text: only its source is new
                    continue
                pending.append(article)
                seen_new.add(article.id)
                if len(pending) >= batch_size:
                    flush()
            if on_file:
                on_file(path)
        flush(wait=True)
        if settle and unsettled:
            settle_now()
    except BaseException:  # Ctrl-C, or a bug: the run's row still says how far it got (Run.__exit__)
        if annotator:
            annotator.terminate()
        raise
    if annotator:
        annotator.close()
        report.lost_workers = annotator.lost_chunks
