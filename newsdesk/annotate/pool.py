"""Run annotation over batches of articles on all cores: a process pool whose workers load the NLP
pipeline and knowledge base once (forked from a parent that loaded them, so the memory is shared)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Sequence
from typing import Protocol

from newsdesk.records import AnnotatedArticle, Article

Result = tuple[AnnotatedArticle, str | None]  # the annotation, or the bare article and why it failed


def _annotate_chunk(articles: Sequence[Article]) -> list[Result]:
    """Annotate and code a chunk (`newsdesk.process`); never raises."""
    from newsdesk.process import process_many as annotate_many

    try:
        return [(a, None) for a in annotate_many(articles)]
    except Exception:  # one bad article must not lose the chunk: retry one by one
        out: list[Result] = []
        for article in articles:
            try:
                out.extend((a, None) for a in annotate_many([article]))
            except Exception as e:
                out.append((AnnotatedArticle(article), f"{e.__class__.__name__}: {str(e)[:80]}"))
        return out


class _Pending(Protocol):
    def get(self) -> list[Result]: ...


class _Done:
    def __init__(self, results: list[Result]) -> None:
        self._results = results

    def get(self) -> list[Result]:
        return self._results


class _Mapped:
    def __init__(self, async_result) -> None:
        self._async = async_result

    def get(self) -> list[Result]:
        return [r for chunk in self._async.get() for r in chunk]


def _warm() -> None:
    from newsdesk.annotate import _resources

    _resources()


class Annotator:
    """`annotate(batch)` returns results in input order; `workers=1` runs in this process.
    `submit(batch)` starts a batch and returns at once: the caller stores the previous batch's results
    while the workers annotate this one (`.get()` waits for them)."""

    CHUNK = 8  # articles per task: small enough to keep every worker busy to the end of a batch

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool = None

    def annotate(self, articles: Sequence[Article]) -> list[Result]:
        return self.submit(articles).get()

    def submit(self, articles: Sequence[Article]) -> _Pending:
        if not articles:
            return _Done([])
        if self.workers == 1 or len(articles) < 4:
            return _Done(_annotate_chunk(articles))
        if self._pool is None:
            _warm()  # load once in the parent; forked workers share it
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
            self._pool = ctx.Pool(self.workers, initializer=_warm)
        size = max(1, min(self.CHUNK, -(-len(articles) // self.workers)))
        chunks = [articles[i:i + size] for i in range(0, len(articles), size)]
        return _Mapped(self._pool.map_async(_annotate_chunk, chunks))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> Annotator:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc and exc[0] is not None and self._pool is not None:
            self._pool.terminate()
            self._pool = None
        self.close()
