"""Batch mode: both engines over a WARC the test writes (warcio), the Parquet tables and manifest, the
record <-> row round trip, `load` idempotency and `cluster --from`."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")

from newsdesk.batch import load_batch, process_partition, run_batch  # noqa: E402
from newsdesk.batch.tables import SCHEMAS, article_rows, partition_of, rebuild  # noqa: E402
from newsdesk.errors import InputError, NewsdeskError  # noqa: E402
from newsdesk.records import (  # noqa: E402
    Actor,
    AnnotatedArticle,
    Article,
    EventActor,
    EventMention,
    Mention,
    Place,
    Quote,
    RawDoc,
    RemovedLine,
    TimeExpr,
)

TOPICS = [("Vienna", "Serbia and Kosovo resumed border talks under European Union mediation"),
          ("Oslo", "Norway and Iceland signed a fisheries agreement after talks that ran past midnight"),
          ("Skopje", "the Russian foreign minister walked out of the OSCE meeting before the vote")]


def page(i: int, *, day: int | None, body: str | None = None) -> bytes:
    city, what = TOPICS[i % len(TOPICS)]
    meta = f'<meta property="article:published_time" content="2023-05-{day:02d}T10:{i % 60:02d}:00Z">' if day else ""
    body = body or (f"<p>In {city} on Friday, {what}, officials said in statement number {i}.</p>"
                    f"<p>Delegates told reporters that the {city} meeting number {i} would be followed by another "
                    "round of discussions within weeks, and that both sides had agreed to keep talking.</p>")
    return (f'<!doctype html><html lang="en"><head><title>{city} report {i} | Courier</title>'
            f'<meta property="og:site_name" content="Courier">{meta}</head><body><article>'
            f"<h1>{city} report {i}</h1>{body}</article></body></html>").encode()


def write_warc(path: Path, pages: list[tuple[str, bytes, str]]) -> Path:
    """(url, body, content type) per response record, plus a request record that readers must skip."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)
        w.write_record(w.create_warc_record("https://courier.example/", "request", payload=io.BytesIO(b"GET /")))
        for url, body, ctype in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return path


@pytest.fixture
def shards(tmp_path) -> list[str]:
    """A WARC: 8 articles over 3 days, one undated, one copy of article 0 under another URL, one empty body
    and one page without text (both bad); and a JSONL shard with one good and one broken line."""
    pages = [(f"https://courier.example/a/{i}", page(i, day=10 + i % 3), "text/html; charset=utf-8")
             for i in range(8)]
    pages += [("https://courier.example/undated", page(99, day=None), "text/html"),
              ("https://mirror.example/copy-of-0", page(0, day=10), "text/html"),
              ("https://courier.example/empty", b"   ", "text/html"),
              ("https://courier.example/nothing", b"<html><body><nav>Home</nav></body></html>", "text/html"),
              ("https://courier.example/logo.png", b"\x89PNG....", "image/png")]
    warc = write_warc(tmp_path / "cc-news-test.warc.gz", pages)
    jsonl = tmp_path / "wire.jsonl"
    jsonl.write_text(json.dumps({"id": "w1", "outlet": "Wire", "published": "2023-05-11T08:00:00Z",
                                 "text": "Ministers from Chile and Peru met in Lima on Thursday to discuss "
                                         "water rights along their shared border, the wire reported."}) + "\n"
                     + "{not json\n", encoding="utf-8")
    return [str(warc), str(jsonl)]


def read_table(out: Path, table: str) -> list[dict]:
    import pyarrow.dataset as ds

    part = ds.partitioning(pa.schema([("published_date", pa.string())]), flavor="hive")
    return ds.dataset(out / table, format="parquet", partitioning=part).to_table().to_pylist()


def test_batch_local_writes_partitioned_tables_and_manifest(shards, tmp_path):
    out = tmp_path / "out"
    m = run_batch(shards, out, engine="local", workers=2, annotate=False)
    c = m["counts"]
    assert c["articles"] == 11 and c["errors"] == 3  # 9 pages + 1 copy + 1 JSONL line; 2 bad pages + 1 bad line
    assert c["records"] == 14 and c["annotated"] == 0
    assert c["dates"] == {"2023-05-10": 4, "2023-05-11": 4, "2023-05-12": 2, "undated": 1}
    assert [i["sha256"] for i in m["inputs"]] and all(len(i["sha256"]) == 64 for i in m["inputs"])
    assert m["versions"]["newsdesk"] and m["versions"]["patterns"]
    assert m["options"]["engine"] == "local" and m["options"]["tasks"] == 2
    assert any("empty response body" in e for e in m["errors"])
    assert any(e.startswith(shards[1] + ":2") for e in m["errors"])
    assert json.loads((out / "manifest.json").read_text()) == m
    rows = read_table(out, "articles")
    assert len(rows) == 11 and {r["published_date"] for r in rows} == set(c["dates"])
    assert all(r["published_date"] == partition_of(r["published"]) for r in rows)
    undated = [r for r in rows if r["published_date"] == "undated"]
    assert undated[0]["url"] == "https://courier.example/undated"
    copies = [r for r in rows if r["url"] in ("https://courier.example/a/0", "https://mirror.example/copy-of-0")]
    assert len({r["id"] for r in copies}) == 1 and len({r["record"] for r in copies}) == 2


def test_batch_refuses_to_overwrite_without_flag(shards, tmp_path):
    run_batch(shards[1:], tmp_path / "o", annotate=False, workers=1)
    with pytest.raises(NewsdeskError, match="--overwrite"):
        run_batch(shards[1:], tmp_path / "o", annotate=False, workers=1)
    assert run_batch(shards[1:], tmp_path / "o", annotate=False, workers=1, overwrite=True)["counts"]["articles"] == 1


def test_batch_process_partition_counts_bad_records_and_copies():
    good = RawDoc(b"Ministers met in Lima on Thursday to discuss water rights along the border.", "text/plain", "a")
    items = [good, InputError("x.warc#3", "truncated"), RawDoc(b"\xff\xfe", "text/plain", "bad"),
             RawDoc(good.data, "text/plain", "copy")]
    out = list(process_partition(items, annotate=False))
    assert len(out) == 4  # one result per record; errors come out at once, articles after their batch
    errors = [e for r in out for e in r.get("errors", ())]
    assert sorted(e["source"] for e in errors) == ["bad", "x.warc#3"]
    first, copy = [r["articles"][0] for r in out if r.get("articles")]
    assert (first["source"], copy["source"]) == ("a", "copy") and copy["id"] == first["id"]
    assert copy["duplicate"] and not first["duplicate"]


def coded_article() -> AnnotatedArticle:
    text = "Russia's foreign minister walked out of the meeting in Skopje on Thursday.\n\nHe said: \"Enough.\""
    art = Article(id="0123456789abcdef", source="x.warc#https://e.example/1", text=text,
                  paragraphs=tuple(text.split("\n\n")), removed=(RemovedLine("READ MORE: x", "teaser"),),
                  external_id=None, url="https://e.example/1", outlet="E", title="Walkout", byline="By A",
                  published="2023-11-30T10:00:00Z", language="en", media_type="text/html",
                  provenance={"published": "html", "title": "html"})
    src = EventActor("Russia's foreign minister", "Sergey Lavrov", "lavrov", "RUS", "GOV")
    return AnnotatedArticle(
        art, actors=(Actor("lavrov", "Sergey Lavrov", "person", "RUS", "GOV", "Minister of Foreign Affairs", "Q1",
                           ("Russia's foreign minister", "He")),),
        mentions=(Mention(0, 25, "Russia's foreign minister", "ROLE", "lavrov"), Mention(77, 79, "He", "PRON")),
        quotes=(Quote(86, 93, "Enough.", "direct", "said", "He", 77, 79, "lavrov", "Sergey Lavrov"),),
        places=(Place("Skopje", "MK", 42.0, 21.43, 785842, "city", ((55, 61),), ("Skopje",), 0.9),),
        timexes=(TimeExpr(65, 73, "Thursday", "2023-11-30", "day"),),
        events=(EventMention(0, 74, text[:74], "walked out", "0251", "REQUEST", "retreat", 1, -0.3, src, None,
                             "2023-11-30", False, "Skopje", "MK", 42.0, 21.43, 0.8),))


def test_batch_rows_round_trip_to_records():
    ann = coded_article()
    rows = article_rows(ann, annotator_version="1")
    through = {t: pa.Table.from_pylist(r, schema=SCHEMAS[t]).to_pylist() for t, r in rows.items()}
    assert through["event_mentions"][0]["cameo"] == "0251"
    assert rebuild(through["articles"][0], {t: v for t, v in through.items() if t != "articles"}) == ann
    bare = article_rows(AnnotatedArticle(ann.article), annotator_version=None)
    assert rebuild(bare["articles"][0], {}) == AnnotatedArticle(ann.article)


def dump(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [line for line in con.iterdump() if "articles_fts" not in line]
    finally:
        con.close()


def test_batch_load_is_idempotent(shards, tmp_path, store):
    out = tmp_path / "out"
    run_batch(shards, out, workers=2, annotate=False)
    first = load_batch(out, store)
    assert (first.new, first.new_sources, first.present) == (10, 1, 0)
    assert store.counts()["articles"] == 10 and store.counts()["sources"] == 11
    before = dump(Path(store.location))
    again = load_batch(out, store)
    assert (again.new, again.new_sources, again.present) == (0, 0, 11)
    assert dump(Path(store.location)) == before


def test_batch_load_rebuilds_annotations(tmp_path, store):
    """An annotated batch written by hand (the annotator's output shape) loads into the same records."""
    from newsdesk.batch.partition import PartWriter
    from newsdesk.batch.run import build_manifest

    ann = coded_article()
    w = PartWriter(str(tmp_path), 0)
    w.add(article_rows(ann, annotator_version="1"))
    w.flush()
    (tmp_path / "manifest.json").write_text(json.dumps(build_manifest([], [], [], {}, {})))
    report = load_batch(tmp_path, store)
    assert report.new == 1 and report.annotated == 1
    a = store.get_article(ann.article.id)
    assert a["annotated"] == "1" and a["events"][0]["cameo"] == "0251"
    assert a["events"][0]["source"]["country"] == "RUS" and a["quotes"][0]["speaker"] == "Sergey Lavrov"
    assert a["places"][0]["mentions"] == [{"text": "Skopje", "start": 55, "end": 61}]


def test_batch_cluster_from_groups_reports_and_is_idempotent(shards, tmp_path, store):
    from newsdesk.batch import cluster_batch

    out = tmp_path / "out"
    run_batch(shards, out, workers=2, annotate=False)
    report = cluster_batch(out, store)
    assert report.clustered == 10 and 1 <= report.events < 10  # same-topic reports join one event
    events = store.list_clustered_events(limit=100)
    assert sum(e["n_articles"] for e in events) == 10
    again = cluster_batch(out, store)
    assert again.clustered == 0 and again.events == report.events


def test_batch_cli_commands(shards, tmp_path):
    import typer
    from typer.testing import CliRunner

    from newsdesk.cli_batch import COMMANDS

    app = typer.Typer()
    for cmd in COMMANDS:
        app.command()(cmd)
    db, out = str(tmp_path / "c.db"), str(tmp_path / "out")
    r = CliRunner().invoke(app, ["batch", *shards, "--out", out, "--no-annotate", "-w", "2", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["articles"] == 11
    r = CliRunner().invoke(app, ["load", out, "--db", db, "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["new"] == 10
    r = CliRunner().invoke(app, ["cluster", "--from", out, "--db", db, "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["clustered"] == 10
    for cmd in COMMANDS:
        assert "Example: newsdesk " in (cmd.__doc__ or "")


def _annotation_problem() -> str | None:
    try:
        from newsdesk.annotate import _resources

        _resources()
    except Exception as e:
        return f"annotation resources not importable yet ({e.__class__.__name__}: {e})"
    return None


@pytest.mark.slow
def test_batch_local_annotates_and_codes(shards, tmp_path):
    problem = _annotation_problem()
    if problem:
        pytest.skip(problem)
    m = run_batch(shards, tmp_path / "out", workers=2, annotate=True)
    assert m["counts"]["annotated"] == 10  # every distinct text; the copy is annotated once
    assert m["versions"]["annotator"] and m["counts"]["rows"]["places"] > 0
    assert all(isinstance(r["cameo"], str) for r in read_table(tmp_path / "out", "event_mentions"))


def _spark_problem() -> str | None:
    from newsdesk.batch.engines import spark_available

    return spark_available()


@pytest.mark.slow
def test_batch_spark_matches_local(shards, tmp_path):
    problem = _spark_problem()
    if problem:
        pytest.skip(problem)
    local = run_batch(shards, tmp_path / "local", engine="local", workers=2, annotate=False)
    spark = run_batch(shards, tmp_path / "spark", engine="spark", workers=2, annotate=False, driver_memory="512m")
    assert spark["options"]["engine"] == "spark" and spark["counts"] == local["counts"]
    assert sorted(spark["errors"]) == sorted(local["errors"])

    def key(r):
        return r["record"]

    for table in ("articles",):
        assert sorted(read_table(tmp_path / "spark", table), key=key) == \
            sorted(read_table(tmp_path / "local", table), key=key)
