"""Memory a client cannot spend (issue 20, item 4): the response cache keyed on recognised parameters and
bounded in bytes, writes refused before their body is read and bodies read with a cap, gzip bombs refused
while decompressing, and YAML alias bombs refused before loading. Every input is generated here."""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import time
import tracemalloc

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsdesk.api import create_app, routes_write
from newsdesk.api.cache import ResponseCache
from newsdesk.errors import InputError
from newsdesk.ingest import read_bytes, readers
from newsdesk.kb.cli import kb_app
from newsdesk.kb.model import KBError
from newsdesk.kb.user import add_file

TOKEN = "t0ken-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _cache_of(app) -> ResponseCache:
    node = app.middleware_stack
    while node is not None and not isinstance(node, ResponseCache):
        node = getattr(node, "app", None)
    assert node is not None, "the response cache is not in the middleware stack"
    return node


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(str(tmp_path / "m.db"), TOKEN), raise_server_exceptions=False) as c:
        yield c


# --- the response cache ------------------------------------------------------------------------------------


def test_bounded_memory_cache_keys_only_recognised_parameters(client):
    plain = client.get("/api/v1/events?_size=5").json()
    for n in range(200):
        r = client.get(f"/api/v1/events?_size=5&junk{n}={'x' * 50}&pad={n}")
        assert r.status_code == 200 and r.json() == plain  # the route never sees them, nor its next_url
    cache = _cache_of(client.app)
    assert len(cache) == 1
    client.get("/api/v1/events?_size=6")
    client.get("/api/v1/events?_size=6&actor=Putin")
    assert len(cache) == 3  # what the route recognises still tells answers apart
    client.get("/search?q=alpha&junk=1")
    client.get("/search?q=beta&junk=2")
    assert len(cache) == 5  # a web page keeps the parameters it reads itself (q), and drops the rest
    keys = [k[2] for k in cache._entries]
    assert "q=alpha" in keys and not any("junk" in k or "pad" in k for k in keys)


def _run(cache: ResponseCache, path: str, query: str) -> dict:
    sent: dict = {}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
        else:
            sent["body"] = sent.get("body", b"") + message.get("body", b"")

    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode(), "headers": []}
    asyncio.run(cache(scope, None, send))
    return sent


def test_bounded_memory_cache_bounded_in_bytes_lru():
    calls = []

    async def app(scope, receive, send):
        calls.append(scope["query_string"])
        body = scope["query_string"].ljust(10_000, b".")
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    cache = ResponseCache(app, lambda: 1, max_bytes=50_000, page_params=frozenset({"n"}))
    for n in range(100):
        assert _run(cache, "/page", f"n={n}")["body"].startswith(f"n={n}".encode())
    assert cache.size <= 50_000 and 1 <= len(cache) <= 5
    before = len(calls)
    _run(cache, "/page", "n=99")  # the newest is kept ...
    _run(cache, "/page", "n=0")  # ... the oldest went first
    assert calls[before:] == [b"n=0"]
    _run(cache, "/page", f"n=0&junk={'y' * 20_000}")
    assert calls[before:] == [b"n=0"] and cache.size <= 50_000


# --- request bodies ----------------------------------------------------------------------------------------


def _asgi_post(app, headers: list[tuple[bytes, bytes]]) -> tuple[int, dict, bool]:
    """POST /api/v1/articles straight to the ASGI app; answers (status, JSON body, whether the body was read)."""
    read, out = [], {}

    async def receive():
        read.append(True)
        return {"type": "http.request", "body": b"x" * 1000, "more_body": True}

    async def send(message):
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        else:
            out["body"] = out.get("body", b"") + message.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/v1/articles", "raw_path": b"/api/v1/articles", "root_path": "", "query_string": b"",
             "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
             "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    return out["status"], json.loads(out["body"]), bool(read)


def test_bounded_memory_write_refused_before_its_body_is_read(tmp_path):
    app = create_app(str(tmp_path / "w.db"), TOKEN)
    huge = (b"content-length", b"300000000")
    status, body, read = _asgi_post(app, [huge])
    assert (status, read) == (401, False) and body["ok"] is False and "token" in body["error"]
    status, body, read = _asgi_post(app, [huge, (b"authorization", b"Bearer wrong")])
    assert (status, read) == (401, False)
    status, body, read = _asgi_post(app, [huge, (b"authorization", f"Bearer {TOKEN}".encode())])
    assert (status, read) == (413, False) and "too large" in body["error"] and body["status"] == 413
    status, body, read = _asgi_post(create_app(str(tmp_path / "w.db"), None), [huge])
    assert (status, read) == (403, False)


def test_bounded_memory_body_read_with_a_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(routes_write, "MAX_BODY_BYTES", 4000)
    with TestClient(create_app(str(tmp_path / "w.db"), TOKEN), raise_server_exceptions=False) as c:
        doc = {"text": "word " * 1000, "annotate": False}  # about 5 KB of JSON, over the lowered cap
        r = c.post("/api/v1/articles", json=doc, headers=AUTH)
        assert r.status_code == 413 and r.json()["error"] == "request body too large (the limit is 4,000 bytes)"
        # no Content-Length (chunked): the cap holds while reading, and the answer is still JSON
        chunks = (json.dumps(doc)[i:i + 500].encode() for i in range(0, 6000, 500))
        r = c.post("/api/v1/articles", content=chunks, headers={**AUTH, "content-type": "application/json"})
        assert r.status_code == 413 and r.json()["ok"] is False and "too large" in r.json()["error"]
        small = {"text": "The minister met the envoy in Oslo on Monday. " * 10, "annotate": False}
        r = c.post("/api/v1/articles", json=small, headers=AUTH)
        assert r.status_code == 201, r.text


# --- gzip --------------------------------------------------------------------------------------------------


def _words(n_bytes: int, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    vocab = [("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))))
             for _ in range(3000)]
    out, size = [], 0
    while size < n_bytes:
        w = rnd.choice(vocab)
        out.append(w)
        size += len(w) + 1
    return " ".join(out).encode()


def test_bounded_memory_gzip_bomb_refused_while_decompressing():
    bomb = gzip.compress(b"\0" * (64 << 20), compresslevel=9)  # ~64 KB that would become 64 MB
    assert len(bomb) < 200_000
    tracemalloc.start()
    started = time.monotonic()
    items = list(read_bytes(bomb, "bomb.gz"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(items) == 1 and isinstance(items[0], InputError) and "gzip bomb" in items[0].problem
    assert peak < 24 << 20, f"peak {peak / 1e6:.0f} MB"  # refused just past the 16 MB floor, not at 64 MB
    assert time.monotonic() - started < 5


def test_bounded_memory_gunzip_keeps_real_text(monkeypatch):
    text = _words(3 << 20)
    assert readers._gunzip(gzip.compress(text), 10 << 20) == text
    with pytest.raises(InputError, match="more than 1 MB"):
        readers._gunzip(gzip.compress(text), 1_000_000)
    monkeypatch.setattr(readers, "_GZIP_RATIO_FLOOR", 0)  # text compresses ~3x: far from the bomb ratio
    assert readers._gunzip(gzip.compress(text), 10 << 20) == text
    with pytest.raises(InputError, match="gzip bomb"):
        readers._gunzip(gzip.compress(b"a" * (3 << 20)), 10 << 20)
    with pytest.raises(InputError, match="truncated"):
        readers._gunzip(gzip.compress(text)[:-100], 10 << 20)


# --- YAML --------------------------------------------------------------------------------------------------


def _laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + f"\npeople: *a{levels}\n"


def test_bounded_memory_yaml_alias_bomb_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_KB_DIR", str(tmp_path / "userkb"))
    bomb = tmp_path / "laughs.yaml"
    bomb.write_text(_laughs(), encoding="utf-8")
    assert bomb.stat().st_size < 1024
    started = time.monotonic()
    result = CliRunner().invoke(kb_app, ["add", str(bomb)])
    assert time.monotonic() - started < 5
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "aliases" in lines[0] and "laughs.yaml" in lines[0]
    assert not (tmp_path / "userkb" / "laughs.yaml").exists()
    loop = tmp_path / "loop.yaml"
    loop.write_text("people: &p [*p]\n", encoding="utf-8")
    with pytest.raises(KBError, match="aliases"):
        add_file(loop)


def test_bounded_memory_yaml_few_aliases_still_load(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_KB_DIR", str(tmp_path / "userkb"))
    src = tmp_path / "shared.yaml"
    src.write_text("people:\n"
                   "  - {id: ola-nordmann, name: Ola Nordmann, gender: m, country: &c NOR}\n"
                   "  - {id: kari-nordmann, name: Kari Nordmann, gender: f, country: *c}\n", encoding="utf-8")
    assert add_file(src)["people"] == 2
