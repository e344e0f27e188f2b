"""The CI quality gate (scripts/quality_gate.py) passes on the recorded figures and fails on a worsened one, a
changed gold file or a missing figure, without running the evaluation itself."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def load_gate():
    spec = importlib.util.spec_from_file_location("quality_gate", ROOT / "scripts" / "quality_gate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gate = load_gate()
FLOORS = json.loads(gate.FLOORS.read_text(encoding="utf-8"))


def put(result: dict, key: str, value: float) -> None:
    *parents, last = key.split(".")
    for part in parents:
        result = result.setdefault(part, {})
    result[last] = value


def recorded_results() -> dict:
    """Results exactly at the recorded figures, shaped as scripts/eval.py prints them (dotted keys nested)."""
    results: dict = {}
    for name, entry in FLOORS["sets"].items():
        result: dict = {}
        for bound in ("floors", "ceilings"):
            for key, value in entry.get(bound, {}).items():
                put(result, key, value)
        results[name] = result
    return results


def recorded_digests() -> dict:
    return {name: dict(entry["digests"]) for name, entry in FLOORS["sets"].items()}


def test_quality_gate_passes_on_the_recorded_figures():
    assert gate.check(FLOORS, recorded_results(), recorded_digests()) == []


@pytest.mark.parametrize("name,key", [(name, key) for name, entry in FLOORS["sets"].items()
                                      for key in entry["floors"]])
def test_quality_gate_fails_on_a_figure_below_its_floor_by_more_than_the_margin(name, key):
    results = recorded_results()
    floor, margin = FLOORS["sets"][name]["floors"][key], FLOORS["sets"][name]["margin"]
    put(results[name], key, floor - margin - 0.001)
    problems = gate.check(FLOORS, results, recorded_digests())
    assert len(problems) == 1 and problems[0].startswith(f"{name} {key}:") and "below the floor" in problems[0]


def test_quality_gate_tolerates_a_drop_within_the_margin():
    results = recorded_results()
    entry = FLOORS["sets"]["plv"]
    put(results["plv"], "type_acc", entry["floors"]["type_acc"] - entry["margin"] / 2)
    assert gate.check(FLOORS, results, recorded_digests()) == []


def test_quality_gate_seeds_allow_no_loss():
    results = recorded_results()
    results["seeds"]["passed"] = FLOORS["sets"]["seeds"]["floors"]["passed"] - 1
    assert gate.check(FLOORS, results, recorded_digests()) == [
        f"seeds passed: {results['seeds']['passed']:.4f} is below the floor "
        f"{FLOORS['sets']['seeds']['floors']['passed']:.4f} by more than 0"]


def test_quality_gate_fails_on_a_share_above_its_ceiling():
    results = recorded_results()
    results["cluster"]["recluster"]["mixed_topic_share"] = 0.2
    problems = gate.check(FLOORS, results, recorded_digests())
    assert problems and "cluster recluster.mixed_topic_share" in problems[0] and "above the ceiling" in problems[0]


def test_quality_gate_fails_when_a_gold_file_changed():
    """A floor moves only on purpose: figures on other gold are not compared with it at all."""
    digests = recorded_digests()
    path = next(iter(digests["events"]))
    digests["events"][path] = "0" * 64
    problems = gate.check(FLOORS, recorded_results(), digests)
    assert problems == [f"events: files changed since the floors were recorded ({path}); measure again on "
                        "purpose with scripts/quality_gate.py --record --sets events"]


def test_quality_gate_fails_on_a_missing_figure_or_set():
    results = recorded_results()
    del results["quotes"]["direct"]
    results["unknown_set"] = {}
    problems = gate.check(FLOORS, results, recorded_digests())
    assert "quotes direct.f1: missing from the results" in problems
    assert any(p.startswith("unknown_set: no floors recorded") for p in problems)


def test_quality_gate_record_keeps_metrics_and_margins():
    floors = copy.deepcopy(FLOORS)
    results = recorded_results()
    put(results["plv"], "triple_f1", 0.99)
    gate.record(floors, {"plv": results["plv"]}, {"plv": {"x": "y"}})
    assert floors["sets"]["plv"]["floors"]["triple_f1"] == 0.99
    assert floors["sets"]["plv"]["digests"] == {"x": "y"}
    assert floors["sets"]["plv"]["margin"] == FLOORS["sets"]["plv"]["margin"]
    assert set(floors["sets"]["plv"]["floors"]) == set(FLOORS["sets"]["plv"]["floors"])


def test_quality_gate_sets_are_eval_sets_with_their_headline_metrics():
    eval_sets = gate.load_eval_sets()
    for name, entry in FLOORS["sets"].items():
        assert name in eval_sets, f"{name} is not a set of scripts/eval.py"
        assert entry["margin"] >= 0 and entry["floors"]
        for key in [*entry["floors"], *entry.get("ceilings", {})]:
            assert key in eval_sets[name][3], f"{name} {key} is not one of the set's headline metrics"


def test_quality_gate_skips_without_shared(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "quality_gate.py"), "--shared", str(tmp_path)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and "quality gate: skipped" in run.stdout


needs_shared = pytest.mark.skipif(not (SHARED / "eval").is_dir(), reason="../shared/eval (the gold sets) is absent")


@needs_shared
def test_quality_gate_digests_match_the_shared_gold_files():
    eval_sets = gate.load_eval_sets()
    for name, entry in FLOORS["sets"].items():
        assert gate.digests(SHARED, eval_sets[name]) == entry["digests"], f"{name}: gold changed; --record"


@needs_shared
def test_quality_gate_exit_codes_on_saved_results(tmp_path):
    """The command CI runs, fed a saved eval output instead of running the sets: 0 at the floors, 1 worse."""
    saved = tmp_path / "results.json"
    cmd = [sys.executable, str(ROOT / "scripts" / "quality_gate.py"), "--shared", str(SHARED),
           "--sets", "plv,seeds", "--results", str(saved)]
    results = recorded_results()
    saved.write_text(json.dumps(results), encoding="utf-8")
    ok = subprocess.run(cmd, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    results["plv"]["triple_f1"] -= 0.05
    saved.write_text(json.dumps(results), encoding="utf-8")
    worse = subprocess.run(cmd, capture_output=True, text=True)
    assert worse.returncode == 1 and "plv triple_f1" in worse.stderr


def load_ratchet():
    spec = importlib.util.spec_from_file_location("mypy_ratchet", ROOT / "scripts" / "mypy_ratchet.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ratchet = load_ratchet()
MYPY_OUTPUT = """newsdesk/a.py:3: error: Incompatible types in assignment  [assignment]
newsdesk/a.py:9:5: error: "object" has no attribute "id"  [attr-defined]
newsdesk/a.py:9: note: By default the bodies of untyped functions are not checked
newsdesk/b.py:1: error: Need type annotation for "x"  [var-annotated]
Found 3 errors in 2 files (checked 2 source files)
"""


def test_quality_gate_mypy_ratchet_counts_errors_per_module():
    assert ratchet.count_errors(MYPY_OUTPUT) == {"newsdesk/a.py": 2, "newsdesk/b.py": 1}


def test_quality_gate_mypy_ratchet_fails_when_a_count_rises():
    current = ratchet.count_errors(MYPY_OUTPUT)
    worse, better = ratchet.compare({"newsdesk/a.py": 2, "newsdesk/b.py": 1}, current)
    assert worse == [] and better == []
    worse, _ = ratchet.compare({"newsdesk/a.py": 1, "newsdesk/b.py": 1}, current)
    assert worse == ["newsdesk/a.py: 2 mypy errors, 1 allowed"]
    worse, _ = ratchet.compare({"newsdesk/a.py": 2}, current)  # an unlisted module must have none
    assert worse == ["newsdesk/b.py: 1 mypy errors, 0 allowed"]
    worse, better = ratchet.compare({"newsdesk/a.py": 5, "newsdesk/b.py": 1, "newsdesk/c.py": 2}, current)
    assert worse == [] and better == ["newsdesk/a.py: 2 mypy errors, 5 recorded", "newsdesk/c.py: 0 mypy errors, 2 recorded"]


def test_quality_gate_mypy_counts_are_module_paths_with_errors():
    """Paths as mypy prints them (a misspelt key would allow nothing and catch nothing), counts above 0."""
    counts = json.loads(ratchet.COUNTS.read_text(encoding="utf-8"))["errors"]
    for path, n in counts.items():
        assert path.startswith("newsdesk/") and path.endswith(".py") and isinstance(n, int) and n > 0, path


def test_quality_gate_digests_through_a_symlinked_shared(tmp_path):
    """CI may put ../shared beside the checkout as a symlink: every file is named relative to the real
    folder (the scorer path was not resolved, and the gate crashed)."""
    real = tmp_path / "real"
    (real / "eval" / "s").mkdir(parents=True)
    (real / "tools").mkdir()
    (real / "eval" / "s" / "articles.jsonl").write_text("{}\n")
    (real / "eval" / "s" / "gold.jsonl").write_text("{}\n")
    (real / "tools" / "score_s.py").write_text("print(1)\n")
    link = tmp_path / "shared"
    link.symlink_to(real)
    names = set(gate.digests(link, ("s/articles.jsonl", "score_s.py", "s")))
    assert names == {"eval/s/articles.jsonl", "eval/s/gold.jsonl", "tools/score_s.py"}
