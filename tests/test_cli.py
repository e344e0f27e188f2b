"""CLI: commands run in-process (typer's CliRunner, so coverage sees them), plus the real console entry point
once; errors are one line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest
from conftest import ARTICLE_HTML, ARTICLE_TEXT
from typer.testing import CliRunner

from newsdesk.cli import app

COMMANDS = ["ingest", "articles", "show", "search", "export", "demo"]


def run(*args: str, stdin: str | None = None) -> SimpleNamespace:
    """The command in-process, answered like `subprocess.run`: returncode, stdout, stderr."""
    r = CliRunner().invoke(app, list(args), input=stdin, prog_name="newsdesk")
    return SimpleNamespace(returncode=r.exit_code, stdout=r.stdout, stderr=r.stderr)


def test_cli_console_script_runs():
    """`python -m newsdesk` (the console entry point): version, and a usage error's exit code and message."""
    def script(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "newsdesk", *args], capture_output=True, text=True,
                              timeout=120)

    from newsdesk import __version__

    assert script("--version").stdout == f"newsdesk {__version__}\n"
    r = script("articles", "--bogus")
    assert r.returncode == 2 and "Error: No such option: --bogus" in r.stderr


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "fish.txt").write_text(ARTICLE_TEXT)
    (tmp_path / "in" / "vienna.html").write_text(ARTICLE_HTML)
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_help_has_example(command):
    r = run(command, "--help")
    assert r.returncode == 0
    assert "Example: newsdesk" in r.stdout
    assert "--db" in r.stdout


def test_cli_ingest_list_show_search_export(corpus):
    db = str(corpus / "n.db")
    r = run("ingest", str(corpus / "in"), "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ingested"] == 2
    rows = json.loads(run("articles", "--db", db, "--json").stdout)
    assert len(rows) == 2
    fish = next(x for x in rows if "fisheries" in (x["title"] or ""))
    shown = run("show", fish["id"][:8], "--db", db)
    assert shown.returncode == 0
    assert "Removed lines" in shown.stdout and "link teaser" in shown.stdout
    detail = json.loads(run("show", fish["id"], "--db", db, "--json").stdout)
    assert detail["byline"] == "Ingrid Solberg"
    hits = json.loads(run("search", "mackerel", "--db", db, "--json").stdout)
    assert [h["id"] for h in hits] == [fish["id"]]
    lines = run("export", "--format", "jsonl", "--db", db).stdout.splitlines()
    keys = {"id", "external_id", "source", "url", "outlet", "title", "byline", "published", "updated", "language",
            "text", "removed"}
    assert len(lines) == 2 and all(keys <= set(json.loads(line)) for line in lines)
    out = corpus / "x.csv"
    assert run("export", "--format", "csv", "--out", str(out), "--db", db).returncode == 0
    assert out.read_text().startswith("id,external_id,source")


def test_cli_ingest_again_is_noop_and_summary(corpus):
    db = str(corpus / "n.db")
    run("ingest", str(corpus / "in"), "--db", db)
    r = run("ingest", str(corpus / "in"), "--db", db)
    assert r.returncode == 0
    assert "0 ingested, 2 already present" in r.stderr


def test_cli_ingest_stdin(corpus):
    db = str(corpus / "n.db")
    r = run("ingest", "-", "--db", db, "--json", stdin=ARTICLE_TEXT)
    assert json.loads(r.stdout)["ingested"] == 1


def test_cli_bad_input_one_line_nonzero_only_when_nothing_ingested(corpus):
    db = str(corpus / "n.db")
    (corpus / "empty.txt").write_text("")
    r = run("ingest", str(corpus / "empty.txt"), "--db", db)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert [line for line in r.stderr.splitlines() if "empty.txt" in line][0].startswith("failed")
    r = run("ingest", str(corpus / "empty.txt"), str(corpus / "in" / "fish.txt"), "--db", db)
    assert r.returncode == 0


def test_cli_errors_are_one_line(corpus):
    db = str(corpus / "n.db")
    run("ingest", str(corpus / "in"), "--db", db)
    for args in (["show", "deadbeef", "--db", db], ["export", "--format", "xml", "--db", db],
                 ["show", "%", "--db", db], ["articles", "--db", str(corpus / "in" / "fish.txt")]):
        r = run(*args)
        assert r.returncode == 1, args
        assert r.stderr.startswith("newsdesk: error: ") and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
    r = run("search", '"unbalanced', "--db", db)  # not FTS5 syntax: searched as its words
    assert r.returncode == 0 and "Traceback" not in r.stderr


def test_cli_db_from_environment(corpus, monkeypatch):
    monkeypatch.setenv("NEWSDESK_DB", str(corpus / "env.db"))
    assert run("ingest", str(corpus / "in" / "fish.txt")).returncode == 0
    assert (corpus / "env.db").exists()


@pytest.mark.slow
def test_cli_demo_ingests_samples(tmp_path):
    db = str(tmp_path / "demo.db")
    r = run("demo", "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["failed"] == 0
    assert summary["articles"] >= 12 and summary["sources"] > summary["articles"]
    assert 0 < summary["stories"] <= summary["events"] < summary["articles"]  # reports clustered into events
    text = run("demo", "--db", db)
    assert "Next:" in text.stdout and f"newsdesk serve --db {db}" in text.stdout
