"""Run annotation over batches of articles on all cores: a process pool whose workers load the NLP
pipeline and knowledge base once (forked from a parent that loaded them, so the memory is shared).
A worker that dies costs no article and never hangs the run: its articles are retried once, then reported."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Sequence
from functools import partial
from typing import Protocol

from newsdesk import process
from newsdesk.annotate import _resources
from newsdesk.records import AnnotatedArticle, Article

Result = tuple[AnnotatedArticle, str | None]  # the annotation, or the bare article and why it failed


def _annotate_chunk(articles: Sequence[Article], code: bool = True) -> list[Result]:
    """Annotate and (with `code`) code a chunk (`newsdesk.process`); never raises."""
    def run(chunk: Sequence[Article]):
        return process.process_many(chunk) if code else process.process_many(chunk, code=False)

    try:
        return [(a, None) for a in run(articles)]
    except Exception:  # one bad article must not lose the chunk: retry one by one
        out: list[Result] = []
        for article in articles:
            try:
                out.extend((a, None) for a in run([article]))
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


class _Submitted:
    """A batch's chunks running in the pool. A worker that dies (an OOM kill, a crash in native code) breaks
    the pool and every chunk still in it: those articles are retried once, one at a time in a fresh pool,
    and an article that kills its worker again is returned bare with the reason (and the run goes on)."""

    def __init__(self, annotator: Annotator, chunks: list[Sequence[Article]], futures: list) -> None:
        self._annotator, self._chunks, self._futures = annotator, chunks, futures

    def get(self) -> list[Result]:
        from concurrent.futures.process import BrokenProcessPool

        out: list[Result] = []
        for chunk, future in zip(self._chunks, self._futures, strict=True):
            try:
                out.extend(future.result())
            except BrokenProcessPool:
                self._annotator.lost_chunks += 1
                out.extend(self._annotator.retry_alone(chunk))
        return out


def _warm() -> None:
    _resources()


def _start_worker(nice: int) -> None:
    _lower_priority(nice)
    _warm()


def _lower_priority(nice: int) -> None:
    """Add `nice` to this process's niceness (settings.annotate.nice): annotation is the CPU-heavy part of an
    ingest, and a server reading the same database on the same cores should not wait behind it."""
    if nice > 0 and hasattr(os, "nice"):
        os.nice(nice)


def _new_pool(workers: int, nice: int = 0):
    from concurrent.futures import ProcessPoolExecutor

    _warm()  # load once in the parent; forked workers share it
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    return ProcessPoolExecutor(workers, mp_context=ctx, initializer=partial(_start_worker, nice))


def _stop(pool) -> None:
    """Kill a pool's workers at once (a broken pool's survivors, or an interrupted run's) and let it go."""
    if pool is not None:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            if proc.is_alive():
                proc.kill()
        _drain(pool)
        pool.shutdown(wait=False, cancel_futures=True)


def _drain(pool) -> None:
    """Read what is left in a dead pool's task pipe. Python 3.11's executor, cleaning up after a killed
    worker, joins the thread that feeds that pipe; with a large chunk still being written and no worker
    left to read it, that thread, the cleanup and the interpreter's exit all wait for ever."""
    import threading

    reader = getattr(getattr(pool, "_call_queue", None), "_reader", None)
    if reader is None:
        return

    def read_all() -> None:
        try:
            while True:
                reader.recv_bytes()
        except (EOFError, OSError):  # the feeder closed its end: the executor can finish its cleanup
            pass

    threading.Thread(target=read_all, name="newsdesk-drain", daemon=True).start()


class Annotator:
    """`annotate(batch)` returns results in input order; `workers=1` runs in this process.
    `submit(batch)` starts a batch and returns at once: the caller stores the previous batch's results
    while the workers annotate this one (`.get()` waits for them)."""

    CHUNK = 8  # articles per task: small enough to keep every worker busy to the end of a batch

    def __init__(self, workers: int | None = None, *, code: bool = True, nice: int = 0) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.nice = nice  # added to the workers' niceness; with one worker, to this process's, once
        self._niced = False
        self._chunk = partial(_annotate_chunk, code=code)  # a module-level function: it pickles to workers
        self._pool = None
        self._retry_pool = None  # one worker of its own: only the article retried in it can break it
        self.lost_chunks = 0  # chunks whose worker died (each retried article by article)
        self.lost_articles = 0  # articles that killed their worker twice: stored without annotation

    def annotate(self, articles: Sequence[Article]) -> list[Result]:
        return self.submit(articles).get()

    def submit(self, articles: Sequence[Article]) -> _Pending:
        from concurrent.futures.process import BrokenProcessPool

        if not articles:
            return _Done([])
        if self.workers == 1 or len(articles) < 4:
            if self.workers == 1 and not self._niced:  # a short batch of a pool run stays at the caller's priority
                _lower_priority(self.nice)
                self._niced = True
            return _Done(self._chunk(articles))
        size = max(1, min(self.CHUNK, -(-len(articles) // self.workers)))
        chunks = [articles[i:i + size] for i in range(0, len(articles), size)]
        try:
            futures = [self._executor().submit(self._chunk, c) for c in chunks]
        except BrokenProcessPool:  # a worker of the previous batch died since: start a fresh pool
            self._pool = _stop(self._pool)
            futures = [self._executor().submit(self._chunk, c) for c in chunks]
        return _Submitted(self, chunks, futures)

    def _executor(self):
        if self._pool is None or getattr(self._pool, "_broken", False):
            self._pool = _stop(self._pool)
            self._pool = _new_pool(self.workers, self.nice)
        return self._pool

    def retry_alone(self, chunk: Sequence[Article]) -> list[Result]:
        """Annotate each article of a lost chunk by itself in a worker of its own: the one that kills its
        worker again is returned bare, and no other article is lost with it."""
        from concurrent.futures.process import BrokenProcessPool

        out: list[Result] = []
        for article in chunk:
            if self._retry_pool is None:
                self._retry_pool = _new_pool(1, self.nice)
            try:
                out.extend(self._retry_pool.submit(self._chunk, [article]).result())
            except BrokenProcessPool:
                self._retry_pool = _stop(self._retry_pool)
                self.lost_articles += 1
                out.append((AnnotatedArticle(article), "its annotation worker died twice (killed, or out of "
                                                       "memory); stored without annotation"))
        return out

    def terminate(self) -> None:
        """Stop the workers now (an interrupted run): pending work is dropped."""
        self._pool = _stop(self._pool)
        self._retry_pool = _stop(self._retry_pool)

    def close(self) -> None:
        for pool in (self._pool, self._retry_pool):
            if pool is not None and getattr(pool, "_broken", False):
                _stop(pool)  # its work is all failed already: waiting for it could hang (see _drain)
            elif pool is not None:
                pool.shutdown(wait=True)
        self._pool = self._retry_pool = None

    def __enter__(self) -> Annotator:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc and exc[0] is not None:
            self.terminate()
        self.close()
