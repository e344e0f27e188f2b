"""`events_between` reads events one span class at a time through an index (migration 0009) and answers
exactly what the plain overlap test (date_min <= hi and date_max >= lo, newest first) answers."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from importlib import resources

import pytest

from newsdesk.store import clusters

START = date(2019, 1, 1)


def _events(n: int, seed: int) -> list[tuple[str, int, str, str]]:
    """(id, seq, date_min, date_max): mostly short spans, some months long, a few of centuries (a date read
    from the text), one undated."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        first = START + timedelta(days=rng.randrange(2000))
        span = rng.choice([0] * 8 + [1, 2, 3, 5, 9, 40, 200, 900, 70_000])
        last = min(first + timedelta(days=span), date(9999, 12, 31))
        rows.append((f"e{i:05d}", i + 1, first.isoformat(), last.isoformat()))
    return rows


def _insert(store, rows) -> None:
    def work(c):
        for eid, seq, lo, hi in rows:
            c.execute("INSERT INTO events (id, seq, n_articles, date_min, date_max, span_class, state) "
                      "VALUES (?, ?, 1, ?, ?, ?, ?)", (eid, seq, lo, hi, clusters.span_class(lo, hi),
                                                       json.dumps({"terms": {}})))
        c.execute("INSERT INTO events (id, seq, n_articles, date_min, date_max, span_class, state) "
                  "VALUES ('undated', 0, 1, NULL, NULL, NULL, ?)", (json.dumps({"terms": {}}),))
    store._write(work)


def _expected(rows, lo: str, hi: str, limit: int = 200) -> list[str]:
    hits = sorted((r for r in rows if r[2] <= hi and r[3] >= lo), key=lambda r: -r[1])
    return [r[0] for r in hits[:limit]]


WINDOWS = [("2019-03-01", "2019-03-01"), ("2020-06-10", "2020-06-24"), ("2021-01-01", "2021-12-31"),
           ("2018-01-01", "2018-12-31"), ("2030-01-01", "2030-01-05"), ("0001-01-01", "0001-01-02"),
           ("2019-01-01", "2024-12-31")]


def test_store_events_between_matches_the_plain_overlap_query(any_store):
    rows = _events(600, seed=7)
    _insert(any_store, rows)
    for lo, hi in WINDOWS:
        got = [e["id"] for e in any_store.events_between(lo, hi)]
        assert got == _expected(rows, lo, hi), (lo, hi)
    got = any_store.events_between("2020-06-10", "2020-06-24")
    assert all(set(e) >= {"id", "date_min", "date_max", "terms"} for e in got)


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    ("2024-05-01", "2024-05-01", 0), ("2024-05-01", "2024-05-02", 1), ("2024-05-01", "2024-05-04", 2),
    ("2024-05-01", "2024-05-08", 3), ("2024-05-01", "2204-05-01", 17), (None, None, None),
    ("2024-05", "2024-05-02", 17)])
def test_store_events_between_span_class(lo, hi, expected):
    assert clusters.span_class(lo, hi) == expected


def test_store_events_between_migration_fills_the_span_of_stored_events(any_store):
    """Events stored before migration 0009 get their class from its UPDATEs, as `save` would give it."""
    rows = _events(300, seed=11)
    _insert(any_store, rows)
    dialect = "postgres" if "postgres" in type(any_store).__name__.lower() else ""
    folder = resources.files("newsdesk.store.migrations").joinpath(*([dialect] if dialect else []))
    sql = folder.joinpath("0009_event_spans.sql").read_text(encoding="utf-8")
    updates = [s for s in sql.split(";") if "UPDATE events" in s]
    assert len(updates) == 2

    def refill(c):
        c.execute("UPDATE events SET span_class = NULL")
        for statement in updates:
            c.execute(statement)
        return {r[0]: r[1] for r in c.execute("SELECT id, span_class FROM events WHERE date_min IS NOT NULL")}

    filled = any_store._write(refill)
    assert filled == {eid: clusters.span_class(lo, hi) for eid, _, lo, hi in rows}
