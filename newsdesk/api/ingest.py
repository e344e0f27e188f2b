"""Ingest one document posted to the API as one run (`newsdesk.run.Run`: its manifest, clustering and settle
step are an ingest run's), reusing the pipeline's stages (extract, the annotator pool's per-chunk runner, the
store's one-transaction write): annotation runs outside the write lock, storing and clustering inside it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from newsdesk.annotate import ANNOTATOR_VERSION
from newsdesk.annotate.pool import Annotator
from newsdesk.api.stores import StoreProvider
from newsdesk.extract import extract
from newsdesk.records import AnnotatedArticle, Article, RawDoc
from newsdesk.run import Run, input_record
from newsdesk.settings import Settings
from newsdesk.store import Added


@dataclass(frozen=True)
class Ingested:
    outcome: Added
    article: dict[str, Any]
    warnings: tuple[str, ...]


def _annotate(article: Article, settings: Settings) -> tuple[AnnotatedArticle | None, str | None]:
    # one article is annotated in this thread (the pool runs a batch this small in process); never raises
    annotation, problem = Annotator(1, code=settings.code.enabled).annotate([article])[0]
    return (None if problem else annotation), problem


def ingest_doc(provider: StoreProvider, raw: RawDoc, *, settings: Settings, annotate: bool = True,
               cluster: bool = True) -> Ingested:
    """Extract, annotate, store and cluster one document as one run (`newsdesk.run.Run`) with `settings` (the
    server's, read once when it starts). Raises InputError when it has no usable text."""
    if not annotate:
        settings = replace(settings, annotate=replace(settings.annotate, enabled=False))
    article = extract(raw, timeout=settings.extract.time_limit)
    warnings: list[str] = []
    with provider.reader() as store:
        known = store.has_article(article.id)
    annotation = None
    if settings.annotate.enabled and not known:
        annotation, problem = _annotate(article, settings)
        if problem:
            warnings.append(f"stored without annotation ({problem})")
    with provider.writer() as store, Run(store, "api", settings, inputs=[input_record(raw.source, raw.data)],
                                         options={"cluster": cluster, "settle": cluster}) as run:
        outcome = store.add_article(article, annotation, ANNOTATOR_VERSION if annotation else None)
        if outcome is Added.NEW and cluster:
            try:
                run.clusterer().add(store.get_article(article.id))
                run.settle([article.id])  # as an ingest run ends: its event rebuilt by complete link, mentions linked
            except Exception as e:  # stored: the next ingest run clusters the articles left in no event
                warnings.append(f"stored but not clustered ({e.__class__.__name__}); the next ingest run clusters it")
        run.counts.update({"ingested": int(outcome is Added.NEW), "new_sources": int(outcome is Added.NEW_SOURCE),
                           "already_present": int(outcome is Added.PRESENT), "failed": 0})
        run.manifest["errors"] = list(warnings)
        stored = store.get_article(article.id)
    return Ingested(outcome, stored, tuple(warnings))
