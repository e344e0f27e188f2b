"""The event listing picks a page's ids first and computes the per-event counts and title for that page only
(`store.clusters.event_page`): every ordering and page gives the rows the one-query form gave, on both
backends, and the newest-first page is read through the index on that order (migration 0010)."""

from __future__ import annotations

import pytest

from newsdesk.records import Article
from newsdesk.store.clusters import EVENT_ROW
from newsdesk.store.queries import EVENT_ORDER, events

# (event, day of its latest report or None, reports, outlets among them): ties on date and size on purpose
EVENTS = [("ev-a", "2024-03-02", 3, 2), ("ev-b", "2024-03-02", 1, 1), ("ev-c", None, 2, 2),
          ("ev-d", "2024-01-15", 4, 1), ("ev-e", "2024-03-09", 2, 2), ("ev-f", None, 1, 1),
          ("ev-g", "2024-01-15", 3, 3), ("ev-h", "2023-12-31", 2, 1)]


def _fill(store) -> None:
    n = 0
    for eid, day, reports, outlets in EVENTS:
        for k in range(reports):
            n += 1
            text = f"Report {n} of event {eid}: delegations met over the harbour dispute."
            art = Article(id=f"art-{n:03d}", source=f"test:{n}", text=text, paragraphs=(text,),
                          outlet=f"Outlet {k % outlets}", title=f"{eid} report {k}" if k != 1 else None,
                          published=f"{day}T10:00:00Z" if day else None)
            store.add_article(art)
            event = {"id": eid, "n_articles": k + 1, "date_min": day, "date_max": day, "terms": {},
                     "years": [], "actors": [], "places": [], "dates": []}
            store.save_cluster(event, art.id, None, [])


def _one_query(c, order: str, limit: int, offset: int) -> list[dict]:
    return [dict(r) for r in c.execute(EVENT_ROW + f"FROM events e ORDER BY {order} LIMIT ? OFFSET ?",
                                       (limit, offset)).fetchall()]


@pytest.mark.parametrize("sort", sorted(EVENT_ORDER))
def test_store_event_page_same_rows_as_one_query(any_store, sort):
    _fill(any_store)
    with any_store.connection() as c:
        for limit, offset in ((3, 0), (3, 3), (3, 6), (50, 0), (2, 7), (5, 20)):
            got = events(c, {}, limit, offset, sort)
            assert got == _one_query(c, EVENT_ORDER[sort], limit, offset), (sort, limit, offset)
        assert [r["id"] for r in events(c, {}, 50, 0)][:3] == ["ev-e", "ev-b", "ev-a"]  # newest; a tie: the later event
        assert {r["id"]: r["n_sources"] for r in events(c, {}, 50, 0)}["ev-g"] == 3


def test_store_event_page_newest_first_uses_its_index(store):
    _fill(store)
    plan = " ".join(str(tuple(r)) for r in store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT e.id FROM events e ORDER BY coalesce(e.date_max, '') DESC, e.seq DESC LIMIT 5"))
    assert "events_newest" in plan and "TEMP B-TREE" not in plan, plan
