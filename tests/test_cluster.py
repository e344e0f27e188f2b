"""Cluster: reports of one event join it incrementally; a related but distinct event stays apart."""

from __future__ import annotations

import json

import pytest

from newsdesk.cluster import ClusterConfig, recluster
from newsdesk.cluster.consolidate import consolidate
from newsdesk.cluster.features import cosine, term_vector
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


def test_cluster_far_apart_dates_make_different_events(tmp_path, store):
    later = FLOOD_B.replace("Saturday", "Sunday")
    paths = [write(tmp_path, "herald_a.jsonl", FLOOD_A, "2024-05-18T10:00:00"),
             write(tmp_path, "wire_b.jsonl", later, "2025-06-01T12:00:00")]
    ingest_paths(paths, store, annotate=False)
    ids = {r["external_id"]: r["event_id"] for r in store.iter_export()}
    assert ids["herald_a.jsonl"] != ids["wire_b.jsonl"]


def test_cluster_recluster_is_deterministic(tmp_path, store):
    paths = [write(tmp_path, f"o{i}_x.jsonl", t, f"2024-05-{18 + i}T10:00:00")
             for i, t in enumerate([FLOOD_A, FLOOD_B, FIRE])]
    ingest_paths(paths, store, annotate=False)
    first = {r["external_id"]: r["event_id"] for r in store.iter_export()}
    assert recluster(store) == 3
    assert {r["external_id"]: r["event_id"] for r in store.iter_export()} == first
    recluster(store, ClusterConfig(threshold=0.99))
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
