"""Rich markup in what the CLI prints: a database path, a title, an id or a source holding "[/red]" is printed
as text, never taken for a tag (rich raised MarkupError on the closing tag with nothing open)."""

from __future__ import annotations

import json

from conftest import ARTICLE_TEXT
from test_cli import run

ODD = "[/red][bold]"


def test_cli_markup_in_db_path_titles_and_ids_is_printed_as_text(tmp_path):
    folder = tmp_path / f"db{ODD}"
    folder.mkdir(parents=True)  # "/" in "[/red]" makes it two folders: the path still holds the tag
    db = str(folder / "n.db")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": f"{ODD}1", "title": f"Fisheries {ODD} talks", "text": ARTICLE_TEXT}) + "\n")

    r = run("ingest", str(src), "--db", db)
    assert r.returncode == 0, r.stderr
    assert "1 ingested" in r.stderr and f"-> {db}" in r.stderr

    listed = run("articles", "--db", db)
    assert listed.returncode == 0 and f"Fisheries {ODD} talks" in listed.stdout
    article_id = json.loads(run("articles", "--db", db, "--json").stdout)[0]["id"]
    shown = run("show", article_id, "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert f"Fisheries {ODD} talks" in shown.stdout and f"in.jsonl#{ODD}1" in shown.stdout
    for command in (("events",), ("events", "--mentions"), ("stories",), ("actors",), ("quotes",)):
        r = run(*command, "--db", db)
        assert r.returncode == 0, (command, r.stderr)
    events = json.loads(run("events", "--db", db, "--json").stdout)
    if events:
        r = run("event", events[0]["id"], "--db", db)
        assert r.returncode == 0, r.stderr


def test_cli_markup_in_demo_and_export_paths(tmp_path):
    folder = tmp_path / f"out{ODD}"
    folder.mkdir(parents=True)  # "/" in "[/red]" makes it two folders: the path still holds the tag
    db = str(folder / "demo.db")
    r = run("demo", "--db", db)
    assert r.returncode == 0, r.stderr
    assert f"-> {db}" in r.stdout
    out = str(folder / "a.csv")
    r = run("export", "--format", "csv", "--out", out, "--db", db)
    assert r.returncode == 0, r.stderr
    assert f"records -> {out}" in r.stderr
