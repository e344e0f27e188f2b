"""Issue 20: a seeded, bounded fuzz of `newsdesk ingest` (scripts/fuzz.py, at the suite's sizes): for each input
class, a run over a few hundred mutated inputs never aborts, finishes its `runs` row, and leaves the articles
stored before it unchanged. `python scripts/fuzz.py --seed N --count M` runs the larger fuzz."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app

ROOT = Path(__file__).resolve().parents[1]
COUNT = {"jsonl": 300, "rss": 300, "csv": 300, "html": 150, "warc": 150}  # html/warc extraction costs more


def _load():
    spec = importlib.util.spec_from_file_location("newsdesk_fuzz", ROOT / "scripts" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


fuzz = _load()


def invoke_in_process(paths: list[str], db: str) -> tuple[int, str]:
    """The CLI itself (so the error printer is fuzzed too), without a process start per run."""
    r = CliRunner().invoke(app, ["ingest", "--db", db, "--no-annotate", *paths], prog_name="newsdesk")
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        return 70, f"Traceback: {r.exception!r}"
    return r.exit_code, r.stderr


def test_fuzz_mutants_are_seeded_and_mutated():
    first = list(fuzz.mutants("rss", 40, seed=3, sizes=fuzz.SMALL))
    assert first == list(fuzz.mutants("rss", 40, seed=3, sizes=fuzz.SMALL))
    assert first != list(fuzz.mutants("rss", 40, seed=4, sizes=fuzz.SMALL))
    assert all(m.mutations for m in first)
    done = {name for kind in fuzz.KINDS for m in fuzz.mutants(kind, 60, seed=3, sizes=fuzz.SMALL)
            for name in m.mutations}
    assert done == set(fuzz.FIELD_MUTATIONS) | set(fuzz.INNER_MUTATIONS) | set(fuzz.BYTE_MUTATIONS)


def test_fuzz_check_run_sees_a_changed_article(tmp_path):
    """The checker is not blind: an article changed behind its back and an unfinished run are reported."""
    import sqlite3

    outcomes = fuzz.fuzz(tmp_path, seed=1, count=2, kinds=("jsonl",), sizes=fuzz.SMALL, invoke=invoke_in_process)
    assert outcomes[0].problems == []
    db = str(tmp_path / "fuzz.db")
    before = fuzz.snapshot(db)

    def tamper(paths: list[str], db: str) -> tuple[int, str]:
        with sqlite3.connect(db) as c:
            c.execute("UPDATE articles SET title = 'changed' WHERE id = (SELECT min(id) FROM articles)")
            c.execute("INSERT INTO runs (started_at, manifest) VALUES ('2024-01-01T00:00:00Z', '{}')")
        return 0, ""
    problems = fuzz.check_run("jsonl", [], db, before, tamper).problems
    assert any("changed or lost" in p for p in problems) and any("finished_at" in p for p in problems)


@pytest.mark.parametrize("kind", fuzz.KINDS)
def test_fuzz_ingest_never_aborts_and_keeps_what_is_stored(tmp_path, kind):
    [outcome] = fuzz.fuzz(tmp_path, seed=20, count=COUNT[kind], kinds=(kind,), sizes=fuzz.SMALL,
                          invoke=invoke_in_process)
    assert outcome.problems == [], outcome.problems
