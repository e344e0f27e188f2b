"""Optional sentence embeddings in the complete-link step: a clear error without the extra; with it, unit
vectors of the leads, a similarity moved by their cosine, and `--embeddings` on ingest and recluster keeping
the samples' designed events."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsdesk.cluster import embed
from newsdesk.cluster.features import Features, normalise
from newsdesk.cluster.linkage import LinkConfig, similarity
from newsdesk.errors import NewsdeskError

SAMPLES = Path(__file__).resolve().parents[1] / "newsdesk" / "samples"
needs_extra = pytest.mark.skipif(not embed.available(), reason="the embeddings extra is not installed "
                                 "(pip install torch==2.13.0 'newsdesk[embeddings]')")


def test_embeddings_without_the_extra_is_a_one_line_error(monkeypatch, tmp_path):
    monkeypatch.setattr(embed, "available", lambda: False)
    with pytest.raises(NewsdeskError, match="pip install 'newsdesk\\[embeddings\\]'"):
        embed.require()
    db = str(tmp_path / "n.db")
    hide = "import sys; from newsdesk.cluster import embed; embed.available = lambda: False; from newsdesk.cli " \
           "import main; sys.argv = ['newsdesk', *sys.argv[1:]]; main()"
    for args in (["recluster", "--embeddings"], ["ingest", str(SAMPLES / "feed.xml"), "--embeddings"]):
        r = subprocess.run([sys.executable, "-c", hide, *args, "--db", db], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 1 and "newsdesk[embeddings]" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_similarity_moves_by_the_embeddings_cosine_only_when_both_have_one():
    base = Features(vector=normalise({"quake": 1.0, "tarvik": 1.0}), years=frozenset(), date=None,
                    actors=frozenset(), places=frozenset())
    cfg = LinkConfig()
    a, b = dataclasses.replace(base, embedding=np.array([1.0, 0.0])), dataclasses.replace(base,
                                                                                          embedding=np.array([0.6, 0.8]))
    assert similarity(base, base, cfg) == pytest.approx(1.0)
    assert similarity(a, base, cfg) == pytest.approx(1.0)  # one side without: term vectors alone
    assert similarity(a, b, cfg) == pytest.approx(1.0 + cfg.embedding_weight * (0.6 - cfg.embedding_floor))


def test_lead_is_title_and_first_lines():
    art = {"id": "x", "title": "Quake hits Tarvik", "text": "Quake hits Tarvik\nA strong quake hit Tarvik.\n\nTwo "
                                                         "died.\nRoads closed.\nSchools shut."}
    assert embed.lead(art) == "Quake hits Tarvik A strong quake hit Tarvik. Two died. Roads closed."


@needs_extra
@pytest.mark.slow
def test_embeddings_of_leads_are_unit_vectors_closer_for_the_same_happening():
    arts = [{"id": "a", "title": "Earthquake kills 12 in Tarvik", "text": "A strong earthquake struck Tarvik."},
            {"id": "b", "title": "Tarvik quake death toll rises to 12", "text": "Rescuers searched the rubble."},
            {"id": "c", "title": "Central bank raises interest rates", "text": "Borrowing costs rose again."}]
    va, vb, vc = embed.embed_articles(arts)
    assert all(abs(np.linalg.norm(v) - 1) < 1e-4 for v in (va, vb, vc))
    assert float(va @ vb) > float(va @ vc) + 0.2
    assert embed.embed_articles(arts[:1])[0] is va  # cached by article id


@needs_extra
@pytest.mark.slow
def test_ingest_and_recluster_with_embeddings_keep_the_designed_events(tmp_path):
    db = str(tmp_path / "n.db")

    def run(*args: str) -> str:
        r = subprocess.run([sys.executable, "-m", "newsdesk", *args, "--db", db], capture_output=True, text=True,
                           timeout=600)
        assert r.returncode == 0, r.stderr
        return r.stdout

    truth = json.loads((SAMPLES / "events.json").read_text())
    run("ingest", str(SAMPLES), "--no-annotate", "--embeddings")
    for step in ("ingest", "recluster"):
        if step == "recluster":
            assert json.loads(run("recluster", "--embeddings", "--json"))["events"] == len(truth["events"])
        recs = [json.loads(x) for x in run("export", "--format", "jsonl").splitlines()]
        assert len({r["event_id"] for r in recs}) == len(truth["events"]), step
