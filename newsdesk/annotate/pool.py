"""Run annotation over batches of articles on all cores: a process pool whose workers load the NLP
pipeline and knowledge base once (forked from a parent that loaded them, so the memory is shared)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Sequence

from newsdesk.records import AnnotatedArticle, Article

Result = tuple[AnnotatedArticle, str | None]  # the annotation, or the bare article and why it failed


def _annotate_chunk(articles: Sequence[Article]) -> list[Result]:
    from newsdesk.annotate import annotate_many

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


def _warm() -> None:
    from newsdesk.annotate import _resources

    _resources()


class Annotator:
    """`annotate(batch)` returns results in input order; `workers=1` runs in this process."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool = None

    def annotate(self, articles: Sequence[Article]) -> list[Result]:
        if not articles:
            return []
        if self.workers == 1 or len(articles) < 4:
            return _annotate_chunk(articles)
        if self._pool is None:
            _warm()  # load once in the parent; forked workers share it
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
            self._pool = ctx.Pool(self.workers, initializer=_warm)
        size = -(-len(articles) // self.workers)
        chunks = [articles[i:i + size] for i in range(0, len(articles), size)]
        return [r for chunk in self._pool.map(_annotate_chunk, chunks) for r in chunk]

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
