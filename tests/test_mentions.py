"""Mentions of other happenings: a report's dated mention of an earlier happening is linked to that happening's
event, whichever of the two arrives first; undated or same-day mentions, and asides sharing no distinctive
word with the event, are not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsdesk.cluster.features import normalise, term_vector
from newsdesk.cluster.mentions import date_span, mention_links, other_happenings

SAMPLES = Path(__file__).resolve().parents[1] / "newsdesk" / "samples"


def article(published: str, mentions: list[tuple[str, str | None, bool]]) -> dict:
    """A stored-article dict with coded mentions given as (sentence, date, date_inferred)."""
    return {"id": "a1", "title": "Ministers walk out in Valletta", "text": "Ministers walked out in Valletta.",
            "published": published, "updated": None, "removed": [], "actors": [], "places": [],
            "events": [{"sentence": s, "date": d, "date_inferred": inferred, "cameo": "140", "start": i}
                       for i, (s, d, inferred) in enumerate(mentions)]}


class FakeStore:
    def __init__(self, events: list[dict]) -> None:
        self.events = events
        self.asked: list[tuple[str, str]] = []

    def events_between(self, lo: str, hi: str) -> list[dict]:
        self.asked.append((lo, hi))
        return [e for e in self.events if e["date_min"] <= hi and e["date_max"] >= lo]


def test_mention_date_spans():
    assert date_span("2023-11-30") == (date(2023, 11, 30), date(2023, 11, 30))
    assert date_span("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_span("2023-W48") is None and date_span("2023") is None and date_span(None) is None
    assert date_span("2023-13") is None


def test_other_happenings_are_mentions_dated_away_from_the_report():
    a = article("2024-02-21T10:00", [
        ("The ministers left the hall on Wednesday.", "2024-02-21", False),  # the report's own happening
        ("They had walked out of the Skopje meeting in November.", "2023-11", False),
        ("It was the second walkout.", "2023-11-30", True),  # a date the coder inferred: says nothing
        ("The meeting opened the day before.", "2024-02-20", False),  # the day before: the same happening
    ])
    assert [pos for pos, _, _ in other_happenings(a)] == [1]
    assert other_happenings({**a, "published": None, "events": []}) == []


def test_mention_links_need_the_date_a_distinctive_word_and_similar_words():
    skopje = {"id": "e-skopje", "date_min": "2023-11-30", "date_max": "2023-12-01",
              "terms": term_vector("Delegates walked out of the OSCE ministerial council in Skopje as Lavrov "
                                   "spoke; Baerbock led the walkout in Skopje.", name_boost=3.0)}
    rio = {"id": "e-rio", "date_min": "2024-02-21", "date_max": "2024-02-21",
           "terms": term_vector("Baerbock walked out of the G20 meeting in Rio as Lavrov spoke.", name_boost=3.0)}
    store = FakeStore([skopje, rio])
    a = article("2024-02-21T10:00", [
        ("Ms Baerbock recalled Skopje, where in November she led delegates out of the OSCE meeting.",
         "2023-11", False),
        ("In November ministers also spoke of a walkout at the meeting.", "2023-11", False),  # no rare word
        ("Ms Baerbock recalled the OSCE walkout in Skopje in October.", "2023-10", False),  # no event then
    ])
    ((pos, event_id, score),) = mention_links(store, a, own_event="e-rio")
    assert (pos, event_id) == (0, "e-skopje") and score >= 0.2
    assert store.asked[0] == ("2023-11-01", "2023-12-02")  # the month, and two days for late reports
    # the report's own event is never a recalled one
    assert mention_links(FakeStore([{**skopje, "id": "e-own"}]), a, own_event="e-own") == []
    assert normalise(skopje["terms"]) == skopje["terms"]


@pytest.fixture(scope="module")
def sequel_first(tmp_path_factory):
    """The sequel comes in first, when the Skopje event is not stored yet; the Skopje reports come in a second
    run. Yields the database path, the sequel's export record after each run, and the Skopje event id."""
    from newsdesk.pipeline import ingest_paths
    from newsdesk.store import open_store

    db = str(tmp_path_factory.mktemp("recall") / "n.db")
    with open_store(db) as store:
        ingest_paths([str(SAMPLES / "meridian-post-g20-rio-lavrov-walkout.html")], store, workers=1)
        (before,) = list(store.iter_export())
        ingest_paths([str(SAMPLES / "meridian-post-osce-skopje-walkout.txt"),
                      str(SAMPLES / "eastbridge-herald-baerbock-leads-walkout-skopje.html")], store, workers=1)
        recs = {r["id"]: r for r in store.iter_export()}
    skopje = {r["event_id"] for aid, r in recs.items() if aid != before["id"]}
    assert len(skopje) == 1
    return db, before, recs[before["id"]], skopje.pop()


@pytest.mark.slow
def test_recalled_event_arriving_later_is_linked_when_its_reports_are_settled(sequel_first):
    from newsdesk.store import open_store

    db, before, after, skopje = sequel_first
    assert before["event_ids"] == [before["event_id"]]
    assert after["event_ids"] == [after["event_id"], skopje]
    with open_store(db) as store:
        (recalled,) = store.event_mentioned_in(skopje)
    assert recalled["article_id"] == after["id"] and "Skopje" in recalled["sentence"]


@pytest.mark.slow
def test_recalled_in_event_record_of_cli_api_and_events_export(sequel_first):
    import json
    import subprocess
    import sys

    from fastapi.testclient import TestClient

    from newsdesk.api import create_app

    db, _, after, skopje = sequel_first
    cli = subprocess.run([sys.executable, "-m", "newsdesk", "event", skopje[:8], "--db", db, "--json"],
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    assert [m["article_id"] for m in json.loads(cli.stdout)["mentioned_in"]] == [after["id"]]
    text = subprocess.run([sys.executable, "-m", "newsdesk", "event", skopje, "--db", db],
                          capture_output=True, text=True, timeout=120).stdout
    assert "Recalled in reports of other events (1)" in text
    with TestClient(create_app(db, None), raise_server_exceptions=False) as client:
        rec = client.get(f"/api/v1/events/{skopje}").json()["rows"][0]
        assert rec["mentioned_in"][0]["article_id"] == after["id"]
        assert "Recalled later" in client.get(f"/events/{skopje}").text
    out = subprocess.run([sys.executable, "-m", "newsdesk", "export", "--format", "events-jsonl", "--db", db],
                         capture_output=True, text=True, timeout=120).stdout
    records = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert [m["article_id"] for m in records[skopje]["mentioned_in"]] == [after["id"]]
    assert records[after["event_id"]]["mentioned_in"] == []


@pytest.mark.slow
def test_api_ingest_settles_and_links_the_recalled_event(tmp_path):
    """A report posted to the API after the event it recalls lists that event in its event_ids."""
    from fastapi.testclient import TestClient

    from newsdesk.api import create_app

    auth = {"Authorization": "Bearer t0ken"}
    with TestClient(create_app(str(tmp_path / "api.db"), "t0ken"), raise_server_exceptions=False) as client:
        for name in ("meridian-post-osce-skopje-walkout.txt", "eastbridge-herald-baerbock-leads-walkout-skopje.html",
                     "meridian-post-g20-rio-lavrov-walkout.html"):
            kind = "html" if name.endswith(".html") else "text"
            r = client.post("/api/v1/articles", headers=auth,
                            json={kind: (SAMPLES / name).read_text(encoding="utf-8"), "outlet": name.split("-")[0]})
            assert r.status_code == 201, r.text
        rio = r.json()["rows"][0]
        skopje = [e for e in client.get("/api/v1/events").json()["rows"] if e["n_articles"] == 2]
        assert len(skopje) == 1
        assert client.get(f"/api/v1/articles/{rio['id']}").json()["rows"][0]["event_ids"] == \
            [rio["event_id"], skopje[0]["id"]]
