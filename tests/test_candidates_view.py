"""The candidates debug view (`newsdesk candidates`, `GET /api/v1/articles/{id}/candidates`): every event cue
of a stored article with the rules' code, why the rules drop it, the model's view and the decision; read-only."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsdesk.api import create_app
from newsdesk.cli import app

# one asserted event, a sentence without a cue, a negated and a conditional candidate
ARTICLE = """Police arrest opposition leader in Tbilisi

TBILISI, March 3 - Georgian police arrested the opposition leader Nika Melia on Tuesday, the interior ministry said.

The court building stands on the bank of the river.

The government did not accuse the European Union of interference in the case.

If the protesters storm the parliament, schools in the capital will stay closed, the mayor said.

Shops in the old town opened as usual on Wednesday, and buses ran on time.
"""
QUIET = "The court building stands on the bank of the river."


def run(*args: str):
    return CliRunner().invoke(app, list(args), prog_name="newsdesk")


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> tuple[str, str]:
    """(db, article id) of a fresh database holding ARTICLE."""
    tmp = tmp_path_factory.mktemp("candidates")
    (tmp / "tbilisi.txt").write_text(ARTICLE, encoding="utf-8")
    db = str(tmp / "c.db")
    r = run("ingest", str(tmp / "tbilisi.txt"), "--db", db, "--json", "--workers", "1")
    assert r.exit_code == 0, r.stderr
    rows = json.loads(run("articles", "--db", db, "--json").stdout)
    assert len(rows) == 1
    return db, rows[0]["id"]


def _json(db: str, aid: str, *extra: str) -> list[dict]:
    r = run("candidates", aid[:10], "--db", db, "--json", *extra)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def _by_cue(rows: list[dict]) -> dict[str, dict]:
    return {r["cue"]: r for r in rows if r["cue"] is not None}


@pytest.mark.parametrize("cue, drop, decision, recorded", [
    ("arrest", None, "recorded as 173", True),
    ("accuse", "negated", "dropped: negated", False),
    ("storm", "irrealis", "dropped: irrealis", False),
])
def test_candidates_view_drop_reasons(stored, cue, drop, decision, recorded):
    row = _by_cue(_json(*stored))[cue]
    assert row["drop"] == drop
    assert row["decision"] == decision and row["recorded"] is recorded
    assert row["reason"] == (None if recorded else drop)
    assert row["article_id"] == stored[1]
    assert 0.0 <= row["p_none"] <= 1.0 and row["model_type"]


def test_candidates_view_json_fields(stored):
    rows = _json(*stored)
    by_cue = _by_cue(rows)
    arrest = by_cue["arrest"]
    assert arrest["code"] == "173" and arrest["plover"] == "COERCE" and arrest["trigger"] == "arrested"
    assert arrest["recorded_code"] == "173"
    assert by_cue["accuse"]["negated"] is True and by_cue["accuse"]["plover"] == "ACCUSE"
    text = json.loads(run("show", stored[1], "--db", stored[0], "--json").stdout)["text"]
    for r in rows:  # offsets into the stored (cleaned) text
        assert r["cue"] is not None and text[r["start"]:r["end"]] == r["sentence"]
    assert [r["sentence_index"] for r in rows] == sorted(r["sentence_index"] for r in rows)
    assert QUIET not in {r["sentence"] for r in rows}


def test_candidates_view_all_adds_sentences_without_candidates(stored):
    rows = _json(*stored, "--all")
    quiet = [r for r in rows if r["sentence"] == QUIET]
    assert len(quiet) == 1 and quiet[0]["cue"] is None and quiet[0]["decision"] is None
    assert _by_cue(rows).keys() == _by_cue(_json(*stored)).keys()


def test_candidates_view_table(stored):
    db, aid = stored
    r = run("candidates", aid[:8], "--db", db)
    assert r.exit_code == 0, r.stderr
    for text in ("recorded as 173", "dropped: negated", "dropped: irrealis", "COERCE",
                 "The government did not accuse the European Union of interference in the case."):
        assert text in r.stdout
    assert QUIET not in r.stdout
    assert "3 candidates, 1 recorded" in r.stderr
    assert QUIET in run("candidates", aid[:8], "--db", db, "--all").stdout


def test_candidates_view_is_read_only(stored):
    db, aid = stored
    before = hashlib.sha256(Path(db).read_bytes()).hexdigest()
    assert run("candidates", aid, "--db", db).exit_code == 0
    assert hashlib.sha256(Path(db).read_bytes()).hexdigest() == before


def test_candidates_view_unknown_id_refused(stored):
    r = run("candidates", "ffffffffff", "--db", stored[0])
    assert r.exit_code == 1
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsdesk: error: no article with id")


def test_candidates_view_missing_db_refused(tmp_path):
    db = tmp_path / "none.db"
    r = run("candidates", "abc", "--db", str(db))
    assert r.exit_code == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "no such database" in r.stderr
    assert not db.exists()


def test_candidates_view_help_has_example():
    r = run("candidates", "--help")
    assert r.exit_code == 0 and "Example: newsdesk candidates" in r.stdout and "--all" in r.stdout


def test_candidates_view_api_same_rows(stored):
    db, aid = stored
    cli = _json(db, aid)
    with TestClient(create_app(db, "t0ken"), raise_server_exceptions=False) as client:
        r = client.get(f"/api/v1/articles/{aid[:10]}/candidates")
        assert r.status_code == 200
        body = r.json()
        assert body["ok"] is True and body["rows"] == cli and body["next"] is None
        assert client.get(f"/api/v1/articles/{aid}/candidates", params={"all": "true"}).json()["rows"] \
            == _json(db, aid, "--all")
        missing = client.get("/api/v1/articles/ffffffffff/candidates")
        assert missing.status_code == 404 and missing.json()["ok"] is False
