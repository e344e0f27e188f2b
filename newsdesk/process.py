"""The per-document stages in order: extract, annotate (actors, quotes, time, places), then code (events).
`process` runs them on one document; `process_many` annotates and codes a batch of extracted articles, as
every entry point that annotates (CLI ingest, API upload, re-annotation, batch) does through the annotator
pool (`newsdesk.annotate.pool`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from newsdesk.annotate import annotate_docs
from newsdesk.code import code_article
from newsdesk.code.headline import headline_events
from newsdesk.errors import InputError, NewsdeskError
from newsdesk.extract import extract
from newsdesk.records import AnnotatedArticle, Article, RawDoc
from newsdesk.settings import Settings

__all__ = ["extract_reported", "process", "process_many"]


def extract_reported(raw: RawDoc, timeout: float | None = None) -> Article:
    """`newsdesk.extract.extract`, with any failure turned into an InputError naming the record: what a run
    reports for the record before it goes on."""
    try:
        return extract(raw, timeout=timeout)
    except InputError:
        raise
    except NewsdeskError as e:
        raise InputError(raw.source, str(e)) from None
    except Exception as e:  # a bug or a pathological page must not stop the run
        raise InputError(raw.source, f"could not be extracted ({e.__class__.__name__}: {str(e)[:80]})") from None


def process(raw: RawDoc, resources: tuple | None, settings: Settings) -> AnnotatedArticle:
    """Extract, annotate and code one document as `settings` say. `resources` are the NLP pipeline, knowledge
    base and phrase matcher to annotate with (`newsdesk.annotate._resources()`; None: this process's).
    Raises InputError when the document has no usable text or its cleaning takes too long."""
    article = extract(raw, timeout=settings.extract.time_limit)
    if not settings.annotate.enabled:
        return AnnotatedArticle(article)
    return next(process_many([article], code=settings.code.enabled, resources=resources))


def process_many(articles: Iterable[Article], batch_size: int = 16, *, code: bool = True,
                 resources: tuple | None = None) -> Iterator[AnnotatedArticle]:
    """Annotate, then (with `code`) code, each article; the code stage reads the Doc annotation parsed (no
    second parse)."""
    for ann, doc in annotate_docs(articles, batch_size, resources=resources):
        if doc is None or not code:
            yield ann
            continue
        yield replace(ann, events=code_article(ann, doc) + headline_events(ann, resources))
