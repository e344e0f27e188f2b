"""One consolidated record everywhere (issue 16, item 6): an event's type, source, target, date and place are
decided from its reports' main event mentions (cluster/consolidate.py), kept on the event row by the store,
and shown alike by the CLI, the API and every event export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from newsdesk.cluster.consolidate import ballot, consolidate, decide
from newsdesk.extract import article_id
from newsdesk.records import AnnotatedArticle, Article, EventActor, EventMention

SAMPLES = Path(__file__).resolve().parents[1] / "newsdesk" / "samples"


def mention(start: int, trigger: str, cameo: str, plover: str, source: str | None, target: str | None = None, *,
            date: str | None = "2024-03-05", inferred: bool = False, place: str | None = "Vienna",
            confidence: float = 0.7) -> dict:
    """An event mention in the shape `Store.get_article` returns."""
    return {"start": start, "end": start + 40, "sentence": f"... {trigger} ...", "trigger": trigger,
            "cameo": cameo, "plover": plover, "source": {"text": source, "name": source} if source else None,
            "target": {"text": target, "name": target} if target else None, "date": date,
            "date_inferred": inferred, "place": {"name": place} if place else None, "confidence": confidence}


def report(aid: str, title: str, published: str, *events: dict, outlet: str | None = None) -> dict:
    return {"id": aid, "title": title, "published": published, "outlet": outlet or f"Outlet {aid}",
            "text": "", "events": list(events)}


# --- how a report's main event is chosen ----------------------------------------------------------------------

def test_consolidated_headline_names_the_main_event():
    """A standfirst's incidental act comes first in the text; the headline says what the report is about."""
    a = report("a", "Union sanctions twelve officials over vote rigging", "2024-03-05T10:00",
               mention(0, "agreed", "030", "AGREE", "ministers"),
               mention(120, "imposed sanctions", "163", "SANCTION", "European Union", "twelve officials"))
    b = ballot(a)
    assert b["root"] == "16" and b["by_root"]["16"]["position"] == 1


def test_consolidated_lead_then_confidence_without_a_headline_match():
    a = report("a", "", "2024-03-05T10:00",
               mention(300, "met", "040", "CONSULT", "Austria", "Hungary", confidence=0.9),
               mention(0, "accused", "112", "ACCUSE", "Austria", "Hungary", confidence=0.5),
               mention(0, "summoned", "114", "ACCUSE", "Austria", "Hungary's ambassador", confidence=0.8))
    b = ballot(a)
    assert b["root"] == "11" and b["by_root"]["11"]["position"] == 2  # first sentence, then most confident


def test_consolidated_recalled_mentions_have_no_vote():
    """A report recalls an earlier walkout in its first sentence: that mention (dated a year away from the
    report) neither types nor places nor dates this event."""
    a = report("a", "", "2024-03-05T10:00",
               mention(0, "walked out", "140", "PROTEST", "Britain", date="2023-02", place="Geneva"),
               mention(90, "expelled", "161", "SANCTION", "Austria", "two diplomats"))
    b = ballot(a)
    assert b["root"] == "16" and set(b["by_root"]) == {"16"}


def test_consolidated_prefers_a_mention_naming_a_source():
    a = report("a", "", "2024-03-05T10:00",
               mention(0, "were expelled", "161", "SANCTION", None, "two diplomats"),
               mention(80, "expelled", "161", "SANCTION", "Austria", "two diplomats"))
    assert ballot(a)["by_root"]["16"] == {"position": 1, "cameo": "161", "plover": "SANCTION", "source": "Austria",
                                          "target": "two diplomats", "date": "2024-03-05", "place": "Vienna"}


def test_consolidated_date_from_the_reports_text_not_an_inferred_one():
    a = report("a", "", "2024-03-06T08:00",
               mention(0, "expelled", "161", "SANCTION", "Austria", inferred=True, date="2024-03-06"),
               mention(80, "expulsion", "161", "SANCTION", "Austria", date="2024-03-05"))
    assert ballot(a)["by_root"]["16"]["date"] == "2024-03-05"


# --- how the reports' ballots are counted ---------------------------------------------------------------------

def test_consolidated_type_first_then_the_fields_of_the_reports_of_that_type():
    """Two reports' main event is the walkout, a third's a condemnation that mentions the walkout in passing
    with another source: the walkout wins, and the third report has no say on its actors."""
    walk = lambda aid, pub, src: report(aid, "Delegates walk out of the summit", pub,  # noqa: E731
                                        mention(0, "walked out", "145", "PROTEST", src, "Sergey Lavrov"))
    third = report("c", "Kyiv condemns Lavrov speech", "2024-03-05T12:00",
                   mention(0, "condemned", "111", "ACCUSE", "Ukraine", "Sergey Lavrov"),
                   mention(50, "walked out", "140", "PROTEST", "Poland", "Sergey Lavrov"))
    rec = decide([ballot(walk("a", "2024-03-05T09:00", "Germany")), ballot(walk("b", "2024-03-05T10:00", "Germany")),
                  ballot(third)])
    assert rec["cameo"]["value"] == "145" and rec["plover"]["value"] == "PROTEST"
    assert rec["source"] == {"value": "Germany", "confidence": 1.0, "disagree": False,
                             "by_source": {"Outlet a": "Germany", "Outlet b": "Germany"}}
    # the other report's own type is shown beside the others and flagged
    assert rec["cameo"]["by_source"]["Outlet c"] == "111" and rec["cameo"]["disagree"]
    assert rec["positions"] == {"a": 0, "b": 0}


def test_consolidated_tie_goes_to_the_earliest_report():
    early = report("z", "", "2024-03-05T09:00", mention(0, "walked out", "145", "PROTEST", "The diplomats"))
    late = report("a", "", "2024-03-05T18:00", mention(0, "walked out", "145", "PROTEST", "Annalena Baerbock"))
    for order in ([early, late], [late, early]):
        assert consolidate("e1", order)["source"]["value"] == "The diplomats"


# --- the store keeps the decided record -----------------------------------------------------------------------

def coded(text: str, cameo: str, plover: str, source: str, published: str) -> AnnotatedArticle:
    art = Article(id=article_id(text), source=f"{published}.txt", text=text, paragraphs=(text,),
                  title=text[:50], published=published, language="en", media_type="text/plain")
    ev = EventMention(0, len(text), text, "walked out", cameo, plover, None, 3, -6.5, EventActor(source, source),
                      EventActor("Sergey Lavrov", "Sergey Lavrov"), published[:10], False, "Skopje")
    return AnnotatedArticle(art, events=(ev,))


def test_consolidated_store_keeps_the_decided_record(any_store):
    store = any_store
    from newsdesk.cluster.rebuild import recluster

    text = "Ministers from twenty countries walked out of the Skopje meeting as Sergey Lavrov spoke on Thursday."
    one = coded(text, "145", "PROTEST", "Ministers", "2023-11-30T10:00")
    two = coded(text.replace("Ministers from", "Diplomats of"), "145", "PROTEST", "Ministers", "2023-11-30T12:00")
    for ann in (one, two):
        store.add_article(ann.article, ann, "1")
    recluster(store)
    (row,) = store.list_clustered_events()
    assert (row["cameo"], row["plover"], row["source"], row["target"], row["date"], row["place"]) == \
        ("145", "PROTEST", "Ministers", "Sergey Lavrov", "2023-11-30", "Skopje")
    # a report coded anew (`newsdesk annotate`) is counted anew: a tie now, which the earliest report decides
    store.save_annotation(coded(text, "140", "PROTEST", "Diplomats", "2023-11-30T10:00"), "2")
    (row,) = store.list_clustered_events()
    assert (row["cameo"], row["source"]) == ("140", "Diplomats")
    eid, articles = store.event_articles(row["id"])
    assert consolidate(eid, articles)["cameo"]["value"] == "140"
    # an event stored before records were kept (a migrated database) is decided from its reports when read
    with store.transaction() as c:
        c.execute("UPDATE events SET cameo = NULL, plover = NULL, record = NULL")
        c.execute("UPDATE event_articles SET ballot = NULL")
    (row,) = store.list_clustered_events()
    assert (row["cameo"], row["source"]) == ("140", "Diplomats")


def test_consolidated_every_single_event_view_shows_the_stores_record(tmp_path):
    """`newsdesk event ID --json`, `/api/v1/events/ID` (less its reports) and the web page show the store's
    one consolidated record (`Store.consolidated_event`), found by a unique id prefix alike."""
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from newsdesk.api import create_app
    from newsdesk.cli import app
    from newsdesk.cluster.rebuild import recluster
    from newsdesk.store import open_store

    db = str(tmp_path / "one.db")
    text = "Ministers from twenty countries walked out of the Skopje meeting as Sergey Lavrov spoke on Thursday."
    with open_store(db) as store:
        for ann in (coded(text, "145", "PROTEST", "Ministers", "2023-11-30T10:00"),
                    coded(text.replace("Ministers from", "Diplomats of"), "140", "PROTEST", "Diplomats",
                          "2023-11-30T12:00")):
            store.add_article(ann.article, ann, "1")
        recluster(store)
        (row,) = store.list_clustered_events()
        want = store.consolidated_event(row["id"]).to_dict(story=False)
        rec, reports = store.event_with_reports(row["id"][:9])
    assert rec.to_dict(story=False) == want and len(reports) == want["n_articles"] == 2
    assert want["cameo"]["disagree"] and want["cameo"]["value"] == "145"  # the earliest report breaks the tie
    r = CliRunner().invoke(app, ["event", row["id"][:9], "--db", db, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == want
    with TestClient(create_app(db)) as client:
        detail = client.get(f"/api/v1/events/{row['id'][:9]}").json()["rows"][0]
        page = client.get(f"/events/{row['id']}").text
    assert [a["article_id"] for a in detail.pop("reports")] == [a["id"] for a in reports]
    assert detail == want
    assert "Ministers" in page and "Diplomats" in page and "145" in page


# --- the bundled samples: one record in every view ------------------------------------------------------------

@pytest.mark.slow
def test_consolidated_samples_same_record_everywhere(tmp_path):
    """Every event of the bundled samples has the same CAMEO code, PLOVER type, source and target in `events
    --json`, `event ID --json`, the API listing and detail, the events-jsonl export, the GDELT export and the
    PLOVER export."""
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from newsdesk.api import create_app
    from newsdesk.cli import app
    from newsdesk.code.ontology import cameo as cameo_entry
    from newsdesk.export import EXPORTERS
    from newsdesk.exporters.event_records import global_id
    from newsdesk.exporters.gdelt import COLUMNS
    from newsdesk.store import open_store

    db = str(tmp_path / "samples.db")
    runner = CliRunner()

    def cli(*args: str):
        r = runner.invoke(app, [*args, "--db", db, "--json"], prog_name="newsdesk")
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    assert cli("demo")["failed"] == 0
    listing = {r["id"]: r for r in cli("events", "--limit", "1000")}
    assert len(listing) >= 5
    fields = ("cameo", "plover", "source", "target")
    want = {eid: tuple(r[k] for k in fields) for eid, r in listing.items()}
    assert all(w[0] for w in want.values())

    views: dict[str, dict[str, tuple]] = {"event ID": {}, "API listing": {}, "API detail": {}}
    for eid in listing:
        rec = cli("event", eid)
        views["event ID"][eid] = tuple(rec[k]["value"] for k in fields)
    with TestClient(create_app(db)) as client:
        rows = client.get("/api/v1/events", params={"_size": 1000}).json()["rows"]
        views["API listing"] = {r["id"]: tuple(r[k] for k in fields) for r in rows}
        for eid in listing:
            rec = client.get(f"/api/v1/events/{eid}").json()["rows"][0]
            views["API detail"][eid] = tuple(rec[k]["value"] for k in fields)

    store = open_store(db, create=False)
    try:
        out = io.StringIO()
        EXPORTERS["events-jsonl"](store, out)
        views["events-jsonl"] = {r["id"]: tuple(r[k]["value"] for k in fields)
                                 for r in map(json.loads, out.getvalue().splitlines())}
        out = io.StringIO()
        EXPORTERS["gdelt"](store, out)
        by_gid = {str(global_id(eid)): eid for eid in listing}
        gdelt = [dict(zip(COLUMNS, row, strict=True)) for row in csv.reader(io.StringIO(out.getvalue()),
                                                                           delimiter="\t")]
        views["gdelt"] = {by_gid[g["GlobalEventID"]]: (g["EventCode"], want[by_gid[g["GlobalEventID"]]][1],
                                                       g["Actor1Name"] or None, g["Actor2Name"] or None)
                          for g in gdelt if g["GlobalEventID"] in by_gid}
        out = io.StringIO()
        EXPORTERS["plover"](store, out, report=lambda _: None)
        plover = [json.loads(line) for line in out.getvalue().splitlines()]

        def name(entity):
            return (entity["identifier_text"] or entity["entity_text"] or None) if entity else None

        views["plover"] = {p["id"]: (p["comment"].split(";")[0].removeprefix("CAMEO "), p["event"],
                                     name(p["actor"]), name(p["recipient"])) for p in plover if p["id"] in listing}
        for g in gdelt:  # the Goldstein scale is the decided code's, not another mention's
            if g["GlobalEventID"] in by_gid:
                assert float(g["GoldsteinScale"]) == cameo_entry(g["EventCode"]).goldstein
    finally:
        store.close()
    for view, got in views.items():
        expected = want if view != "plover" else {e: w for e, w in want.items() if w[2]}  # PLOVER needs a source
        assert got == expected, view
