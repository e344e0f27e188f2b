"""The bundled samples (written for the project) form the events and stories they were designed to form."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

from newsdesk.pipeline import ingest_paths

SAMPLES = Path(__file__).resolve().parents[1] / "newsdesk" / "samples"
TRUTH = json.loads((SAMPLES / "events.json").read_text())


def key_of(rec: dict) -> str:
    """events.json keys files by name and records by their id."""
    if rec["external_id"] and rec["external_id"] in TRUTH["articles"]:
        return rec["external_id"]
    return os.path.basename(rec["source"])


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from newsdesk.store import open_store

    store = open_store(str(tmp_path_factory.mktemp("samples") / "s.db"))
    report = ingest_paths([str(SAMPLES)], store, annotate=False)
    assert not report.failed, [str(e) for e in report.failed]
    yield {key_of(r): r for r in store.iter_export()}, report
    store.close()


def test_samples_every_article_ingested_with_metadata(exported):
    recs, _ = exported
    assert set(TRUTH["articles"]) <= set(recs)
    for key, truth in TRUTH["articles"].items():
        rec = recs[key]
        assert rec["published"] and rec["published"][:10] == truth["published"][:10], key
        if truth.get("byline") and truth["format"] in ("txt", "html"):
            assert rec["byline"] == truth["byline"], key


def test_samples_syndicated_copy_stored_once(exported):
    recs, report = exported
    assert report.new_sources >= 1
    for keys in TRUTH["syndicated"]:
        assert len({recs[k]["id"] for k in keys}) == 1


def test_samples_cluster_into_designed_events(exported):
    recs, _ = exported
    by_event = defaultdict(set)
    for key, truth in TRUTH["articles"].items():
        by_event[truth["event"]].add(recs[key]["event_id"])
    for event, ids in by_event.items():
        assert len(ids) == 1, f"{event} split into {ids}"
    assert len({next(iter(ids)) for ids in by_event.values()}) == len(by_event), "two events merged"


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    from newsdesk.store import open_store

    store = open_store(str(tmp_path_factory.mktemp("annotated") / "a.db"))
    ingest_paths([str(SAMPLES)], store, workers=1)
    yield store, {key_of(r): r for r in store.iter_export()}
    store.close()


@pytest.mark.slow
def test_samples_recalled_happenings_link_to_their_events(annotated):
    """The sequel's dated mention of Skopje is linked to the Skopje event, and nothing else is linked."""
    store, recs = annotated
    event_of = {truth["event"]: recs[key]["event_id"] for key, truth in TRUTH["articles"].items()}
    for key in TRUTH["articles"]:
        recalled = [event_of[e] for e in TRUTH["recalls"].get(key, [])]
        assert recs[key]["event_ids"] == [recs[key]["event_id"], *recalled], key
    for key, events in TRUTH["recalls"].items():
        for e in events:
            assert recs[key]["id"] in {m["article_id"] for m in store.event_mentioned_in(event_of[e])}


@pytest.mark.slow
def test_samples_storylines_link_sequel_only(annotated):
    """With annotation (shared people), the walkout and its sequel share a story; other events do not."""
    store, recs = annotated
    story = {}
    for key, truth in TRUTH["articles"].items():
        story.setdefault(truth["event"], set()).update(recs[key]["story_ids"])
    for a, b in TRUTH["storylines"]:
        assert story[a] == story[b], (a, b, story)
    others = [e for e in story if not any(e in pair for pair in TRUTH["storylines"])]
    for e in others:
        assert all(not (story[e] & story[x]) for x in story if x != e), (e, story)
