"""PostgreSQL backend beyond the shared storage tests (test_store.py runs those on both backends): several
processes ingesting at once, `newsdesk load` and `$NEWSDESK_DB` with a URL, the API cache, the same answers as
SQLite for the same writes, and connection errors that name the server but never the password."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from test_store import WALKOUT, annotated

from newsdesk.errors import StoreError
from newsdesk.store import open_store

WORKERS = 4
ARTICLES = 40


def _ingest_worker(url: str, worker: int, barrier, results) -> None:
    """One ingesting process: every article, in its own order, from one of two feeds (so each text arrives
    twice from each source); all processes start together."""
    store = open_store(url)
    order = list(range(ARTICLES))
    random.Random(worker).shuffle(order)
    outcomes: Counter[str] = Counter()
    barrier.wait()
    try:
        for i in order:
            ann = annotated(f"{WALKOUT} Report number {i} of the quota dispute.", f"2023-05-{1 + i % 28:02d}T08:00")
            article = dataclasses.replace(ann.article, source=f"feed{worker % 2}.jsonl#{i}",
                                          external_id=f"feed{worker % 2}-{i}")
            ann = dataclasses.replace(ann, article=article)
            outcomes[store.add_article(article, ann, "v1").value] += 1
    except Exception as e:  # reported to the test, which shows it
        outcomes[f"error: {e!r}"] += 1
    store.close()
    results.put(dict(outcomes))


def test_postgres_concurrent_ingest_no_duplicates_no_losses(pg_url):
    open_store(pg_url).close()
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [ctx.Process(target=_ingest_worker, args=(pg_url, w, barrier, results)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    outcomes: Counter[str] = Counter()
    for _ in procs:
        outcomes.update(results.get(timeout=180))
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    # each text stored once, each (text, feed) pair once; every other attempt found them present
    assert outcomes == {"new": ARTICLES, "new_source": ARTICLES, "present": (WORKERS - 2) * ARTICLES}
    store = open_store(pg_url)
    assert store.counts() == {"articles": ARTICLES, "sources": 2 * ARTICLES, "removed_lines": ARTICLES}
    with store.connection() as c:
        assert c.execute("SELECT count(*) FROM article_actors").fetchone()[0] == 2 * ARTICLES
        assert c.execute("SELECT count(*) FROM event_mentions").fetchone()[0] == ARTICLES
        assert c.execute("SELECT count(*) FROM actors").fetchone()[0] == 2
    store.close()


def test_postgres_concurrent_cli_ingest(pg_url, tmp_path):
    """`newsdesk ingest` from three processes over the same directory: each article once, each clustered."""
    for i in range(12):
        (tmp_path / f"report{i:02d}.txt").write_text(
            f"Harbour workers in port city number {i} walked off the job on Tuesday over pay, union leaders "
            f"said.\n\nThe strike at terminal {i} halted container traffic for the whole day.\n", encoding="utf-8")
    open_store(pg_url).close()
    cmd = [sys.executable, "-m", "newsdesk", "ingest", str(tmp_path), "--no-annotate", "--db", pg_url, "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        reports.append(json.loads(out))
    assert sum(r["ingested"] for r in reports) == 12
    assert sum(r["already_present"] for r in reports) == 24
    store = open_store(pg_url)
    assert store.counts()["articles"] == 12 and store.counts()["sources"] == 12
    assert all(store.event_of(aid) for aid in store.article_ids_in_time_order())
    store.close()


def test_postgres_load_cli_and_env_url(pg_url, tmp_path, monkeypatch):
    """`newsdesk load DIR --db postgresql://…` is idempotent; `$NEWSDESK_DB` selects the backend too."""
    from typer.testing import CliRunner

    from newsdesk.batch.partition import PartWriter
    from newsdesk.batch.run import build_manifest
    from newsdesk.batch.tables import article_rows
    from newsdesk.cli import app

    w = PartWriter(str(tmp_path), 0)
    for day in (8, 9):
        w.add(article_rows(annotated(f"{WALKOUT} Day {day}.", f"2023-05-{day:02d}T09:00"), annotator_version="1"))
    w.flush()
    (tmp_path / "manifest.json").write_text(json.dumps(build_manifest([], [], [], {}, {})))
    runner = CliRunner()
    first = runner.invoke(app, ["load", str(tmp_path), "--db", pg_url, "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["new"] == 2 and ":***@" in json.loads(first.stdout)["db"]
    again = runner.invoke(app, ["load", str(tmp_path), "--db", pg_url, "--json"])
    assert json.loads(again.stdout)["already_present"] == 2 and json.loads(again.stdout)["new"] == 0
    monkeypatch.setenv("NEWSDESK_DB", pg_url)
    listed = runner.invoke(app, ["articles", "--json"])
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 2


def test_postgres_same_answers_as_sqlite(pg_url, tmp_path):
    """The same writes give the same reads on both backends (ingest timestamps aside)."""
    from newsdesk.cluster.incremental import Clusterer

    stores = [open_store(str(tmp_path / "same.db")), open_store(pg_url)]
    answers = []
    for store in stores:
        for i, day in enumerate((8, 8, 12)):
            text = WALKOUT if i < 2 else "Farmers in Bavaria protested against new fertiliser rules on Friday."
            ann = annotated(f"{text} Copy {i}." if i else text, f"2023-05-{day:02d}T1{i}:00")
            store.add_article(ann.article, ann, "v1")
        clusterer = Clusterer(store)
        for aid in store.article_ids_in_time_order():
            clusterer.add(store.get_article(aid))
        reads = {"articles": store.list_articles(), "actors": store.list_actors(), "quotes": store.list_quotes(),
                 "events": store.list_events(), "clustered": store.list_clustered_events(),
                 "stories": store.list_stories(), "actor": store.get_actor("Dahl"),
                 "export": list(store.iter_export()), "search": [h["id"] for h in store.search("Bavaria")]}
        answers.append(json.loads(json.dumps(reads).replace(stores[0].location, "")))
        store.close()
    for a in answers:
        for rec in a["export"]:
            rec.pop("sources")
    assert answers[0] == answers[1]


def test_postgres_api_cache_sees_commits(pg_url):
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app
    from newsdesk.api.cache import DataVersion

    version = DataVersion(pg_url)
    assert version() == version()  # nothing committed in between: the cache may answer
    with TestClient(create_app(pg_url, cache_stale=0)) as client:  # an answer the moment a commit lands
        assert client.get("/api/v1/articles").json()["rows"] == []
        writer = open_store(pg_url)
        ann = annotated(WALKOUT, "2023-05-08T09:30")
        writer.add_article(ann.article, ann, "v1")
        writer.close()
        assert [r["id"] for r in client.get("/api/v1/articles").json()["rows"]] == [ann.article.id]
        assert client.get(f"/api/v1/articles/{ann.article.id}").json()["ok"] is True
    version.close()


def test_postgres_connection_error_names_server_not_password(pg_server):
    url = pg_server.url("no_such_database")
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL") as e:
        open_store(url)
    assert "no_such_database" in str(e.value) and pg_server.password not in str(e.value)


def test_postgres_closed_store_fails_with_one_line(pg_url):
    store = open_store(pg_url)
    store.close()
    with pytest.raises(StoreError, match="PostgreSQL connection failed"):
        store.counts()


def test_postgres_server_module_loopback_and_not_root(pg_server):
    """The throwaway server listens on loopback only, and never runs as root (PostgreSQL refuses to)."""
    import psycopg

    with psycopg.connect(pg_server.url("postgres")) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
    assert (Path(pg_server.root) / "data").stat().st_uid != 0


@pytest.mark.slow
def test_postgres_api_and_web_answer_as_sqlite(pg_url, tmp_path):
    """The bundled samples, ingested (annotated, coded, clustered) into each backend: every API listing and
    detail gives the same JSON, and every web page renders."""
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app
    from newsdesk.cli import samples_dir
    from newsdesk.pipeline import ingest_paths

    answers = []
    for db in (str(tmp_path / "samples.db"), pg_url):
        store = open_store(db)
        ingest_paths([str(samples_dir())], store, workers=1)
        store.close()
        got: dict[str, object] = {}
        with TestClient(create_app(db)) as client:
            for path in ("articles", "events", "mentions", "stories", "actors", "quotes", "places",
                         "events?country=RUS", "events?_sort=-n_articles"):
                got[path] = client.get(f"/api/v1/{path}").json()
            # search ranks (bm25 / ts_rank_cd) and cuts snippets its own way: the same hits, in any order
            got["search"] = sorted(r["id"] for r in client.get("/api/v1/search?q=sanctions").json()["rows"])
            events = [r["id"] for r in got["events"]["rows"]]
            actors = [r["id"] for r in got["actors"]["rows"]][:5]
            stories = [r["id"] for r in got["stories"]["rows"]]
            for kind, ids in (("events", events), ("actors", actors), ("stories", stories)):
                for i in ids:
                    got[f"{kind}/{i}"] = client.get(f"/api/v1/{kind}/{i}").json()
            pages = ["/", "/search?q=minister", "/map", *(f"/events/{i}" for i in events[:3]),
                     *(f"/actors/{i}" for i in actors[:3]), *(f"/stories/{i}" for i in stories[:2])]
            assert {p: client.get(p).status_code for p in pages} == dict.fromkeys(pages, 200)
        answers.append(json.loads(json.dumps(got).replace(str(tmp_path), "")))
    assert len(answers[0]["events"]["rows"]) >= 3 and answers[0]["search"]
    for key in answers[0]:
        assert answers[0][key] == answers[1][key], key


def test_postgres_exclusive_blocks_take_turns_across_stores(pg_url):
    """Two stores (as two processes would) asking for the same named block run it one after the other."""
    import threading
    import time

    order: list[str] = []
    first, second = open_store(pg_url), open_store(pg_url)
    entered = threading.Event()

    def hold() -> None:
        with first.exclusive("settle"):
            entered.set()
            order.append("first in")
            time.sleep(0.3)
            order.append("first out")

    t = threading.Thread(target=hold)
    t.start()
    entered.wait(10)
    with second.exclusive("settle"):
        order.append("second in")
    t.join()
    with second.exclusive("other"), first.exclusive("another"):  # other names do not wait
        order.append("both")
    assert order == ["first in", "first out", "second in", "both"]
    first.close()
    second.close()
