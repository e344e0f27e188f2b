"""Safe files and small hardening (issue 20 items 6-7): `export --out` never replaces a special file or
follows a planted name, bad paths and option values are one line, `kb import-wikidata --name` stays inside the
KB directory, CSV cells are not spreadsheet formulas, LIKE wildcards in actor lookups are characters,
addresses embedding a private IPv4 are refused, and a 405 names every method of the path."""

from __future__ import annotations

import csv
import io
import os
import stat

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.errors import NewsdeskError, NotFoundError
from newsdesk.extract import article_id
from newsdesk.records import Actor, AnnotatedArticle, Article, EventActor, EventMention, Mention

FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\") walked out in Aarhus on Monday, officials said."


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), prog_name="newsdesk")


def formula_article(*, club: bool = False) -> AnnotatedArticle:
    """An article whose title, outlet, text, actor name and event sentence a spreadsheet would run; `club`
    adds an organisation whose name holds a `%`."""
    a = Article(id=article_id(FORMULA), source="f.txt", text=FORMULA, paragraphs=(FORMULA,), title="+1+2",
                outlet="@outlet", byline="-Staff", published="2024-03-04", language="en")
    minister = EventActor("=minister", "=Mette Dahl", "dahl", "DNK", "GOV")
    return AnnotatedArticle(
        a, actors=(Actor("dahl", "Mette Dahl", "person", "DNK", "GOV", mentions=("Dahl",)),
                   *([Actor("club", "The 100% Club", "org", "DNK", "BUS", mentions=("100% Club",))] if club else [])),
        mentions=(Mention(0, 4, "Dahl", "PERSON", "dahl"),),
        events=(EventMention(0, len(FORMULA), FORMULA, "walked out", "1411", "PROTEST", "other", 3, -6.5,
                             minister, None, "2024-03-04", False, "Aarhus", "DK", 56.16, 10.21, 0.7),))


@pytest.fixture
def db(tmp_path) -> str:
    from newsdesk.store import open_store

    path = str(tmp_path / "f.db")
    store = open_store(path)
    ann = formula_article()
    store.add_article(ann.article, ann, "v1")
    store.close()
    return path


# --- export --out --------------------------------------------------------------------------------------------

def test_export_out_refuses_fifo_and_directory(db, tmp_path):
    fifo, directory = tmp_path / "fifo", tmp_path / "dir"
    os.mkfifo(fifo)
    directory.mkdir()
    for target, what in ((fifo, "special file"), (directory, "directory")):
        r = invoke("export", "-f", "csv", "--db", db, "--out", str(target))
        assert r.exit_code == 1 and what in r.stderr and "internal error" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and directory.is_dir() and not any(directory.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "f.db", "fifo"]  # no temporary file left


def test_export_out_planted_part_symlink_not_followed(db, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "out.csv.part").symlink_to(victim)  # the name the old export wrote through
    r = invoke("export", "-f", "jsonl", "--db", db, "--out", str(tmp_path / "out.csv"))
    assert r.exit_code == 0, r.stderr
    assert victim.read_text() == "keep me" and (tmp_path / "out.csv").read_text().startswith("{")


def test_export_out_refuses_symlink_target(db, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "link.jsonl").symlink_to(victim)
    r = invoke("export", "--db", db, "--out", str(tmp_path / "link.jsonl"))
    assert r.exit_code == 1 and "symbolic link" in r.stderr
    assert victim.read_text() == "keep me" and (tmp_path / "link.jsonl").is_symlink()


def test_export_out_replaces_regular_file_keeping_its_mode(db, tmp_path):
    target = tmp_path / "a.jsonl"
    target.write_text("old\n")
    target.chmod(0o640)
    r = invoke("export", "--db", db, "--out", str(target))
    assert r.exit_code == 0 and target.read_text().startswith("{")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_export_out_new_file_gets_umask_mode(db, tmp_path):
    umask = os.umask(0o022)
    try:
        assert invoke("export", "--db", db, "--out", str(tmp_path / "n.jsonl")).exit_code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "n.jsonl").stat().st_mode) == 0o644


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_export_bad_out_paths_one_line(db, tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    (tmp_path / "file").write_text("x")
    # parquet makes a missing directory (with its parents); a file in the way is an error for both
    for bad in ((tmp_path / "missing" / "out",) if fmt == "jsonl" else ()) + (tmp_path / "file" / "out",):
        r = invoke("export", "-f", fmt, "--db", db, "--out", str(bad))
        assert r.exit_code == 1, r.stderr
        assert r.stderr.startswith("newsdesk: error: cannot write") and len(r.stderr.strip().splitlines()) == 1


def test_export_write_file_failure_keeps_old_file(tmp_path):
    from newsdesk.export import write_file

    target = tmp_path / "t.csv"
    target.write_text("old")

    def boom(f):
        f.write("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(NewsdeskError, match="No space left"):
        write_file(target, boom)
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["t.csv"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1"])
def test_cli_max_size_mb_usage_error(tmp_path, value):
    r = invoke("ingest", "--max-size-mb", value, "--db", str(tmp_path / "x.db"), str(tmp_path))
    assert r.exit_code == 2 and "--max-size-mb" in r.stderr and "internal error" not in r.stderr
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("value", ["nan", "inf", "0"])
def test_cli_batch_max_size_mb_usage_error(tmp_path, value):
    r = invoke("batch", str(tmp_path), "--out", str(tmp_path / "out"), "--max-size-mb", value)
    assert r.exit_code == 2 and "is not a size" in r.stderr and "internal error" not in r.stderr
    assert not (tmp_path / "out").exists()


# --- knowledge base files ------------------------------------------------------------------------------------

def test_kb_add_non_utf8_one_line(tmp_path):
    for name, body in (("p.yaml", b"people:\n  - id: j\n    name: J\xe9r\xf4me\n"),
                       ("p.csv", b"kind,id,name\nperson,j,J\xe9r\xf4me\n")):
        (tmp_path / name).write_bytes(body)
        r = invoke("kb", "add", str(tmp_path / name), "--kb-dir", str(tmp_path / "kb"))
        assert r.exit_code == 1 and "not UTF-8" in r.stderr and "internal error" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["../../x.yaml", "../x.yaml", "/tmp/x.yaml", "sub/x.yaml", "..", "", ".hidden.yaml",
                                  "x.txt"])
def test_kb_import_wikidata_name_must_be_plain(tmp_path, name):
    dump = tmp_path / "w.json"
    dump.write_text("[]")
    kb = tmp_path / "a" / "b" / "kb"
    r = invoke("kb", "import-wikidata", str(dump), "--kb-dir", str(kb), "--name", name)
    assert r.exit_code == 2 and "plain file name" in r.stderr
    assert not (tmp_path / "a" / "x.yaml").exists() and not (tmp_path / "x.yaml").exists()


def test_kb_import_wikidata_plain_name_written_in_kb_dir(tmp_path):
    dump = tmp_path / "w.json"
    dump.write_text("[]")
    r = invoke("kb", "import-wikidata", str(dump), "--kb-dir", str(tmp_path / "kb"), "--name", "mine.yaml")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "kb" / "mine.yaml").is_file()


# --- CSV formulas --------------------------------------------------------------------------------------------

def test_export_csv_formula_cells_quoted(db, tmp_path):
    r = invoke("export", "-f", "csv", "--db", db, "--out", str(tmp_path / "a.csv"))
    assert r.exit_code == 0, r.stderr
    row = next(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text())))
    assert row["title"] == "'+1+2" and row["outlet"] == "'@outlet" and row["byline"] == "'-Staff"
    assert row["text"] == "'" + FORMULA and row["actors"].startswith("[")  # JSON text starts with [: unchanged


def test_export_events_csv_formula_cells_quoted_numbers_kept(db, tmp_path):
    r = invoke("export", "-f", "events-csv", "--db", db, "--out", str(tmp_path / "e.csv"))
    assert r.exit_code == 0, r.stderr
    row = next(csv.DictReader(io.StringIO((tmp_path / "e.csv").read_text())))
    assert row["Sentence"] == "'" + FORMULA and row["Actor1Name"] == "'=Mette Dahl"
    assert row["GoldsteinScale"] == "-6.5" and row["EventCode"] == "1411"


def test_export_gdelt_keeps_text_as_is(db, tmp_path):
    """GDELT TSV is read by GDELT tools and databases, not spreadsheets: its text is left as coded."""
    from newsdesk.export import spreadsheet_safe

    assert spreadsheet_safe("=1+2") == "'=1+2" and spreadsheet_safe(-6.5) == -6.5 and spreadsheet_safe("") == ""
    r = invoke("export", "-f", "gdelt", "--db", db, "--out", str(tmp_path / "g.tsv"))
    assert r.exit_code == 0, r.stderr
    assert "\t=Mette Dahl" in (tmp_path / "g.tsv").read_text() and "'=" not in (tmp_path / "g.tsv").read_text()


def test_api_csv_formula_cells_quoted(db):
    """The API's .csv listings make formulas inert as the exports do; JSON and JSON lines keep the text."""
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app

    with TestClient(create_app(db)) as c:
        row = next(csv.DictReader(io.StringIO(c.get("/api/v1/articles.csv").text)))
        assert row["title"] == "'+1+2" and row["outlet"] == "'@outlet"
        mention = next(csv.DictReader(io.StringIO(c.get("/api/v1/mentions.csv").text)))
        assert "'" + FORMULA in mention.values() and "-6.5" in mention.values()  # numbers left alone
        assert c.get("/api/v1/articles.jsonl").json()["title"] == "+1+2"


# --- LIKE wildcards ------------------------------------------------------------------------------------------

def test_store_actor_lookup_wildcards_are_literal(any_store):
    ann = formula_article(club=True)
    any_store.add_article(ann.article, ann, "v1")
    for pattern in ("_", "d_hl", "%ahl", "m%dahl", "\\"):
        with pytest.raises(NotFoundError):
            any_store.get_actor(pattern)
    # a % is a character: only the name holding one matches
    assert any_store.get_actor("%")["id"] == "club" and any_store.get_actor("100% c")["id"] == "club"
    assert any_store.get_actor("dahl")["id"] == "dahl"
    with pytest.raises(NotFoundError):
        any_store.get_article("%")


def test_store_filter_and_id_wildcards_are_literal(any_store, tmp_path):
    """Event filters by actor, quotes by speaker, and event and story ids by prefix: `%` and `_` match
    themselves (an event or story id holds neither, so they match nothing)."""
    from newsdesk.pipeline import ingest_paths
    from newsdesk.records import Quote

    ann = formula_article()
    quote = Quote(0, 10, FORMULA[:10], "direct", "said", "Dahl", speaker_id="dahl", speaker="Mette Dahl")
    any_store.add_article(ann.article, AnnotatedArticle(ann.article, ann.actors, ann.mentions, (quote,),
                                                        events=ann.events), "v1")
    assert any_store.list_events(actor="dahl") and any_store.list_quotes(speaker="dahl")
    for pattern in ("%", "_", "%dahl"):
        assert any_store.list_events(actor=pattern) == [] and any_store.list_quotes(speaker=pattern) == []
    (tmp_path / "one.txt").write_text("Harbour talks\n\nPort workers in Gdansk ended a strike on Monday.")
    ingest_paths([str(tmp_path / "one.txt")], any_store, annotate=False)
    assert any_store.list_clustered_events()
    for pattern in ("%", "_", "e%", "\\"):
        with pytest.raises(NotFoundError):
            any_store.event_articles(pattern)
        with pytest.raises(NotFoundError):
            any_store.get_story(pattern)
        assert any_store.event_redirect(pattern) is None


def test_api_actor_percent_is_not_a_wildcard(db):
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app

    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        assert c.get("/api/v1/actors/%25").status_code == 404
        assert c.get("/api/v1/actors/_").status_code == 404
        assert c.get("/api/v1/actors/Dahl").status_code == 200
        r = c.options("/api/v1/articles")
        assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"GET", "POST"}
        assert c.put("/api/v1/events").headers["allow"] == "GET"


# --- addresses embedding IPv4 --------------------------------------------------------------------------------

@pytest.mark.parametrize("addr,embedded", [
    ("2002:7f00:1::", "127.0.0.1"),  # 6to4
    ("2002:a00:1::", "10.0.0.1"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),  # Teredo: the client is 127.0.0.1 (obfuscated)
    ("::ffff:127.0.0.1", "127.0.0.1"),  # IPv4-mapped
    ("::127.0.0.1", "127.0.0.1"),  # IPv4-compatible
    ("::ffff:169.254.169.254", "169.254.169.254"),
    ("64:ff9b::a9fe:a9fe", "169.254.169.254"),  # NAT64
])
def test_fetch_embedded_private_ipv4_refused(addr, embedded):
    from newsdesk.api.fetch import _why_not_public

    why = _why_not_public(addr)
    assert why and why.startswith(embedded)


@pytest.mark.parametrize("addr", ["2002:808:808::", "::ffff:8.8.8.8", "2001:0:808:808:0:0:f7f7:f7f7", "8.8.8.8",
                                  "2a00:1450:4001::1"])
def test_fetch_embedded_public_ipv4_allowed(addr):
    from newsdesk.api.fetch import _why_not_public

    assert _why_not_public(addr) is None


@pytest.mark.parametrize("addr", ["::1", "::", "fe80::1", "fc00::1", "10.0.0.1", "127.0.0.1"])
def test_fetch_plain_private_still_refused(addr):
    from newsdesk.api.fetch import _why_not_public

    assert _why_not_public(addr)
