"""Ingest one document posted to the API, reusing the pipeline's stages (extract, the annotator pool's
per-chunk runner, the store's one-transaction write, incremental clustering and the settle step an ingest run
ends with): annotation runs outside the write lock, storing and clustering inside it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from newsdesk import __version__
from newsdesk.annotate import ANNOTATOR_VERSION
from newsdesk.api.stores import StoreProvider
from newsdesk.cluster import Clusterer
from newsdesk.cluster.rebuild import settle
from newsdesk.extract import extract
from newsdesk.records import AnnotatedArticle, Article, RawDoc
from newsdesk.store import Added


@dataclass(frozen=True)
class Ingested:
    outcome: Added
    article: dict[str, Any]
    warnings: tuple[str, ...]


def _annotate(article: Article) -> tuple[AnnotatedArticle | None, str | None]:
    from newsdesk.annotate.pool import _annotate_chunk  # the pool's runner: it never raises

    annotation, problem = _annotate_chunk([article])[0]
    return (None if problem else annotation), problem


def ingest_doc(provider: StoreProvider, raw: RawDoc, *, annotate: bool = True, cluster: bool = True) -> Ingested:
    """Extract, annotate, store and cluster one document. Raises InputError when it has no usable text."""
    article = extract(raw)
    warnings: list[str] = []
    with provider.reader() as store:
        known = store.has_article(article.id)
    annotation = None
    if annotate and not known:
        annotation, problem = _annotate(article)
        if problem:
            warnings.append(f"stored without annotation ({problem})")
    manifest: dict[str, Any] = {"newsdesk_version": __version__, "via": "api",
                                "inputs": [{"path": raw.source, "sha256": hashlib.sha256(raw.data).hexdigest()}]}
    if annotate:
        from newsdesk.code import coder_version

        manifest["annotator_version"] = ANNOTATOR_VERSION
        manifest["coder_version"] = coder_version()
    with provider.writer() as store:
        run_id = store.start_run(manifest)
        outcome = store.add_article(article, annotation, ANNOTATOR_VERSION if annotation else None)
        if outcome is Added.NEW and cluster:
            try:
                Clusterer(store).add(store.get_article(article.id))
                settle(store, [article.id])  # as an ingest run ends: its event rebuilt by complete link, mentions linked
            except Exception as e:  # stored: the next ingest run clusters the articles left in no event
                warnings.append(f"stored but not clustered ({e.__class__.__name__}); the next ingest run clusters it")
        manifest["counts"] = {"ingested": int(outcome is Added.NEW), "new_sources": int(outcome is Added.NEW_SOURCE),
                              "already_present": int(outcome is Added.PRESENT), "failed": 0}
        store.finish_run(run_id, manifest)
        stored = store.get_article(article.id)
    return Ingested(outcome, stored, tuple(warnings))
