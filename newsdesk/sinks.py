"""Where a run's articles go: a `Sink` takes the batches the run's one loop (`newsdesk.run.write`) hands it
and says which texts it holds already. `StoreSink` stores and clusters them (CLI ingest, API upload); a batch
task's `ParquetSink` (`newsdesk.batch.partition`) turns them into Parquet table rows; `GuardedSink` holds a
server's writer lock around each call of another sink."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from newsdesk.cluster.incremental import Clusterer
from newsdesk.cluster.rebuild import SETTLE_EVERY
from newsdesk.errors import InputError, why
from newsdesk.records import AnnotatedArticle, Article
from newsdesk.store import Added, Store

__all__ = ["GuardedSink", "NotStored", "Sink", "StoreSink", "Written"]


class NotStored(InputError):
    """An article the database refused (its one transaction rolled back): the server's fault, not the
    document's, so the API answers 503 (try again), not 400."""

    http_status = 503


@dataclass(frozen=True)
class Written:
    """One article as the loop hands it to a sink."""

    annotation: AnnotatedArticle  # bare (no annotation) unless `annotated`
    problem: str | None = None  # why its annotation failed: kept without it
    annotated: bool = False  # carries the annotator's output
    copy: bool = False  # a text the sink held already: only this source is new

    @property
    def article(self) -> Article:
        return self.annotation.article


class Sink(Protocol):
    def known(self, article_id: str) -> bool:
        """The sink holds this text already (a later copy is written as a copy, not annotated again)."""
        ...

    def write(self, batch: list[Written]) -> None: ...

    def error(self, e: InputError) -> None:
        """A record that did not become an article (unreadable, not extractable)."""
        ...

    def finish(self) -> None: ...


class StoreSink:
    """Stores each article in one transaction, clusters each new one as it is stored (`clusterer`) and
    rebuilds the events they joined or started by complete link (`settle`) every `SETTLE_EVERY` articles and
    at the end. Whatever one article raises is reported through `fail` and the run goes on."""

    def __init__(self, store: Store, fail: Callable[[InputError], None], *, annotator_version: str | None,
                 clusterer: Clusterer | None = None, settle: Callable[[list[str]], Any] | None = None) -> None:
        self.store, self.fail, self.version = store, fail, annotator_version
        self.clusterer, self.settle = clusterer, settle
        self.outcomes: dict[Added, int] = dict.fromkeys(Added, 0)
        self.article_ids: list[str] = []
        self.unsettled: list[str] = []  # clustered one at a time, their events not yet settled

    def known(self, article_id: str) -> bool:
        return self.store.has_article(article_id)

    def counts(self) -> dict[str, int]:
        """How many articles were new, new sources of a known text, and present already (a run's counts)."""
        return {"ingested": self.outcomes[Added.NEW], "new_sources": self.outcomes[Added.NEW_SOURCE],
                "already_present": self.outcomes[Added.PRESENT]}

    def error(self, e: InputError) -> None:
        self.fail(e)

    def write(self, batch: list[Written]) -> None:
        for w in batch:
            if w.problem:
                self.fail(InputError(w.article.source, f"stored without annotation ({w.problem})"))
            self.add(w.article, w.annotation if w.annotated else None)

    def add(self, article: Article, annotation: AnnotatedArticle | None = None) -> None:
        try:
            outcome = self.store.add_article(article, annotation, self.version if annotation else None)
        except Exception as e:  # one transaction per article: nothing of it was stored
            self.fail(NotStored(article.source, f"could not be stored ({why(e)})"))
            return
        self.outcomes[outcome] += 1
        self.article_ids.append(article.id)
        if outcome is Added.NEW:
            self.cluster(article.id, article.source)

    def cluster(self, article_id: str, source: str) -> None:
        if self.clusterer is None:
            return
        try:
            self.clusterer.add(self.store.get_article(article_id))
        except Exception as e:  # stored, not clustered: the next run retries it (unclustered_article_ids)
            self.fail(InputError(source, f"stored but not clustered ({why(e)})"))
            return
        if self.settle is not None:
            self.unsettled.append(article_id)
            if len(self.unsettled) >= SETTLE_EVERY:
                self.settle_now()

    def repair(self) -> int:
        """Cluster the stored articles that are in no event: a run killed between an article's two
        transactions (store, then cluster) left them so, and re-ingesting them finds them present."""
        if self.clusterer is None:
            return 0
        try:
            orphans = self.store.unclustered_article_ids()
        except Exception as e:
            self.fail(InputError("repair", f"could not look for articles in no event ({why(e)})"))
            return 0
        for article_id in orphans:
            self.cluster(article_id, f"article {article_id}")
        return len(orphans)

    def settle_now(self) -> None:
        if self.settle is None or not self.unsettled:
            return
        try:
            self.settle(self.unsettled)
        except Exception as e:  # the events stay as clustered one at a time; articles in none are repaired
            self.fail(InputError("settle", f"could not rebuild the run's events ({why(e)})"))
        self.unsettled.clear()

    def finish(self) -> None:
        self.settle_now()


class GuardedSink:
    """`sink` with `guard` (a server's one-writer lock, `StoreProvider.writer`) held around each call: the
    annotation the loop runs between two calls runs outside it, so other writers wait for storing only."""

    def __init__(self, sink: Sink, guard: Callable[[], AbstractContextManager[Any]]) -> None:
        self.sink, self.guard = sink, guard

    def known(self, article_id: str) -> bool:
        with self.guard():
            return self.sink.known(article_id)

    def write(self, batch: list[Written]) -> None:
        with self.guard():
            self.sink.write(batch)

    def error(self, e: InputError) -> None:
        self.sink.error(e)

    def finish(self) -> None:
        with self.guard():
            self.sink.finish()
