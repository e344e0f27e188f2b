"""`newsdesk annotate` after `newsdesk kb add`: the articles a knowledge-base change affects are annotated
again by a plain `annotate`, the others are left alone; run in-process, end to end."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.kb import load_kb
from newsdesk.kb.stamp import affected_by_kb, annotation_stamp, parse_stamp

runner = CliRunner()

ARTICLE = """New Zealand presses Pacific partners on fishing quotas

12 March 2024, 09:15

By Mere Tane in Wellington

Tamsin Okafor-Reid, New Zealand's trade minister, told reporters in Wellington on Tuesday that the \
government would seek new limits on tuna catches at next month's Pacific Islands Forum meeting.

"We cannot keep fishing at this rate," Okafor-Reid said.
"""

OTHER = """Storm closes schools across northern Norway

12 March 2024, 10:00

Schools across northern Norway were closed on Tuesday as a winter storm brought snow and high winds to \
the region, local officials said.
"""

PEOPLE = """offices:
  NZL.trade_minister: {title: Minister for Trade and Export Growth (New Zealand), titles: [trade minister]}
people:
  - id: tamsin-okafor-reid
    name: Tamsin Okafor-Reid
    gender: f
    country: NZL
    offices: [[NZL.trade_minister, 2023-11-27, null]]
"""


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    d = tmp_path / "userkb"
    monkeypatch.setenv("NEWSDESK_KB_DIR", str(d))
    return d


def _invoke(*args: str) -> dict | list:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _actor(db: str, name: str) -> dict | None:
    return next((a for a in _invoke("actors", "--db", db, "--json", "--limit", "500") if a["name"] == name), None)


def test_kb_annotate_after_kb_add_reannotates_affected_articles(tmp_path, user_dir):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "trade.txt").write_text(ARTICLE)
    (tmp_path / "in" / "storm.txt").write_text(OTHER)
    db = str(tmp_path / "n.db")
    assert _invoke("ingest", str(tmp_path / "in"), "--db", db, "--json", "-w", "1")["ingested"] == 2
    assert _actor(db, "Tamsin Okafor-Reid") is None  # an unknown name: spaCy's small model misses her

    people = tmp_path / "people.yaml"
    people.write_text(PEOPLE)
    assert _invoke("kb", "add", str(people), "--json")["people"] == 1
    # only the article naming her is annotated again; a second run has nothing left to do
    assert _invoke("annotate", "--db", db, "--json", "-w", "1") == {"annotated": 1, "failed": 0}
    assert _invoke("annotate", "--db", db, "--json", "-w", "1") == {"annotated": 0, "failed": 0}

    actor = _actor(db, "Tamsin Okafor-Reid")
    assert actor is not None
    assert (actor["id"], actor["country"]) == ("kb:tamsin-okafor-reid", "NZL")
    shown = _invoke("actor", "kb:tamsin-okafor-reid", "--db", db, "--json")
    assert shown["offices"] == ["Minister for Trade and Export Growth (New Zealand)"]
    assert [(a["country"], a["sector"]) for a in shown["articles"]] == [("NZL", "GOV")]

    # --all annotates everything again
    assert _invoke("annotate", "--db", db, "--json", "--all", "-w", "1") == {"annotated": 2, "failed": 0}


def test_kb_annotate_help_says_what_it_does_by_default():
    r = runner.invoke(app, ["annotate", "--help"])
    assert r.exit_code == 0
    text = " ".join(r.stdout.split())
    assert "By default" in text and "kb add" in text and "--all" in text


def test_kb_stamp_affected_articles(tmp_path, user_dir):
    kb = load_kb()
    stamp = annotation_stamp(kb, "1")
    assert parse_stamp(stamp).version == kb.version and parse_stamp("1").version is None
    affected = affected_by_kb(kb, "1")
    assert affected(None, "anything")
    assert affected("0", "anything")  # another annotator version
    assert not affected(stamp, "Tamsin Okafor-Reid spoke")
    assert affected(f"1+kb.{'0' * 16}.{'0' * 16}", "anything")  # the built-in KB changed: an upgrade
    assert not affected("1", "Tamsin Okafor-Reid spoke")  # no user files: nothing of theirs to miss

    user_dir.mkdir()
    (user_dir / "people.yaml").write_text(PEOPLE)
    kb2 = load_kb()
    assert kb2.version != kb.version and kb2.builtin_version == kb.builtin_version
    affected = affected_by_kb(kb2, "1")
    assert affected(stamp, "Tamsin Okafor-Reid spoke")  # annotated before the file was added
    assert affected("1", "as Okafor-Reid said")  # annotated at ingest; her surname alone
    assert affected(stamp, "New Zealand's trade minister said")  # the office she holds
    assert not affected(stamp, "a storm closed schools in Norway")
    assert not affected(annotation_stamp(kb2, "1"), "Tamsin Okafor-Reid spoke")  # annotated since
