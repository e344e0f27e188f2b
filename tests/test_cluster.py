"""Cluster: reports of one event join it incrementally; a related but distinct event stays apart."""

from __future__ import annotations

import json

import pytest

from newsdesk.cluster.consolidate import consolidate
from newsdesk.cluster.features import cosine, term_vector
from newsdesk.cluster.incremental import ClusterConfig, Clusterer, fold, score
from newsdesk.cluster.linkage import LinkConfig
from newsdesk.cluster.rebuild import recluster
from newsdesk.cluster.report import features
from newsdesk.pipeline import ingest_paths


@pytest.fixture
def store(any_store):
    """Each test here runs on SQLite and on PostgreSQL."""
    return any_store


FLOOD_A = """Floodwaters force evacuation of Szeged riverside districts

Rescue teams evacuated about 3,000 residents of Szeged on Saturday after the Tisza river burst its banks \
following a week of heavy rain in southern Hungary.

Mayor Laszlo Botka said emergency shelters had been opened in schools across the city. "We expect the \
water to keep rising until Monday," he said.

Soldiers laid sandbags along the embankment near the old town, officials said."""

FLOOD_B = """Thousands leave homes as Tisza floods Szeged

About 2,500 people were moved out of riverside districts in Szeged on Saturday when the swollen Tisza \
river overflowed after days of rain, Hungarian officials said.

Laszlo Botka, the mayor, told reporters that schools were being used as emergency shelters and that \
soldiers were reinforcing the embankment near the old town."""

FIRE = """Forest fire near Dubrovnik forces tourists to leave campsites

Firefighters battled a forest fire on the hills above Dubrovnik on Wednesday as hundreds of tourists \
were moved from campsites along the coast of southern Croatia.

Canadair planes dropped water on the flames while police closed the coastal road, local officials said."""


def write(tmp_path, name, text, published):
    p = tmp_path / name
    p.write_text(json.dumps({"id": name, "outlet": name.split("_")[0], "published": published, "text": text}))
    return str(p)


def test_cluster_same_event_joins_distinct_event_apart(tmp_path, store):
    paths = [write(tmp_path, "herald_a.jsonl", FLOOD_A, "2024-05-18T10:00:00"),
             write(tmp_path, "wire_b.jsonl", FLOOD_B, "2024-05-18T12:00:00"),
             write(tmp_path, "coast_c.jsonl", FIRE, "2024-05-22T09:00:00")]
    ingest_paths(paths, store, annotate=False)
    recs = {r["external_id"]: r for r in store.iter_export()}
    assert recs["herald_a.jsonl"]["event_id"] == recs["wire_b.jsonl"]["event_id"]
    assert recs["coast_c.jsonl"]["event_id"] != recs["herald_a.jsonl"]["event_id"]
    rows = store.list_clustered_events()
    flood = next(r for r in rows if r["id"] == recs["herald_a.jsonl"]["event_id"])
    assert flood["n_articles"] == 2 and flood["n_sources"] == 2


@pytest.mark.parametrize(("wording", "published", "settle", "same"), [
    ("on Saturday", "2024-05-19T08:00:00", True, True),  # the next morning's report of the same flood
    # three weeks on: outside the 14-day window, one article at a time and settled alike (another happening,
    # for the story to link)
    ("three weeks ago", "2024-06-08T12:00:00", False, False),
    ("three weeks ago", "2024-06-08T12:00:00", True, False),
    ("on Sunday", "2025-06-01T12:00:00", True, False),  # a year on: another flood of the same river
])
def test_cluster_date_gap_separates_only_far_apart_reports(tmp_path, store, wording, published, settle, same):
    later = FLOOD_B.replace("on Saturday", wording)
    paths = [write(tmp_path, "herald_a.jsonl", FLOOD_A, "2024-05-18T10:00:00"),
             write(tmp_path, "wire_b.jsonl", later, published)]
    ingest_paths(paths, store, annotate=False, settle=settle)
    ids = {r["external_id"]: r["event_id"] for r in store.iter_export()}
    assert (ids["herald_a.jsonl"] == ids["wire_b.jsonl"]) is same


def test_cluster_recluster_is_deterministic(tmp_path, store):
    paths = [write(tmp_path, f"o{i}_x.jsonl", t, f"2024-05-{18 + i}T10:00:00")
             for i, t in enumerate([FLOOD_A, FLOOD_B, FIRE])]
    ingest_paths(paths, store, annotate=False)
    first = {r["external_id"]: r["event_id"] for r in store.iter_export()}
    assert recluster(store) == 3
    assert {r["external_id"]: r["event_id"] for r in store.iter_export()} == first
    recluster(store, link_config=LinkConfig(threshold=0.99))
    assert len({r["event_id"] for r in store.iter_export()}) == 3


def test_cluster_consolidated_record_flags_numbers_and_summarises(tmp_path, store):
    paths = [write(tmp_path, "herald_a.jsonl", FLOOD_A, "2024-05-18T10:00:00"),
             write(tmp_path, "wire_b.jsonl", FLOOD_B, "2024-05-18T12:00:00")]
    ingest_paths(paths, store, annotate=False)
    eid, articles = store.event_articles(next(store.iter_export())["event_id"])
    rec = consolidate(eid, articles)
    assert rec["n_articles"] == 2 and rec["first_report"]["outlet"] == "herald"
    assert 2 <= len(rec["summary"]) <= 3
    assert rec["numbers"]["disagree"] is False or "people" in rec["numbers"]["differing"]


def test_cluster_term_vector_names_weigh_more():
    v = term_vector("Officials met in Szeged on Monday.\nThe officials met again.")
    assert v["szeged"] > v["officials"]
    assert cosine(v, v) > 0.999


def test_cluster_features_keep_boilerplate_sentences_not_stamps():
    article = {"id": "x", "title": "Ferry strike halts crossings", "published": "2023-03-14", "updated": None,
               "text": "Ferry crews walked out at dawn.", "events": [], "actors": [], "places": [],
               "removed": [{"text": "Posted 14/03/2023 09:05 GMT", "reason": "dateline"},
                           {"text": "Stranded lorry drivers queued along the Dover approach road.",
                            "reason": "boilerplate"},
                           {"text": "Share this", "reason": "boilerplate"}]}
    f = features(article)
    assert "lorry" in f.vector and "dover" in f.vector
    assert "gmt" not in f.vector and "05" not in f.vector and "share" not in f.vector
    assert f.years == {"2023"} and f.date == "2023-03-14"


def test_cluster_features_publication_date_before_coded_dates():
    article = {"id": "x", "title": None, "published": "2023-03-14T08:00", "updated": None, "removed": [],
               "text": "The mayor, born on 2 May 1961, opened the bridge.", "actors": [], "places": [],
               "events": [{"date": "1961-05-02", "date_inferred": False}]}
    assert features(article).date == "2023-03-14"
    assert features({**article, "published": None}).date == "1961-05-02"


def test_cluster_recluster_leaves_no_report_in_a_worse_event(tmp_path, store):
    texts = [FLOOD_A, FIRE, FLOOD_B, FIRE.replace("Wednesday", "Thursday").replace("hundreds", "dozens")]
    paths = [write(tmp_path, f"o{i}_x.jsonl", t, f"2024-05-{18 + i}T10:00:00") for i, t in enumerate(texts)]
    ingest_paths(paths, store, annotate=False)
    recluster(store)
    by_id = {r["external_id"]: r["event_id"] for r in store.iter_export()}
    assert by_id["o0_x.jsonl"] == by_id["o2_x.jsonl"] and by_id["o1_x.jsonl"] == by_id["o3_x.jsonl"]
    assert by_id["o0_x.jsonl"] != by_id["o1_x.jsonl"]
    # every event is named for its first report in time order, as incrementally
    assert {by_id["o0_x.jsonl"], by_id["o1_x.jsonl"]} == {r["event_id"] for r in store.iter_export()}
    assert all(e[1:] in {r["id"] for r in store.iter_export()} for e in by_id.values())


def _features(text: str, published: str | None = None, events: list | None = None):
    return features({"id": "x", "title": None, "published": published, "updated": None, "removed": [],
                     "events": events or [], "actors": [], "places": [], "text": text})


def _event(cameo: str, date: str, country: str, start: int = 0) -> dict:
    return {"cameo": cameo, "date": date, "date_inferred": False, "start": start,
            "place": {"name": "x", "country": country}}


def test_cluster_date_window_strict_only_between_publication_dates():
    cfg = ClusterConfig()
    # dated only by what the text says: a follow-up weeks later may still report the same flood
    a = _features(FLOOD_A, events=[_event("0231", "2024-05-18", "HU")])
    b = _features(FLOOD_B, events=[_event("0231", "2024-06-20", "HU")])
    assert not a.published and b.date == "2024-06-20"
    assert score(b, fold([a]), cfg) >= cfg.threshold
    # the same two texts with publication dates that far apart are two floods
    a2, b2 = _features(FLOOD_A, "2024-05-18"), _features(FLOOD_B, "2024-06-20")
    assert a2.published and score(b2, fold([a2]), cfg) < cfg.threshold


def test_cluster_coded_events_of_another_kind_or_place_score_lower():
    cfg = ClusterConfig()
    a = _features(FLOOD_A, events=[_event("0231", "2024-05-18", "HU")])
    same = _features(FLOOD_B, events=[_event("0233", "2024-05-18", "HU")])
    other_kind = _features(FLOOD_B, events=[_event("1631", "2024-05-18", "HU")])
    elsewhere = _features(FLOOD_B, events=[_event("0231", "2024-05-18", "RS")])
    assert same.roots == {"02"} and same.scenes == {"HU"}
    base = score(same, fold([a]), cfg)
    assert score(other_kind, fold([a]), cfg) == pytest.approx(base - cfg.cameo_penalty)
    assert score(elsewhere, fold([a]), cfg) == pytest.approx(base - cfg.scene_penalty)


def test_cluster_candidates_are_the_most_recent_events_in_the_window(tmp_path, store):
    """Regression: the date-window lookup had a LIMIT without ORDER BY, so a term shared by more events than
    the limit returned the oldest ones."""
    paths = [write(tmp_path, f"w{i}_x.jsonl", f"Inspectors from Quarnholt visited plant {i} run by "
                   f"{name} in {town} and counted {100 + i} drums.", f"2024-03-{1 + i // 3:02d}T10:00:00")
             for i, (name, town) in enumerate((f"Name{chr(65 + i % 26)}{chr(65 + i // 26)}", f"Town{i}")
                                              for i in range(60))]
    ingest_paths(paths, store, annotate=False, cluster=False)
    clusterer = Clusterer(store, ClusterConfig(threshold=2.0))  # every report its own event
    for aid in store.article_ids_in_time_order():
        clusterer.add(store.get_article(aid))
    last = store.article_ids_in_time_order()[-1]
    found = {ev["id"] for ev in store.cluster_candidates(["quarnholt"], "2024-03-20", 30)}
    assert store.event_of(last) in found


ARREST_DATED = """Hungarian police arrested 40 protesters in Szeged on 18 May 2024 after a march against the new dam.

The interior ministry said the march had not been authorised."""

ARREST_LATER = """Police in Hungary detained 40 demonstrators in Szeged at the weekend after a protest march against the dam.

The interior ministry said the march had not been authorised."""


def test_cluster_recluster_orders_by_the_date_the_text_gives(tmp_path, store):
    """A report without a publication date takes its place by the date its text gives, not after every
    published one: the event is named for it, the earlier report, as it would have been incrementally."""
    paths = [write(tmp_path, "wire_b.jsonl", ARREST_LATER, "2024-05-20T10:00:00"),
             write(tmp_path, "herald_a.jsonl", ARREST_DATED, None)]
    ingest_paths(paths, store)
    store.reset_clusters()  # no event ids to keep: named afresh
    recluster(store)
    recs = {r["external_id"]: r for r in store.iter_export()}
    assert recs["wire_b.jsonl"]["event_id"] == recs["herald_a.jsonl"]["event_id"] == "e" + recs["herald_a.jsonl"]["id"]
    recluster(store)  # and kept by the next recluster
    assert {r["external_id"]: r["event_id"] for r in store.iter_export()} == \
        {k: r["event_id"] for k, r in recs.items()}


@pytest.mark.slow
def test_cluster_cli_ingest_settles_unless_told_not_to(tmp_path):
    """`newsdesk ingest` settles the run's events by default; `--no-settle` keeps the one-at-a-time result
    (a same-day report sharing few words: below the single pass's threshold, above complete link's)."""
    import subprocess
    import sys

    aid = ("Hungary asks EU for aid\n\nThe government in Budapest asked the European Union for emergency aid on "
           "Saturday after heavy rain in the south of the country.\n\nPumps and generators are most needed along the "
           "Tisza, the interior ministry said in Budapest.")  # cosine 0.22: two lone reports join on 0.2
    paths = [write(tmp_path, "herald_a.jsonl", FLOOD_A, "2024-05-18T10:00:00"),
             write(tmp_path, "wire_b.jsonl", aid, "2024-05-18T12:00:00")]
    events = {}
    for flag in ("--settle", "--no-settle"):
        db = str(tmp_path / f"{flag}.db")
        r = subprocess.run([sys.executable, "-m", "newsdesk", "ingest", *paths, "--db", db, "--no-annotate", flag],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        out = subprocess.run([sys.executable, "-m", "newsdesk", "export", "--db", db], capture_output=True,
                             text=True, timeout=120).stdout
        events[flag] = {json.loads(ln)["event_id"] for ln in out.splitlines() if ln.strip()}
    assert len(events["--settle"]) == 1 and len(events["--no-settle"]) == 2


def test_cluster_consolidated_date_is_each_reports_finest_and_a_coarser_one_agrees():
    def report(aid: str, outlet: str, published: str, dates: list[tuple[str, bool]]) -> dict:
        return {"id": aid, "outlet": outlet, "published": published, "title": "Walkout", "text": "They left.",
                "quotes": [], "events": [{"cameo": "140", "date": d, "date_inferred": inferred, "sentence": "x"}
                                         for d, inferred in dates]}

    a = report("a", "Wire", "2023-11-30T16:00", [("2023", False), ("2023", False), ("2023-11-30", False)])
    b = report("b", "Herald", "2023-11-30T19:00", [("2023", False), ("2023-12-04", True)])  # inferred: no vote
    rec = consolidate("e1", [a, b])
    assert rec["date"]["value"] == "2023-11-30" and not rec["date"]["disagree"] and "date" not in rec["disagreements"]
    assert rec["date"]["by_source"] == {"Wire": "2023-11-30", "Herald": "2023"}
    c = report("c", "Post", "2023-12-01T08:00", [("2023-11-29", False)])
    rec = consolidate("e1", [a, b, c])
    assert rec["date"]["disagree"] and "date" in rec["disagreements"]


def test_cluster_story_links_only_within_its_window(store):
    """A new event is compared for its story with the events of `story_window_days` around it only (the
    cost of placing it stays flat as the store grows): a walkout of the same minister eight months on starts
    a story of its own, one three weeks on joins the first."""
    from test_store import WALKOUT, annotated

    events = {}
    for day in ("2023-01-10", "2023-02-01", "2023-09-12"):
        ann = annotated(f"{WALKOUT} Report of {day}.", f"{day}T08:00")
        store.add_article(ann.article, ann, "v1")
        events[day] = Clusterer(store).add(store.get_article(ann.article.id))
    assert len(set(events.values())) == 3
    stories = {r["id"]: r["story_id"] for r in store.list_clustered_events(limit=10)}
    assert stories[events["2023-01-10"]] == stories[events["2023-02-01"]] != stories[events["2023-09-12"]]
    assert [e["id"] for e in store.story_candidates(["dahl"], "2023-09-12", 180)] == [events["2023-09-12"]]
    assert len(store.story_candidates(["dahl"])) == 3  # undated: the latest events naming the person
