"""Store: migrations with a ledger, whole-article transactions, idempotent sources, full-text search,
annotations, event mentions, clustering state and runs. Every test here runs on SQLite and on PostgreSQL
(the `store` fixture below is `any_store`, parametrised over both backends)."""

from __future__ import annotations

import pytest

from newsdesk.errors import NotFoundError, StoreError
from newsdesk.extract.ids import article_id
from newsdesk.records import (
    Actor,
    AnnotatedArticle,
    Article,
    EventActor,
    EventMention,
    Mention,
    Place,
    Quote,
    RemovedLine,
    TimeExpr,
)
from newsdesk.store import Added, annotation_rows, open_store
from newsdesk.store.migrations import load_migrations


@pytest.fixture
def store(any_store):
    return any_store


def art(text="Parliament approved the budget on Monday after a long debate.", **kw) -> Article:
    base = dict(id=article_id(text), source="a.txt", text=text, paragraphs=(text,),
                removed=(RemovedLine("READ MORE: other story", "link teaser"),), title="Budget approved")
    base.update(kw)
    return Article(**base)


def annotated(text: str, published: str, *, kb_id: str | None = "Q-dm", cameo: str = "0251",
              country: str = "DNK") -> AnnotatedArticle:
    """An article as the annotator and coder would leave it: a minister, a quote, a place, a date, an event."""
    a = art(text, published=published, title=text[:30], outlet="Baltic Wire", source=f"{published}.txt")
    minister = EventActor("the Danish minister", "Mette Dahl", "dahl", country, "GOV")
    return AnnotatedArticle(
        a, actors=(Actor("dahl", "Mette Dahl", "person", country, "GOV", "Minister of Fisheries", kb_id,
                         ("the Danish minister", "Dahl")),
                   Actor("copenhagen-port", "Copenhagen Port Authority", "org", country, "BUS")),
        mentions=(Mention(0, 19, "the Danish minister", "ROLE", "dahl"), Mention(40, 44, "Dahl", "PERSON", "dahl")),
        quotes=(Quote(50, 58, "No deal.", "direct", "said", "Dahl", 40, 44, "dahl", "Mette Dahl"),),
        places=(Place("Aarhus", "DK", 56.16, 10.21, 2624652, "city", ((25, 31),), ("Aarhus",), 0.8),),
        timexes=(TimeExpr(32, 38, "Monday", published[:10], "day"),),
        events=(EventMention(0, 39, text[:39], "walked out", cameo, "PROTEST", "other", 3, -4.5, minister, None,
                             published[:10], False, "Aarhus", "DK", 56.16, 10.21, 0.7),))


WALKOUT = "The Danish minister walked out in Aarhus on Monday. Dahl said: No deal. Talks on quotas ended."


def test_store_migrations_same_numbers_and_names_on_both_backends():
    assert [(m.version, m.name) for m in load_migrations("sqlite")] == \
        [(m.version, m.name) for m in load_migrations("postgres")]


def test_store_migrations_recorded_once(any_db):
    s = open_store(any_db)
    assert s.schema_version() == len(load_migrations(s.dialect))
    s.close()
    s = open_store(any_db)
    with s.connection() as c:
        rows = c.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    assert rows == s.schema_version()
    s.close()


def test_store_refuses_newer_schema(any_db):
    s = open_store(any_db)
    with s.transaction() as c:
        c.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (999, "future", "now"))
    s.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(any_db)


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
    assert store.has_article(a.id) and not store.has_article("0" * 16)


def test_store_interrupted_write_leaves_no_half_article(store, monkeypatch):
    class Boom(KeyboardInterrupt):
        pass

    def boom(*a, **k):
        raise Boom()

    a = art()
    monkeypatch.setattr(annotation_rows, "write", boom)  # fails after the article row and removed lines
    with pytest.raises(Boom):
        store.add_article(a, AnnotatedArticle(a), "v1")
    monkeypatch.undo()
    assert store.counts() == {"articles": 0, "sources": 0, "removed_lines": 0}
    assert store.add_article(a) is Added.NEW


def test_store_text_with_nul_characters(store):
    a = art("Ministers met in Oslo on Friday.\x00 They agreed a fisheries pact.", title="Pact\x00")
    assert store.add_article(a) is Added.NEW
    got = store.get_article(a.id)  # stored as U+FFFD on both backends (PostgreSQL text cannot hold NUL)
    assert got["text"] == "Ministers met in Oslo on Friday.\ufffd They agreed a fisheries pact."
    assert got["title"] == "Pact\ufffd"


def test_store_get_by_prefix_and_missing(store):
    a = art()
    store.add_article(a)
    assert store.get_article(a.id[:6])["id"] == a.id
    assert store.get_article(a.id[:6].upper())["id"] == a.id
    with pytest.raises(NotFoundError):
        store.get_article("ffffffffffff")


def test_store_search_fts(store):
    store.add_article(art())
    store.add_article(art(text="Troops withdrew from the border town overnight, witnesses said.", title="Withdrawal",
                          source="c.txt"))
    hits = store.search("budget")
    assert len(hits) == 1 and hits[0]["title"] == "Budget approved" and "[budget]" in hits[0]["snippet"].lower()
    assert store.search('"border town"')[0]["title"] == "Withdrawal"
    assert store.search('"town border"') == []
    assert store.search("Withdrawal")[0]["title"] == "Withdrawal"  # titles are indexed too


def test_store_search_syntax_errors(store):
    store.add_article(art(text="Troops withdrew from the border town overnight, witnesses said.", source="c.txt"))
    # any text is a query: what is not valid FTS5 is searched as its words (websearch_to_tsquery reads any input)
    for query in ('"border town', "border (town", "border^ town:", "town, border)", "border -"):
        assert len(store.search(query)) == 1, query
    assert store.search("*") == store.search("(") == []


def test_store_listing_newest_first_and_time_order(store):
    for day in ("2023-05-02", None, "2023-05-09", "2023-05-01"):
        store.add_article(art(f"Report filed for day {day}.", published=day, source=f"{day}.txt"))
    assert [r["published"] for r in store.list_articles()] == ["2023-05-09", "2023-05-02", "2023-05-01", None]
    assert [r["published"] for r in store.list_articles(limit=2, offset=1)] == ["2023-05-02", "2023-05-01"]
    order = [store.get_article(i)["published"] for i in store.article_ids_in_time_order()]
    assert order == ["2023-05-01", "2023-05-02", "2023-05-09", None]


def test_store_annotation_round_trip_and_queries(store):
    ann = annotated(WALKOUT, "2023-05-08T09:30")
    assert store.add_article(ann.article, ann, "v1") is Added.NEW
    got = store.get_article(ann.article.id)
    assert got["annotated"] == "v1"
    assert got["actors"][0] == {"id": "dahl", "name": "Mette Dahl", "kind": "person", "country": "DNK",
                                "sector": "GOV", "office": "Minister of Fisheries", "kb_id": "Q-dm",
                                "mentions": ["the Danish minister", "Dahl"]}
    assert [a["id"] for a in got["actors"]] == ["dahl", "copenhagen-port"]  # as annotated, not sorted
    assert got["quotes"][0]["speaker"] == "Mette Dahl" and got["timexes"][0]["value"] == "2023-05-08"
    assert got["places"][0] == {"name": "Aarhus", "country": "DK", "lat": 56.16, "lon": 10.21,
                                "geoname_id": 2624652, "feature": "city",
                                "mentions": [{"text": "Aarhus", "start": 25, "end": 31}]}
    event = got["events"][0]
    assert event["cameo"] == "0251" and event["goldstein"] == -4.5 and event["date_inferred"] is False
    assert event["source"]["country"] == "DNK" and event["place"]["lat"] == 56.16
    assert [a["id"] for a in store.list_actors(country="dnk")] == ["copenhagen-port", "dahl"]  # ties by name
    assert store.get_actor("danish minister")["quotes"][0]["text"] == "No deal."
    assert store.list_quotes(speaker="dahl")[0]["outlet"] == "Baltic Wire"
    assert store.list_events(country="DNK", cameo="025")[0]["article_id"] == ann.article.id
    assert store.list_events(until="2023-05-08")[0]["date"] == "2023-05-08"
    assert store.list_events(since="2023-05-09") == [] and store.list_events(cameo="14") == []
    with pytest.raises(NotFoundError):
        store.get_actor("nobody at all")


def test_store_actor_kb_id_kept_once_known(store):
    first = annotated(WALKOUT, "2023-05-08T09:30", kb_id=None)
    store.add_article(first.article, first, "v1")
    assert store.get_actor("dahl")["kb_id"] is None
    second = annotated(WALKOUT + " More later.", "2023-05-09T09:30", kb_id="Q-dm")
    store.add_article(second.article, second, "v1")
    third = annotated(WALKOUT + " Even more.", "2023-05-10T09:30", kb_id="Q-other")
    store.add_article(third.article, third, "v1")
    assert store.get_actor("dahl")["kb_id"] == "Q-dm"


def test_store_save_annotation_replaces_and_missing_ones_listed(store):
    plain = art(WALKOUT, published="2023-05-08")
    store.add_article(plain)
    assert [a["id"] for a in store.iter_articles_for_annotation(only_missing=True, version="v2")] == [plain.id]
    store.save_annotation(annotated(WALKOUT, "2023-05-08", cameo="1411"), "v2")
    assert list(store.iter_articles_for_annotation(only_missing=True, version="v2")) == []
    assert len(list(store.iter_articles_for_annotation(only_missing=False, version="v2"))) == 1
    store.save_annotation(annotated(WALKOUT, "2023-05-08", cameo="0251"), "v2")
    assert [e["cameo"] for e in store.get_article(plain.id)["events"]] == ["0251"]


def test_store_clustering_state(store):
    from newsdesk.cluster.incremental import Clusterer

    texts = [WALKOUT, WALKOUT.replace("Talks on quotas ended.", "Quota talks in Aarhus ended abruptly."),
             "Farmers in Bavaria protested against new fertiliser rules on Friday."]
    for i, t in enumerate(texts):
        ann = annotated(t, f"2023-05-{8 + 2 * (i == 2):02d}T1{i}:00")
        store.add_article(ann.article, ann, "v1")
    clusterer = Clusterer(store)
    ids = [clusterer.add(store.get_article(aid)) for aid in store.article_ids_in_time_order()]
    assert ids[0] == ids[1] != ids[2]
    assert store.event_of(store.article_ids_in_time_order()[1]) == ids[0]
    events = store.list_clustered_events()
    assert {e["id"]: e["n_articles"] for e in events} == {ids[0]: 2, ids[2]: 1}
    assert next(e for e in events if e["id"] == ids[0])["n_sources"] == 1
    assert store.list_clustered_events(cameo="0251", since="2023-05-09")[0]["id"] == ids[2]
    full_id, members = store.event_articles(ids[0][:8])
    assert full_id == ids[0] and len(members) == 2 and members[0]["event_id"] == ids[0]
    story = store.get_story(members[0]["story_ids"][0][:6])
    assert ids[0] in [e["id"] for e in story["events"]]
    assert len(store.list_stories()) >= 1
    assert store.cluster_candidates(["aarhus"], "2023-05-08", 5) or store.cluster_candidates(["dahl"], None, 5)
    assert store.story_candidates(["dahl"])
    store.reset_clusters()
    assert store.list_clustered_events() == [] and store.event_of(members[0]["id"]) is None
    with pytest.raises(NotFoundError):
        store.event_articles(ids[0])


def test_store_mention_links(store):
    """A mention of another happening linked to its event: listed by the event, in the article's event_ids,
    found by date, replaced on relinking and gone with the event."""
    from newsdesk.cluster.incremental import Clusterer

    for t, day in ((WALKOUT, "2023-05-08"), ("Farmers in Bavaria protested against fertiliser rules.", "2023-06-20")):
        ann = annotated(t, day + "T10:00")
        store.add_article(ann.article, ann, "v1")
    first, later = store.article_ids_in_time_order()
    clusterer = Clusterer(store)
    walkout, farmers = (clusterer.add(store.get_article(a)) for a in (first, later))
    assert [e["id"] for e in store.events_between("2023-05-01", "2023-05-31")] == [walkout]
    assert store.events_between("2023-07-01", "2023-07-31") == []
    assert store.articles_mentioning_between("2023-05-07", "2023-05-09") == [first]
    store.save_mention_links({later: [(0, walkout, 0.4)]})
    assert store.get_article(later)["event_ids"] == [farmers, walkout]
    (m,) = store.event_mentioned_in(walkout)
    assert m["article_id"] == later and m["position"] == 0 and m["sentence"] and m["outlet"] == "Baltic Wire"
    store.save_mention_links({later: []})
    assert store.event_mentioned_in(walkout) == [] and store.get_article(later)["event_ids"] == [farmers]
    store.save_mention_links({later: [(0, walkout, 0.4)]})
    store.drop_events([walkout])
    assert store.get_article(later)["event_ids"] == [farmers]


def test_store_runs_ledger(store):
    run = store.start_run({"kind": "ingest", "inputs": ["a.txt"]})
    store.finish_run(run, {"kind": "ingest", "counts": {"new": 1}})
    assert store.start_run({"kind": "load"}) > run
