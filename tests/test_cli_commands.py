"""Every CLI command, run in-process (typer's CliRunner) over the bundled samples: real content, exact exit
codes, and the user errors: usage errors (2), bad dates (2), a missing or non-newsdesk database (1)."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import threading

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app, snippet_text

runner = CliRunner()
WIDE = {"COLUMNS": "400"}  # rich tables wrap at 80 columns otherwise


def run(*args: str):
    return runner.invoke(app, list(args), env=WIDE, prog_name="newsdesk")


def run_json(*args: str):
    r = run(*args, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory) -> str:
    """The bundled samples ingested once (by `newsdesk demo`) for every test of this module; read-only."""
    db = str(tmp_path_factory.mktemp("cli") / "samples.db")
    summary = run_json("demo", "--db", db)
    assert summary["failed"] == 0 and summary["articles"] >= 12
    return db


@pytest.fixture
def samples_copy(samples_db, tmp_path) -> str:
    """A copy of the samples database for the commands that rewrite it (annotate, recluster)."""
    copy = tmp_path / "copy.db"
    shutil.copy(samples_db, copy)
    return str(copy)


# --- usage errors: exit 2 with typer's message, never "internal error" ---------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["events", "--bogus"], "No such option: --bogus"),
    (["bogus"], "No such command 'bogus'"),
    (["events", "--limit", "0"], "Invalid value for '--limit' / '-n'"),
    (["show"], "Missing argument 'article_id'"),
    (["events", "--plover", "quarrel"], "Invalid value for '--plover': 'quarrel' is not a PLOVER type"),
])
def test_cli_commands_usage_error_exits_2(args, message):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert r.stderr.startswith("Usage: newsdesk ")
    assert "internal error" not in r.output and r.stdout == ""


def test_cli_commands_console_script_usage_error(monkeypatch, capsys):
    """The console entry point (`main`) keeps typer's exit code 2 and message (it said 'internal error', 70)."""
    from newsdesk.cli import main

    monkeypatch.setattr("sys.argv", ["newsdesk", "events", "--bogus"])
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 2
    assert "No such option: --bogus" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "option", "value"), [
    (["events", "--since", "2022-13-45"], "'--since'", "2022-13-45"),
    (["events", "--until", "yesterday"], "'--until'", "yesterday"),
    (["events", "--since", "2023-02-29"], "'--since'", "2023-02-29"),
    (["events", "--since", "2022-3-1"], "'--since'", "2022-3-1"),
    (["kb", "who", "Russia's foreign minister", "--date", "yesterday"], "'--date' / '-d'", "yesterday"),
    (["kb", "show", "Sergey Lavrov", "--date", "2022-03"], "'--date' / '-d'", "2022-03"),
])
def test_cli_commands_bad_date_exits_2(args, option, value):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert f"Invalid value for {option}: '{value}' is not an ISO date" in r.stderr


# --- databases: read commands refuse a missing or foreign file and leave it as it was -----------------------

READ_COMMANDS = [["articles"], ["show", "abc"], ["search", "sanctions"], ["export"], ["events"], ["event", "e1"],
                 ["stories"], ["story", "s1"], ["actors"], ["actor", "Lavrov"], ["quotes"], ["annotate"],
                 ["recluster"], ["serve"]]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: a[0])
def test_cli_commands_missing_db_refused_not_created(args, tmp_path):
    db = tmp_path / "typo.db"
    r = run(*args, "--db", str(db))
    assert r.exit_code == 1, r.output
    assert r.stderr.splitlines() == [f"newsdesk: error: {db}: no such database; create one with "
                                     f"`newsdesk ingest FILES --db {db}` (or `newsdesk demo`), or give --db / "
                                     "$NEWSDESK_DB"]
    assert list(tmp_path.iterdir()) == []


def test_cli_commands_default_db_missing_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDESK_DB", raising=False)
    r = run("events")
    assert r.exit_code == 1
    assert r.stderr.startswith("newsdesk: error: newsdesk.db: no such database")
    assert list(tmp_path.iterdir()) == []


def _foreign_sqlite(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("make", "problem"), [
    (lambda p: p.write_bytes(b""), "is an empty file, not a newsdesk database"),
    (lambda p: p.write_text("shopping list\n"), "not a newsdesk database (not a SQLite file)"),
    (_foreign_sqlite, "a SQLite database without newsdesk's tables, not a newsdesk database"),
    (lambda p: p.mkdir(), "is a directory, not a newsdesk database"),
], ids=["empty", "text", "foreign-sqlite", "directory"])
@pytest.mark.parametrize("args", [["articles"], ["events"], ["search", "x"], ["serve"]], ids=lambda a: a[0])
def test_cli_commands_not_a_newsdesk_db_refused_untouched(make, problem, args, tmp_path):
    db = tmp_path / "notes.db"
    make(db)
    before = db.read_bytes() if db.is_file() else None
    r = run(*args, "--db", str(db))
    assert r.exit_code == 1, r.output
    assert r.stderr.splitlines() == [f"newsdesk: error: {db}: {problem}"]
    assert (db.read_bytes() if db.is_file() else None) == before
    assert [p.name for p in tmp_path.iterdir()] == ["notes.db"]


def test_cli_commands_ingest_creates_db(tmp_path):
    from conftest import ARTICLE_TEXT

    (tmp_path / "fish.txt").write_text(ARTICLE_TEXT)
    db = tmp_path / "new.db"
    assert run_json("ingest", str(tmp_path / "fish.txt"), "--db", str(db), "--no-annotate")["ingested"] == 1
    assert run_json("articles", "--db", str(db))[0]["title"].startswith("Ministers agree new fisheries pact")


# --- every command over the samples -------------------------------------------------------------------------

def test_cli_commands_articles_show_export(samples_db):
    rows = run_json("articles", "--db", samples_db, "--limit", "100")
    assert len(rows) >= 12
    walkout = next(r for r in rows if "walkout" in (r["title"] or "").lower())
    r = run("show", walkout["id"][:10], "--db", samples_db)
    assert r.exit_code == 0
    assert walkout["title"] in r.stdout and "Lavrov" in r.stdout
    r = run("export", "--format", "jsonl", "--db", samples_db)
    assert r.exit_code == 0
    assert {json.loads(line)["id"] for line in r.stdout.splitlines()} == {x["id"] for x in rows}
    r = run("show", "0000000000", "--db", samples_db)
    assert r.exit_code == 1 and len(r.stderr.splitlines()) == 1 and r.stderr.startswith("newsdesk: error: ")


def test_cli_commands_search_snippet_keeps_matched_words(samples_db):
    hits = run_json("search", "sanctions", "--db", samples_db)
    assert hits and all("[sanctions]" in h["snippet"].lower() for h in hits)
    r = run("search", "sanctions", "--db", samples_db)
    assert r.exit_code == 0
    for h in hits:  # the snippet as printed: the markers gone, the matched word kept
        assert " ".join(h["snippet"].replace("[", "").replace("]", "").split()) in " ".join(r.stdout.split())


def test_cli_commands_snippet_text_bolds_matches():
    text = snippet_text(" … economic [sanctions] on [Russia] … ")
    assert text.plain == " … economic sanctions on Russia … "
    assert [text.plain[s.start:s.end] for s in text.spans if s.style == "bold"] == ["sanctions", "Russia"]


def test_cli_commands_events_and_event_same_cameo(samples_db):
    rows = run_json("events", "--db", samples_db)
    assert len(rows) >= 5 and all(r["n_articles"] >= 2 for r in rows)
    table = run("events", "--db", samples_db)
    assert table.exit_code == 0
    for r in rows:
        detail = run_json("event", r["id"][:10], "--db", samples_db)
        assert r["cameo"] == detail["cameo"]["value"], r["id"]
        assert f"{r['id'][:13]}" in table.stdout
        line = next(x for x in table.stdout.splitlines() if x.strip().startswith(r["id"][:13]))
        assert f" {r['cameo']} " in line
        shown = run("event", r["id"][:10], "--db", samples_db)
        assert shown.exit_code == 0
        decided = next(x for x in shown.stdout.splitlines() if x.split()[:1] == ["cameo"])
        assert [w for w in decided.split() if w != "≠"][1] == r["cameo"]  # ≠: the reports disagree
        assert "Timeline of reports" in shown.stdout


def test_cli_commands_events_filters_match_api(samples_db):
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app

    with TestClient(create_app(samples_db)) as client:
        for query in ({"plover": "PROTEST"}, {"plover": "sanction"}, {"since": "2024", "until": "2024-09"},
                      {"country": "RUS", "plover": "ACCUSE"}):
            args = [x for k, v in query.items() for x in (f"--{k}", v)]
            cli = [r["id"] for r in run_json("events", "--db", samples_db, *args)]
            api = [r["id"] for r in client.get("/api/v1/events", params=query).json()["rows"]]
            assert cli == api, query
            mentions = run_json("events", "--mentions", "--db", samples_db, *args)
            assert len(mentions) == len(client.get("/api/v1/mentions", params=query).json()["rows"]), query
    protest = run_json("events", "--db", samples_db, "--plover", "protest")
    assert any("walk" in (r["title"] or "").lower() for r in protest)
    assert all(m["plover"] == "PROTEST" for m in run_json("events", "--mentions", "--plover", "PROTEST",
                                                          "--db", samples_db))
    dated = run_json("events", "--db", samples_db, "--since", "2024", "--until", "2024-09")
    assert dated and all("2024-01" <= r["date_max"][:7] and r["date_min"][:7] <= "2024-09" for r in dated)
    r = run("events", "--db", samples_db, "--since", "2030")
    assert r.exit_code == 0 and r.stderr == "no events match\n"


def test_cli_commands_stories_story(samples_db):
    rows = run_json("stories", "--db", samples_db)
    assert rows and all(r["n_events"] >= 1 for r in rows)
    assert run("stories", "--db", samples_db).exit_code == 0
    s = run_json("story", rows[0]["id"], "--db", samples_db)
    assert len(s["events"]) == rows[0]["n_events"]
    r = run("story", rows[0]["id"][:8], "--db", samples_db)
    assert r.exit_code == 0 and "reports" in r.stdout


def test_cli_commands_actors_actor_quotes(samples_db):
    actors = run_json("actors", "--db", samples_db, "--limit", "200")
    names = {a["name"] for a in actors}
    assert {"Sergey Lavrov", "Annalena Baerbock"} <= names
    russians = run_json("actors", "--db", samples_db, "--country", "RUS")
    assert russians and all(a["country"] == "RUS" for a in russians)
    r = run("actors", "--db", samples_db)
    assert r.exit_code == 0 and "Sergey Lavrov" in r.stdout
    lavrov = run_json("actor", "Sergey Lavrov", "--db", samples_db)
    assert lavrov["name"] == "Sergey Lavrov" and lavrov["articles"]
    r = run("actor", "Lavrov", "--db", samples_db)
    assert r.exit_code == 0 and "Offices:" in r.stdout
    quotes = run_json("quotes", "--db", samples_db, "--limit", "500")
    assert quotes and {"speaker", "kind", "text", "article_id"} <= set(quotes[0])
    speaker = next(q["speaker"] for q in quotes if q["speaker"])
    by = run_json("quotes", "--db", samples_db, "--speaker", speaker, "--limit", "500")
    assert by and all(q["speaker"] == speaker for q in by)
    r = run("quotes", "--db", samples_db, "--speaker", "Nobody Atall")
    assert r.exit_code == 0 and r.stderr == "no quotes by 'Nobody Atall'\n"


def test_cli_commands_annotate_recluster(samples_db, samples_copy):
    n = len(run_json("articles", "--db", samples_db, "--limit", "1000"))
    assert run_json("annotate", "--db", samples_copy) == {"annotated": 0, "failed": 0}
    assert run_json("annotate", "--all", "--db", samples_copy) == {"annotated": n, "failed": 0}
    events = run_json("events", "--db", samples_db, "--limit", "1000")
    stories = run_json("stories", "--db", samples_db, "--limit", "1000")
    assert run_json("recluster", "--db", samples_copy) == {"articles": n, "events": len(events),
                                                          "stories": len(stories)}


def test_cli_commands_serve_says_url_when_ready(samples_db):
    """The server calls back only once a connection to it succeeds (the URL was printed ~10 s early)."""
    import uvicorn

    from newsdesk.api import create_app
    from newsdesk.cli_serve import ready_server

    seen: list[bool] = []

    def on_ready(server) -> None:
        port = server.servers[0].sockets[0].getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            seen.append(True)
        server.should_exit = True

    config = uvicorn.Config(create_app(samples_db), host="127.0.0.1", port=0, log_level="warning")
    server = ready_server(config, on_ready)
    thread = threading.Thread(target=server.run)
    thread.start()
    thread.join(60)
    assert seen == [True]
