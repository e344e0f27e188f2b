"""Event redirects: an event id that `recluster` (or a settle step) merges away still leads to the event now
holding its earliest report — in the store, `newsdesk event OLD_ID`, the API (301) and the web page (301) —
and a split leaves the id with the part holding the earliest report. Both backends."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from test_cluster import FIRE, FLOOD_A, FLOOD_B, write
from typer.testing import CliRunner

from newsdesk.api import create_app
from newsdesk.cli import app
from newsdesk.cluster.linkage import LinkConfig
from newsdesk.cluster.rebuild import inherit_ids, recluster
from newsdesk.pipeline import ingest_paths
from newsdesk.store import open_store

SPLIT_ALL = LinkConfig(threshold=0.99)  # no two reports join


@pytest.fixture
def db(any_db):
    return any_db


def ingest(tmp_path, db, texts, link_config=None):
    paths = [write(tmp_path, f"o{i}_x.jsonl", t, f"2024-05-{18 + i}T10:00:00") for i, t in enumerate(texts)]
    with open_store(db) as store:
        ingest_paths(paths, store, annotate=False, link_config=link_config)
        return [r["event_id"] for r in sorted(store.iter_export(), key=lambda r: r["external_id"])]


def test_event_redirects_merged_id_resolves_everywhere(tmp_path, db):
    # the two reports of the flood kept apart by the ingest run's settle step, then joined by `recluster`
    flood, other, fire = ingest(tmp_path, db, [FLOOD_A, FLOOD_B, FIRE], link_config=SPLIT_ALL)
    assert len({flood, other, fire}) == 3
    with open_store(db) as store:
        recluster(store)
        ids = {r["external_id"]: r["event_id"] for r in store.iter_export()}
        # the event with the earliest report keeps its id; the other's leads to it
        assert ids == {"o0_x.jsonl": flood, "o1_x.jsonl": flood, "o2_x.jsonl": fire}
        moved = store.event_redirect(other)
        assert (moved["old_id"], moved["new_id"], moved["reason"]) == (other, flood, "merged")
        assert store.event_redirect(other[:9])["new_id"] == flood  # a unique prefix, as for live ids
        assert store.event_redirect(flood) is None and store.event_redirect(fire) is None  # live events

    r = CliRunner().invoke(app, ["event", other, "--db", db, "--json"], prog_name="newsdesk")
    assert r.exit_code == 0, r.output
    rec = json.loads(r.stdout)
    assert (rec["id"], rec["redirected_from"], rec["n_articles"]) == (flood, other, 2)
    assert f"event {other} was merged into {flood}" in r.stderr

    with TestClient(create_app(db), follow_redirects=False) as client:
        api = client.get(f"/api/v1/events/{other}")
        assert api.status_code == 301 and api.headers["location"] == f"/api/v1/events/{flood}"
        assert api.json()["ok"] is False and flood in api.json()["error"]
        assert client.get(api.headers["location"]).json()["rows"][0]["id"] == flood
        page = client.get(f"/events/{other}")
        assert page.status_code == 301 and page.headers["location"] == f"/events/{flood}"
        assert client.get(f"/api/v1/events/{flood}").status_code == 200
        assert client.get("/api/v1/events/enothing").status_code == 404


def test_event_redirects_split_keeps_the_id_with_the_earliest_report(tmp_path, db):
    flood, same, _ = ingest(tmp_path, db, [FLOOD_A, FLOOD_B, FIRE])
    assert flood == same
    with open_store(db) as store:
        recluster(store, link_config=SPLIT_ALL)
        ids = {r["external_id"]: r["event_id"] for r in store.iter_export()}
        assert ids["o0_x.jsonl"] == flood  # FLOOD_A, the earliest report, keeps the event's id
        later = ids["o1_x.jsonl"]
        assert later != flood and store.event_redirect(later) is None
        recluster(store)  # joined again: the split-off part's id now leads to the event it went back into
        assert store.event_redirect(later)["new_id"] == flood
        assert store.event_redirect(flood) is None


def test_event_redirects_chains_end_on_a_live_event(db):
    with open_store(db) as store:
        store.save_event_redirects({"eaaa": ("ebbb", "merged")}, ["ebbb"])
        store.save_event_redirects({"ebbb": ("eccc", "split")}, ["eccc"])
        assert store.event_redirect("eaaa")["new_id"] == "eccc"  # pointed on: one lookup, no chain to follow
        assert store.event_redirect("ebbb")["reason"] == "split"
        assert store.event_redirect("e") is None  # a prefix of several old ids decides nothing
        store.save_event_redirects({}, ["eaaa"])  # an id that names an event again is no longer redirected
        assert store.event_redirect("eaaa") is None and store.event_redirect("ebbb")["new_id"] == "eccc"


@pytest.mark.parametrize(("groups", "names", "moved"), [
    ([["a", "b", "c"], ["d"]], ["eA", "eD"], {}),  # unchanged
    ([["a", "b", "c", "x"], ["d", "y"]], ["eA", "eD"], {}),  # each grown by a new report
    ([["a"], ["b", "c"], ["d"]], ["eA", None, "eD"], {}),  # split: the part with the earliest report keeps it
    ([["b", "c"], ["a"], ["d"]], [None, "eA", "eD"], {}),  # ... even when it is the smaller part
    ([["a", "b", "c", "d"], ["x"]], ["eA", None], {"eD": (0, "merged")}),  # merge: the earlier event's id stays
    ([["a", "d"], ["b", "c"]], ["eA", None], {"eD": (0, "merged")}),
    ([["a", "b"], ["c", "d", "e"]], ["eA", "eD"], {"eE": (1, "split")}),  # eE's earliest report went into eD
])
def test_event_redirects_inherit_ids_by_earliest_report(groups, names, moved):
    previous = {"a": "eA", "b": "eA", "c": "eA", "d": "eD", "e": "eE", "f": "eE"}
    order = ["a", "b", "c", "d", "e", "f", "x", "y"]
    if moved.get("eE"):
        groups = [*groups, ["f"]]
        names = [*names, None]
    assert inherit_ids(groups, previous, order) == (names, moved)
