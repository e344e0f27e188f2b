#!/usr/bin/env python3
"""mypy ratchet: run mypy over newsdesk (settings in pyproject.toml) and fail when a module has more errors
than quality/mypy_counts.json records for it; a module the file does not list must have none.

usage: python scripts/mypy_ratchet.py [--update]

Counts may only fall. When a module improves, the script says so and `--update` writes the lower counts (it
never raises one: a new error is fixed, or silenced with a `# type: ignore[code]` that says why).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COUNTS = ROOT / "quality" / "mypy_counts.json"
ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+(?::\d+)?: error: ", re.M)


def count_errors(mypy_output: str) -> dict[str, int]:
    """Errors per file, from mypy's `path:line: error: ...` lines (notes and the summary line are not errors)."""
    return dict(Counter(m.group("path") for m in ERROR.finditer(mypy_output)))


def compare(recorded: dict[str, int], current: dict[str, int]) -> tuple[list[str], list[str]]:
    """(regressions, improvements), one line each: a module above its recorded count (an unlisted module's is
    0) is a regression; one below it an improvement that `--update` can lock in."""
    worse = [f"{path}: {n} mypy errors, {recorded.get(path, 0)} allowed"
             for path, n in sorted(current.items()) if n > recorded.get(path, 0)]
    better = [f"{path}: {current.get(path, 0)} mypy errors, {n} recorded"
              for path, n in sorted(recorded.items()) if current.get(path, 0) < n]
    return worse, better


def run_mypy() -> str:
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # 2: mypy itself failed (bad config, crash), not type errors
        raise SystemExit(f"mypy ratchet: mypy exited {proc.returncode}: {(proc.stderr or proc.stdout)[-500:]}")
    return proc.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true", help="lower the recorded counts to the current ones")
    args = ap.parse_args()
    recorded: dict[str, int] = json.loads(COUNTS.read_text(encoding="utf-8"))["errors"]
    current = count_errors(run_mypy())
    worse, better = compare(recorded, current)
    for line in worse:
        print(f"mypy ratchet: more errors than recorded: {line}", file=sys.stderr)
    if worse:
        return 1
    if better and args.update:
        lowered = {path: min(n, current.get(path, 0)) for path, n in recorded.items()}
        data = json.loads(COUNTS.read_text(encoding="utf-8"))
        data["errors"] = {path: n for path, n in sorted(lowered.items()) if n}
        COUNTS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"mypy ratchet: lowered {len(better)} counts in {COUNTS.relative_to(ROOT)}")
    for line in better:
        print(f"mypy ratchet: fewer errors than recorded (run with --update to keep it so): {line}")
    print(f"mypy ratchet: {sum(current.values())} errors in {len(current)} modules, none above its count")
    return 0


if __name__ == "__main__":
    sys.exit(main())
