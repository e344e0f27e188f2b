"""Store: migrations with a ledger, whole-article transactions, idempotent sources, full-text search."""

from __future__ import annotations

import sqlite3

import pytest

from newsdesk.errors import NotFoundError, StoreError
from newsdesk.extract.ids import article_id
from newsdesk.records import Article, RemovedLine
from newsdesk.store import Added, open_store


def art(text="Parliament approved the budget on Monday after a long debate.", **kw) -> Article:
    base = dict(id=article_id(text), source="a.txt", text=text, paragraphs=(text,),
                removed=(RemovedLine("READ MORE: other story", "link teaser"),), title="Budget approved")
    base.update(kw)
    return Article(**base)


def test_store_migrations_recorded_once(tmp_path):
    path = str(tmp_path / "x.db")
    s = open_store(path)
    assert s.schema_version() >= 1
    s.close()
    s = open_store(path)
    rows = s.conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    assert rows == s.schema_version()
    s.close()


def test_store_refuses_newer_schema(tmp_path):
    path = str(tmp_path / "x.db")
    open_store(path).close()
    c = sqlite3.connect(path)
    c.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'now')")
    c.commit()
    c.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_store_not_a_database(tmp_path):
    p = tmp_path / "notes.db"
    p.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match="not a usable newsdesk database"):
        open_store(str(p))


def test_store_add_article_idempotent_and_sources(store):
    a = art()
    assert store.add_article(a) is Added.NEW
    assert store.add_article(a) is Added.PRESENT
    assert store.add_article(art(source="b.jsonl#9", external_id="9")) is Added.NEW_SOURCE
    assert store.counts() == {"articles": 1, "sources": 2, "removed_lines": 1}
    assert [r["external_id"] for r in store.iter_export()] == [None, "9"]


def test_store_interrupted_write_leaves_no_half_article(store, monkeypatch):
    class Boom(KeyboardInterrupt):
        pass

    real = store.conn

    class Conn:
        def __getattr__(self, name):
            return getattr(real, name)

        def executemany(self, *a, **k):
            raise Boom()

    monkeypatch.setattr(store, "conn", Conn())
    with pytest.raises(Boom):
        store.add_article(art())
    monkeypatch.setattr(store, "conn", real)
    assert store.counts() == {"articles": 0, "sources": 0, "removed_lines": 0}
    assert store.add_article(art()) is Added.NEW


def test_store_get_by_prefix_and_missing(store):
    a = art()
    store.add_article(a)
    assert store.get_article(a.id[:6])["id"] == a.id
    with pytest.raises(NotFoundError):
        store.get_article("ffffffffffff")


def test_store_search_fts(store):
    store.add_article(art())
    store.add_article(art(text="Troops withdrew from the border town overnight, witnesses said.", title="Withdrawal",
                          source="c.txt"))
    hits = store.search("budget")
    assert len(hits) == 1 and hits[0]["title"] == "Budget approved"
    assert store.search('"border town"')[0]["title"] == "Withdrawal"
    with pytest.raises(StoreError, match="FTS5"):
        store.search('"unbalanced')
