"""Hostile inputs and interrupted runs (issue 20): one bad record is one line and never costs the run, a run
killed between storing and clustering an article loses no event, and a dead annotation worker loses no
article and never hangs the run. Every hostile input here is written by the test itself."""

from __future__ import annotations

import gzip
import json
import os
import signal

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.errors import InputError
from newsdesk.ingest import read_input
from newsdesk.pipeline import ingest_paths
from newsdesk.records import AnnotatedArticle, Quote
from newsdesk.store import open_store


def _story(topic: str) -> str:
    return (f"Fisheries ministers of Norway and Iceland signed a {topic} accord in Reykjavik on Tuesday after "
            f"three days of talks about quotas in the North Atlantic. The {topic} accord sets the catch for "
            "the next five years, the ministers told reporters at the harbour.")


def _rss(*items: str) -> str:
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">'
            f"<channel><title>Harbour Gazette</title>{''.join(items)}</channel></rss>")


def _item(guid: str, body: str) -> str:
    return f"<item><guid>{guid}</guid><title>Quota talks</title><description>{body}</description></item>"


def _nested_gzip(data: bytes, layers: int) -> bytes:
    for _ in range(layers):
        data = gzip.compress(data, compresslevel=1)
    return data


# name -> (file name, content, what the line for it says)
HOSTILE: dict[str, tuple[str, bytes, str]] = {
    "jsonl escaped lone surrogate": (
        "surrogate.jsonl", b'{"id": "s1", "text": "' + _story("herring").encode() + b' \\ud800"}\n',
        "lone surrogate U+D800"),
    "jsonl raw surrogate bytes": (
        "raw.jsonl", b'{"id": "s2", "text": "' + _story("cod").encode() + b" \xed\xa0\x80\"}\n",
        "lone surrogate U+D800"),
    "text raw surrogate bytes": ("raw.txt", _story("hake").encode() + b"\xed\xa0\x80", "not valid UTF-8"),
    "rss surrogate character reference": (
        "ref.xml", _rss(_item("g1", _story("mackerel") + " &#xD800;")).encode(), "character reference to a surrogate"),
    "rss summary present but None": (
        "none.xml", _rss("<item><guid>g2</guid><itunes:subtitle/></item>").encode(), "neither content nor summary"),
    "json nested 1,000 deep": (
        "deep.jsonl", b'{"id": "d", "text": "' + _story("sprat").encode() + b'", "x": ' + b"[" * 1000
        + b"]" * 1000 + b"}\n", "nested too deeply"),
    "json nested 100,000 deep": (
        "deeper.jsonl", b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "nested too deeply"),
    "gzip nested 1,000 deep": ("deep.gz", _nested_gzip(_story("plaice").encode(), 1000), "gzip nested more than"),
    "rich markup in a jsonl id": ("markup.jsonl", json.dumps({"id": "[/red]", "text": "x"}).encode() + b"\n",
                                  "markup.jsonl#[/red]: no article text left"),
    "rich markup in a feed guid": ("guid.xml", _rss(_item("[/red][bold]", " ")).encode(), "[/red][bold]"),
}


@pytest.fixture
def good(tmp_path):
    first, last = tmp_path / "0_first.txt", tmp_path / "9_last.txt"
    first.write_text("Quota deal signed\n\n" + _story("salmon"))
    last.write_text("Whaling talks end\n\n" + _story("whaling"))
    return str(first), str(last)


@pytest.mark.parametrize("label", list(HOSTILE))
def test_hostile_input_is_one_line_and_the_run_goes_on(tmp_path, good, label):
    name, data, says = HOSTILE[label]
    bad = tmp_path / name
    bad.write_bytes(data)
    db = str(tmp_path / "h.db")
    r = CliRunner().invoke(app, ["ingest", good[0], str(bad), good[1], "--db", db, "--no-annotate"],
                           prog_name="newsdesk")
    assert r.exit_code == 0, (label, r.output, r.exception)  # README: non-zero only when nothing was ingested
    failed = [line for line in r.stderr.splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and name in failed[0] and says in failed[0], (label, r.stderr)
    assert "2 ingested" in r.stderr and "1 failed" in r.stderr, r.stderr
    with open_store(db) as store:  # the inputs before and after the bad one are stored and clustered
        titles = {a["title"] for a in store.list_articles()}
        assert titles == {"Quota deal signed", "Whaling talks end"}
        assert all(store.event_of(a["id"]) for a in store.list_articles())


def test_hostile_feed_surrogate_reference_loses_only_its_item(tmp_path):
    feed = tmp_path / "two.xml"
    feed.write_text(_rss(_item("bad", _story("tuna") + " &#55296;"), _item("ok", _story("eel") + " caf&#233;")))
    items = list(read_input(str(feed)))
    assert [type(i).__name__ for i in items] == ["InputError", "RawDoc"]
    assert "two.xml#bad" in str(items[0]) and "café" in items[1].data.decode()


def test_hostile_file_name_with_markup_and_invalid_utf8(tmp_path, good):
    """A file name holding "[/red]" and a byte that is not UTF-8: the error line prints, and a readable file
    under such a name is stored under an escaped source name."""
    odd = tmp_path / "dir["
    odd.mkdir()
    empty = os.path.join(os.fsencode(odd), b"red].txt")  # dir[/red].txt
    open(empty, "wb").close()
    readable = os.path.join(os.fsencode(odd), b"\xffred].txt")
    with open(readable, "w") as f:
        f.write("Odd name\n\n" + _story("odd name"))
    db = str(tmp_path / "n.db")
    r = CliRunner().invoke(app, ["ingest", good[0], os.fsdecode(empty), os.fsdecode(readable), "--db", db,
                                 "--no-annotate"], prog_name="newsdesk")
    assert r.exit_code == 0, (r.output, r.exception)
    assert f"failed {odd}/red].txt: empty file" in r.stderr and "[/red]" in r.stderr
    assert "2 ingested" in r.stderr
    with open_store(db) as store:
        sources = [s["source"] for a in store.list_articles() for s in store.get_article(a["id"])["sources"]]
    assert any(s.endswith("/\\udcffred].txt") for s in sources), sources


def test_hostile_year_one_publication_date_is_dropped_and_clustered(tmp_path, store):
    p = tmp_path / "old.jsonl"
    p.write_text(json.dumps({"id": "y1", "published": "0001-01-01T00:00:00Z", "text": _story("anchovy")}) + "\n")
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 1 and not report.failed, report.failed
    aid = report.article_ids[0]
    assert store.get_article(aid)["published"] is None and store.event_of(aid)


def test_hostile_error_in_clustering_is_reported_and_repaired_next_run(tmp_path, store, monkeypatch):
    """A clustering failure (any bug, any driver error) costs neither the run nor, after the next run, the
    article's event."""
    p = tmp_path / "a.txt"
    p.write_text("Quota deal\n\n" + _story("krill"))

    def broken(self, article):
        raise OverflowError("date value out of range")

    from newsdesk.cluster.incremental import Clusterer

    real = Clusterer.add
    monkeypatch.setattr(Clusterer, "add", broken)
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 1 and "stored but not clustered (OverflowError" in str(report.failed[0])
    assert not store.event_of(report.article_ids[0])
    monkeypatch.setattr(Clusterer, "add", real)
    again = ingest_paths([str(p)], store, annotate=False)
    assert again.present == 1 and again.repaired == 1 and store.event_of(report.article_ids[0])


def test_hostile_interrupted_run_leaves_no_article_without_event(tmp_path, store):
    """A kill -9 between an article's two transactions (store, then cluster) is simulated by storing without
    clustering: the re-run finds the article present and still clusters it, as a clean run would have."""
    paths = []
    for i, topic in enumerate(["herring", "cod", "whaling"]):
        paths.append(tmp_path / f"{i}.txt")
        paths[-1].write_text(f"Talks {topic}\n\n" + _story(topic))
    first = ingest_paths([str(p) for p in paths], store, annotate=False, cluster=False)
    assert first.ingested == 3 and not any(store.event_of(a) for a in first.article_ids)
    rerun = ingest_paths([str(p) for p in paths], store, annotate=False)
    assert rerun.present == 3 and rerun.repaired == 3
    assert all(store.event_of(a) for a in first.article_ids)

    clean = open_store(str(tmp_path / "clean.db"))
    ingest_paths([str(p) for p in paths], clean, annotate=False)
    def grouping(s):
        return sorted(sorted(a for a in first.article_ids if s.event_of(a) == e)
                      for e in {s.event_of(a) for a in first.article_ids})
    assert grouping(store) == grouping(clean)
    clean.close()
    assert ingest_paths([str(paths[0])], store, annotate=False).repaired == 0  # nothing left to repair


def test_hostile_api_rejects_lone_surrogate_and_drops_year_one(tmp_path):
    from fastapi.testclient import TestClient

    from newsdesk.api.app import create_app

    auth = {"Authorization": "Bearer s3cret"}
    with TestClient(create_app(str(tmp_path / "api.db"), "s3cret"), raise_server_exceptions=False) as c:
        r = c.post("/api/v1/articles", content=b'{"text": "' + _story("pollock").encode() + b' \\udc00"}',
                   headers={**auth, "Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["error"].startswith("text: "), r.text  # pydantic refuses it
        r = c.post("/api/v1/articles", json={"text": _story("pollock"), "published": "0001-01-01",
                                             "annotate": False}, headers=auth)
        assert r.status_code == 201, r.text
        assert r.json()["event_id"] and r.json()["rows"][0]["published"] is None


# --- a worker killed as an OOM kill would -------------------------------------------------------------------

def _fake_annotate(marker_file: str, parent: int, always: bool):
    """process_many replaced by a cheap stand-in whose worker kills itself on the article saying KILLME
    (once, or every time)."""
    def process_many(articles):
        for a in articles:
            if "KILLME" in a.text and os.getpid() != parent and (always or not os.path.exists(marker_file)):
                open(marker_file, "w").close()
                os.kill(os.getpid(), signal.SIGKILL)
        return [AnnotatedArticle(a) for a in articles]
    return process_many


@pytest.mark.parametrize("always", [False, True], ids=["killed-once", "killed-every-time"])
def test_hostile_dead_annotation_worker_is_retried_then_reported(tmp_path, store, monkeypatch, always):
    monkeypatch.setattr("newsdesk.annotate.pool._warm", lambda: None)
    monkeypatch.setattr("newsdesk.process.process_many",
                        _fake_annotate(str(tmp_path / "killed"), os.getpid(), always))
    topics = ["herring", "cod", "hake", "sprat", "KILLME", "plaice", "sole", "turbot", "brill", "dab"]
    for i, topic in enumerate(topics):
        (tmp_path / f"{i}.txt").write_text(f"Talks on {topic}\n\n" + _story(topic))
    report = ingest_paths([str(tmp_path / "*.txt")], store, workers=2, batch_size=8)
    assert report.ingested == len(topics) and report.lost_workers >= 1
    if always:
        assert len(report.failed) == 1 and "worker died twice" in str(report.failed[0])
        assert "4.txt" in report.failed[0].source
    else:
        assert not report.failed, report.failed
    assert all(store.event_of(a) for a in report.article_ids)


def test_hostile_reader_crash_ends_only_its_file(tmp_path, store, monkeypatch, good):
    """Whatever a reader raises past its own checks ends that file with one line, not the run."""
    import newsdesk.pipeline as pipeline

    real = pipeline.read_input

    def reader(path, **kw):
        if path.endswith("boom.txt"):
            yield InputError(path, "first record unreadable")
            raise RecursionError("maximum recursion depth exceeded")
        yield from real(path, **kw)

    monkeypatch.setattr(pipeline, "read_input", reader)
    (tmp_path / "boom.txt").write_text("x")
    report = ingest_paths([good[0], str(tmp_path / "boom.txt"), good[1]], store, annotate=False)
    assert report.ingested == 2 and len(report.failed) == 2
    assert "unreadable after 1 record(s) (RecursionError" in str(report.failed[1])


def test_hostile_nul_stored_alike_on_both_backends(any_store, tmp_path):
    """A NUL kept by SQLite and dropped by PostgreSQL gave one article id two texts: both now store U+FFFD in
    its place, in the text, its paragraphs, its fields and its annotation (one character for one, so the
    annotation's offsets still point at the same words)."""
    text = _story("nul\x00") + " The\x00 end."
    p = tmp_path / "nul.jsonl"
    p.write_text(json.dumps({"id": "n\x00", "title": "Quota\x00talks", "outlet": "Harbour\x00Gazette",
                             "text": text}) + "\n")
    report = ingest_paths([str(p)], any_store, annotate=False)
    assert report.ingested == 1, report.failed
    stored = any_store.get_article(report.article_ids[0])
    want = text.replace("\x00", "\ufffd")
    assert stored["text"] == want and stored["paragraphs"] == [want]
    assert (stored["title"], stored["outlet"], stored["external_id"]) == ("Quota\ufffdtalks", "Harbour\ufffdGazette",
                                                                         "n\ufffd")
    assert report.article_ids[0] == any_store.get_article(report.article_ids[0])["id"]

    art = _article_with(text)
    quote_at = art.text.index("The\x00")
    ann = AnnotatedArticle(article=art, quotes=(Quote(start=quote_at, end=len(art.text), text=art.text[quote_at:],
                                                      kind="direct", cue=None, speaker_text="he\x00"),))
    any_store.add_article(art, ann, "test")
    got = any_store.get_article(art.id)
    [quote] = got["quotes"]
    assert quote["text"] == "The\ufffd end." and got["text"][quote["start"]:quote["end"]] == quote["text"]


def _article_with(text: str):
    from newsdesk.extract.ids import article_id
    from newsdesk.records import Article

    body = "Second\x00 report. " + text
    return Article(id=article_id(body), source="s.txt", text=body, paragraphs=(body,), title="T\x00")
