"""Store access for the server. SQLite: one read connection per worker thread (WAL mode serves readers
concurrently) and one writer behind a lock, so every write goes through a single connection. PostgreSQL: one
store for every thread (its pool hands each call a connection); writes still go one at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from newsdesk.store import Store, is_postgres_url, open_store


class StoreProvider:
    """`reader()` is this thread's store; `writer()` yields the single writing store under a lock.

    With `shared=True` (and always for ':memory:') one store serves everything behind one lock; the bench
    (`bench/serve.py --shared-connection`) measures both. A PostgreSQL store is shared, and read without the lock."""

    def __init__(self, db: str, *, shared: bool = False) -> None:
        self.db = db
        self.shared = shared or db == ":memory:"
        self._local = threading.local()
        self._lock = threading.RLock()
        self._all: list[Store] = []
        self._writer: Store | None = None
        self._pooled: Store | None = None
        if is_postgres_url(db):
            self._pooled = self._open()
        elif self.shared:
            self._writer = self._open()
        else:
            open_store(db).close()  # create and migrate once, so a bad path fails at start-up

    def _open(self) -> Store:
        store = open_store(self.db)
        with self._lock:
            self._all.append(store)
        return store

    @contextmanager
    def reader(self) -> Iterator[Store]:
        if self._pooled is not None:
            yield self._pooled
            return
        if self.shared:
            with self._lock:
                yield self._shared_store()
            return
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = self._open()
        yield store

    @contextmanager
    def writer(self) -> Iterator[Store]:
        with self._lock:  # also for PostgreSQL: clustering reads then writes, so writes go one at a time
            if self._pooled is not None:
                yield self._pooled
                return
            if self.shared:
                yield self._shared_store()
                return
            if self._writer is None:
                self._writer = self._open()
            yield self._writer

    def write_store(self) -> Store:
        """The store `writer()` yields, for a caller that holds `writer()` around each use of it and does
        other work between (an upload's run annotates between its writes: `Run(guard=provider.writer)`)."""
        with self.writer() as store:
            return store

    def _shared_store(self) -> Store:
        if self._writer is None:
            self._writer = self._open()
        return self._writer

    def read(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call one store method on a reader: `provider.read("list_articles", limit=10)`."""
        with self.reader() as store:
            return getattr(store, method)(*args, **kwargs)

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                try:
                    store.close()
                except Exception:  # closing from another thread may fail; the process is ending anyway
                    pass
            self._all.clear()
            self._writer = self._pooled = None
