"""Ingest one document posted to the API as one run (`newsdesk.run.Run`, entry "api"): the one batching loop
(`Run.write`) extracts and annotates it and hands it to the same `StoreSink` as `newsdesk ingest`, which stores,
clusters and settles it. The server's writer lock is held around each use of the store, not the annotating."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from newsdesk.annotate import ANNOTATOR_VERSION
from newsdesk.annotate.pool import Annotator
from newsdesk.api.stores import StoreProvider
from newsdesk.errors import InputError
from newsdesk.records import RawDoc
from newsdesk.run import Run, input_record
from newsdesk.settings import Settings
from newsdesk.sinks import StoreSink
from newsdesk.store import Added


@dataclass(frozen=True)
class Ingested:
    outcome: Added
    article: dict[str, Any]
    warnings: tuple[str, ...]


def ingest_doc(provider: StoreProvider, raw: RawDoc, *, settings: Settings, annotate: bool = True,
               cluster: bool = True) -> Ingested:
    """Extract, annotate, store and cluster one document as one run with `settings` (the server's, read once
    when it starts). Raises InputError when it has no usable text (the run records why), `NotStored` (503)
    when the database refuses it; what went wrong after it was stored comes back as warnings."""
    if not annotate:
        settings = replace(settings, annotate=replace(settings.annotate, enabled=False))
    problems: list[InputError] = []
    store = provider.write_store()
    with Run(store, "api", settings, inputs=[input_record(raw.source, raw.data)],
             options={"cluster": cluster, "settle": cluster}, guard=provider.writer) as run:
        sink = StoreSink(store, problems.append, annotator_version=ANNOTATOR_VERSION,
                         clusterer=run.clusterer() if cluster else None, settle=run.settle if cluster else None)
        # one article, annotated in this thread at the server's priority (workers and nice are an ingest's)
        annotator = Annotator(1, code=settings.code.enabled) if settings.annotate.enabled else None
        try:
            run.write([raw], sink, annotator)
        finally:
            run.counts.update({**sink.counts(), "failed": len(problems)})
            run.manifest["errors"] = [str(e) for e in problems]
    outcome = next((o for o in Added if sink.outcomes[o]), None)
    if outcome is None:
        raise problems[0]
    with provider.reader() as reader:
        stored = reader.get_article(sink.article_ids[0])
    return Ingested(outcome, stored, tuple(e.problem for e in problems))
