#!/usr/bin/env python3
"""CI quality gate: score the dev halves of the gold sets in ../shared and fail when a figure falls more than
its set's margin below the floor recorded in quality/floors.json.

usage: python scripts/quality_gate.py [--shared DIR] [--sets a,b] [--results FILE] [--record]

Each set's floors are recorded with the sha256 digests of the files they were measured on (the set's input,
its gold and its scorer), so a floor moves only on purpose: when a digest differs the gate fails and asks for
`--record`, which measures again and rewrites the floors of the sets it ran. Without ../shared (a checkout on
its own) the gate says so and passes. `--results` checks the JSON of an earlier `scripts/eval.py --half dev
--json` run instead of running the sets again.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ROOT / "quality" / "floors.json"
HALF = "dev"  # errors are read on the dev half; the test half is frozen and never gated


def load_eval_sets() -> dict[str, tuple]:
    """scripts/eval.py's table of sets (input, scorer, gold, headline metrics): one definition for both."""
    spec = importlib.util.spec_from_file_location("newsdesk_eval", ROOT / "scripts" / "eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SETS


def set_files(shared: Path, entry: tuple) -> list[Path]:
    """What a set's figures depend on besides newsdesk: its input (every file of a directory), its gold file
    and its scorer. Notes and licences beside them are left out, so editing a README moves no floor."""
    rel_input, scorer, gold = entry[0], entry[1], entry[2]
    src = (shared / "eval" / rel_input).resolve()
    files = sorted(p for p in src.rglob("*") if p.is_file()) if src.is_dir() else [src]
    gold_path = (shared / "eval" / gold).resolve()
    files.append(gold_path / "gold.jsonl" if gold_path.is_dir() else gold_path)
    files.append((shared / "tools" / scorer).resolve())
    return sorted(set(files))


def digests(shared: Path, entry: tuple) -> dict[str, str]:
    root = shared.resolve()
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in set_files(shared, entry)}


def metric(result: dict[str, Any], key: str) -> float | None:
    """A figure by dotted key (`recluster.bcubed_f1`), None when the set's result lacks it."""
    value: Any = result
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def check(floors: dict[str, Any], results: dict[str, Any], current: dict[str, dict[str, str]]) -> list[str]:
    """Every problem of the gate, one line each: a gold file changed since its floors were recorded, a figure
    missing, or one more than the set's margin below its floor (above its ceiling, for shares that should stay
    low). `current` maps each set to the digests of its files now."""
    problems = []
    for name, result in results.items():
        recorded = floors["sets"].get(name)
        if recorded is None:
            problems.append(f"{name}: no floors recorded (run scripts/quality_gate.py --record --sets {name})")
            continue
        if current.get(name) != recorded["digests"]:
            changed = sorted(set(current.get(name, {}).items()) ^ set(recorded["digests"].items()))
            problems.append(f"{name}: files changed since the floors were recorded ({changed[0][0]}); measure "
                            f"again on purpose with scripts/quality_gate.py --record --sets {name}")
            continue
        margin = recorded["margin"]
        for key, floor in recorded.get("floors", {}).items():
            value = metric(result, key)
            if value is None:
                problems.append(f"{name} {key}: missing from the results")
            elif value < floor - margin - 1e-9:
                problems.append(f"{name} {key}: {value:.4f} is below the floor {floor:.4f} by more than {margin}")
        for key, ceiling in recorded.get("ceilings", {}).items():
            value = metric(result, key)
            if value is None:
                problems.append(f"{name} {key}: missing from the results")
            elif value > ceiling + margin + 1e-9:
                problems.append(f"{name} {key}: {value:.4f} is above the ceiling {ceiling:.4f} by more than {margin}")
    return problems


def run_eval(shared: Path, sets: list[str]) -> dict[str, Any]:
    cmd = [sys.executable, str(ROOT / "scripts" / "eval.py"), "--shared", str(shared), "--sets", ",".join(sets),
           "--half", HALF, "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"quality gate: scripts/eval.py exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout)


def record(floors: dict[str, Any], results: dict[str, Any], current: dict[str, dict[str, str]]) -> None:
    """Measured figures become the floors (and ceilings) of the sets that ran, with their files' digests; the
    metrics gated and the margins stay as they were chosen."""
    for name, result in results.items():
        entry = floors["sets"][name]
        entry["digests"] = current[name]
        for bound in ("floors", "ceilings"):
            for key in entry.get(bound, {}):
                value = metric(result, key)
                if value is None:
                    raise SystemExit(f"quality gate: {name} {key} missing from the results; nothing recorded")
                entry[bound][key] = int(value) if value.is_integer() else round(value, 4)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--sets", help="comma-separated subset of the sets in quality/floors.json (default: all)")
    ap.add_argument("--results", help="check this `scripts/eval.py --half dev --json` output instead of running")
    ap.add_argument("--record", action="store_true", help="write the measured figures as the new floors")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not (shared / "eval").is_dir():
        print(f"quality gate: skipped, {shared}/eval not found (the gold sets live beside the checkout)")
        return 0
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    sets = args.sets.split(",") if args.sets else list(floors["sets"])
    unknown = [s for s in sets if s not in floors["sets"]]
    if unknown:
        print(f"quality gate: {FLOORS.relative_to(ROOT)} has no set {', '.join(unknown)}", file=sys.stderr)
        return 2
    eval_sets = load_eval_sets()
    current = {name: digests(shared, eval_sets[name]) for name in sets}
    if args.results:
        results = {k: v for k, v in json.loads(Path(args.results).read_text(encoding="utf-8")).items() if k in sets}
    else:
        results = run_eval(shared, sets)
    if args.record:
        record(floors, results, current)
        FLOORS.write_text(json.dumps(floors, indent=2) + "\n", encoding="utf-8")
        print(f"quality gate: recorded the floors of {', '.join(results)} in {FLOORS.relative_to(ROOT)}")
        return 0
    problems = check(floors, results, current)
    for line in problems:
        print(f"quality gate: {line}", file=sys.stderr)
    if problems:
        return 1
    print(f"quality gate: {len(results)} sets at or above their floors ({', '.join(results)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
