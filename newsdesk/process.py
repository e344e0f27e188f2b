"""The per-document stages in order: annotate (actors, quotes, time, places) then code (events), over one
batch of extracted articles. Every entry point that annotates (CLI ingest, API upload, re-annotation, batch)
runs this through the annotation pool."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from newsdesk.records import AnnotatedArticle, Article

__all__ = ["process_many"]


def process_many(articles: Iterable[Article], batch_size: int = 16) -> Iterator[AnnotatedArticle]:
    """Annotate, then code, each article; the code stage reads the Doc annotation parsed (no second parse)."""
    from newsdesk.annotate import annotate_docs
    from newsdesk.code import code_article

    for ann, doc in annotate_docs(articles, batch_size):
        yield ann if doc is None else replace(ann, events=code_article(ann, doc))
