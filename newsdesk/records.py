"""Typed records passed between stages: RawDoc (ingest) -> Article (extract).

Later stages add AnnotatedArticle and CodedArticle; all records are frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawDoc:
    """One input document as found, before any cleaning.

    `source` is the path or URL as given (with `#N` for the N-th record of a multi-record file);
    the hints (url, outlet, title, published, external_id) come from the container format
    (JSONL fields, feed items, WARC headers) and take precedence over what extraction finds.
    """

    data: bytes
    media_type: str  # "text/plain" or "text/html"
    source: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    external_id: str | None = None
    fetched_at: str | None = None
    container: str = "file"  # what held it: file, jsonl, feed or warc (provenance of the hints)


@dataclass(frozen=True)
class RemovedLine:
    """A line the cleaner removed, with why."""

    text: str
    reason: str


@dataclass(frozen=True)
class Article:
    """A cleaned article. `id` is a content hash of the normalised text, so copies share it."""

    id: str
    source: str
    text: str
    paragraphs: tuple[str, ...]
    removed: tuple[RemovedLine, ...] = ()
    external_id: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    updated: str | None = None
    language: str | None = None
    media_type: str = "text/plain"
    provenance: dict[str, str] = field(default_factory=dict)  # field -> where its value came from
