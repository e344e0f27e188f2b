"""The response cache while another process writes (issue 20: 200 req/s beside an ingest): an answer is
served for `max_stale` seconds after it was computed although commits came since, then computed again; a
write through this server makes every answer stale at once, so its client reads what it wrote."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient

from newsdesk.api import create_app
from newsdesk.api.cache import ResponseCache
from newsdesk.store import open_store
from tests.test_bounded_memory import _cache_of, _run


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _counting_cache(version: list[int], clock: Clock, monkeypatch, max_stale: float) -> tuple[ResponseCache, list]:
    calls: list[bytes] = []

    async def app(scope, receive, send):
        calls.append(scope["method"].encode())
        body = b"answer %d" % len(calls)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    monkeypatch.setattr("newsdesk.api.cache.time.monotonic", clock)
    return ResponseCache(app, lambda: version[0], max_stale=max_stale), calls


def test_api_cache_serves_an_answer_max_stale_seconds_after_other_commits(monkeypatch):
    version, clock = [1], Clock()
    cache, calls = _counting_cache(version, clock, monkeypatch, max_stale=2.0)
    assert _run(cache, "/page", "")["body"] == b"answer 1"
    version[0] = 2  # another process committed
    clock.now += 1.5
    assert _run(cache, "/page", "")["body"] == b"answer 1" and len(calls) == 1
    clock.now += 1.0  # 2.5 s after it was computed: too old
    assert _run(cache, "/page", "")["body"] == b"answer 2"
    clock.now += 10.0  # nothing committed since: kept however old
    assert _run(cache, "/page", "")["body"] == b"answer 2" and len(calls) == 2


def test_api_cache_without_staleness_recomputes_after_any_commit(monkeypatch):
    version, clock = [1], Clock()
    cache, calls = _counting_cache(version, clock, monkeypatch, max_stale=0.0)
    _run(cache, "/page", "")
    version[0] = 2
    assert _run(cache, "/page", "")["body"] == b"answer 2"


def test_api_cache_own_write_makes_every_answer_stale(monkeypatch):
    version, clock = [1], Clock()
    cache, calls = _counting_cache(version, clock, monkeypatch, max_stale=60.0)
    _run(cache, "/page", "")
    _run(cache, "/other", "")
    version[0] = 2

    async def post() -> None:
        async def send(message):
            pass
        await cache({"type": "http", "method": "POST", "path": "/api/v1/articles", "query_string": b"",
                     "headers": []}, None, send)

    asyncio.run(post())
    assert _run(cache, "/page", "")["body"] == b"answer 4" and _run(cache, "/other", "")["body"] == b"answer 5"


def test_api_cache_other_process_commit_seen_within_max_stale(tmp_path):
    """End to end on SQLite: an article another connection stores shows in the listing once the cached page
    is older than `cache_stale`, and at once with staleness off."""
    db = str(tmp_path / "s.db")
    from newsdesk.records import Article

    def add(n: int) -> None:
        s = open_store(db)
        text = f"Report {n}: ministers met over the grain corridor."
        s.add_article(Article(id=f"a{n}", source=f"t:{n}", text=text, paragraphs=(text,), title=f"T{n}"))
        s.close()

    add(1)
    with TestClient(create_app(db, cache_stale=3600)) as stale, TestClient(create_app(db, cache_stale=0)) as exact:
        assert len(stale.get("/api/v1/articles").json()["rows"]) == 1
        assert len(exact.get("/api/v1/articles").json()["rows"]) == 1
        add(2)
        assert len(stale.get("/api/v1/articles").json()["rows"]) == 1  # within the hour it may lag
        assert len(exact.get("/api/v1/articles").json()["rows"]) == 2
        _cache_of(stale.app).max_stale = 0
        assert len(stale.get("/api/v1/articles").json()["rows"]) == 2


def test_api_cache_old_answer_while_one_request_computes_it_anew(monkeypatch):
    """Past `max_stale`, the first request computes the page again; the others for the same URL meanwhile get
    the old answer instead of computing it too."""
    version, clock = [1], Clock()
    monkeypatch.setattr("newsdesk.api.cache.time.monotonic", clock)
    release = asyncio.Event()
    calls: list[str] = []

    async def app(scope, receive, send):
        calls.append(scope["path"])
        if len(calls) == 2:
            await release.wait()  # the second computation is slow
        body = b"answer %d" % len(calls)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    cache = ResponseCache(app, lambda: version[0], max_stale=1.0)

    async def get() -> bytes:
        out: list[bytes] = []

        async def send(message):
            out.append(message.get("body", b""))
        await cache({"type": "http", "method": "GET", "path": "/page", "query_string": b"", "headers": []},
                    None, send)
        return b"".join(out)

    async def scenario() -> list[bytes]:
        first = await get()
        version[0], clock.now = 2, clock.now + 5  # committed elsewhere, and the answer is older than max_stale
        slow = asyncio.create_task(get())
        await asyncio.sleep(0)  # the slow one starts computing
        meanwhile = [await get(), await get()]
        release.set()
        return [first, *meanwhile, await slow, await get()]

    assert asyncio.run(scenario()) == [b"answer 1", b"answer 1", b"answer 1", b"answer 2", b"answer 2"]
    assert len(calls) == 2
