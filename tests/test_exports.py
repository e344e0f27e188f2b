"""Bulk exports (newsdesk.exporters): parquet, gdelt, plover. Each export is read back with pyarrow / csv /
json and compared with the database."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

from newsdesk.exporters import EXPORTERS  # noqa: E402
from newsdesk.exporters.event_records import global_id, iso2_to_fips  # noqa: E402
from newsdesk.exporters.gdelt import COLUMNS  # noqa: E402
from newsdesk.extract import article_id  # noqa: E402
from newsdesk.records import (  # noqa: E402
    Actor,
    AnnotatedArticle,
    Article,
    EventActor,
    EventMention,
    Place,
    Quote,
)

WALKOUT = ("Russian Foreign Minister Sergey Lavrov walked out of the OSCE ministerial meeting in Skopje on "
           "Thursday as Ukraine's foreign minister began to speak.")
SANCTIONS = "The European Union imposed sanctions on 31 Russian officials in Berlin on Monday over deported children."


def coded(text: str, *, url: str, outlet: str, published: str, cameo: str, plover: str, mode: str | None,
          src: EventActor, tgt: EventActor | None, place: Place, day: str) -> AnnotatedArticle:
    art = Article(id=article_id(text), source=url, text=text, paragraphs=tuple(text.split("\n\n")), url=url,
                  outlet=outlet, title=text.split("\n\n")[0][:60], published=published, language="en",
                  media_type="text/html", provenance={"published": "html"})
    first = text.split("\n\n")[0]
    actors = tuple(Actor(s.actor_id, s.name, "person" if s.sector != "IGO" else "igo", s.country, s.sector,
                         kb_id="Q130819" if s.actor_id == "lavrov" else None, mentions=(s.text,))
                   for s in (src, tgt) if s and s.actor_id)
    ev = EventMention(0, len(first), first, "walked out", cameo, plover, mode, 4 if cameo.startswith("16") else 1,
                      -4.0, src, tgt, day, False, place.name, place.country, place.lat, place.lon, 0.8)
    quote = Quote(len(first) + 2, len(first) + 12, "We leave.", "direct", "said", "Lavrov", speaker_id="lavrov",
                  speaker="Sergey Lavrov")
    return AnnotatedArticle(art, actors=actors, quotes=(quote,), places=(place,), events=(ev,))


@pytest.fixture
def coded_store(store):
    """Two outlets report one walkout (clustered into one event), one reports sanctions; one more coded
    article is stored after clustering, so it belongs to no event."""
    from newsdesk.cluster import recluster

    lavrov = EventActor("Sergey Lavrov", "Sergey Lavrov", "lavrov", "RUS", "GOV")
    osce = EventActor("OSCE", "OSCE", "osce", "IGOOSC", "IGO")
    skopje = Place("Skopje", "MK", 41.99, 21.43, 785842, "city", ((60, 66),), ("Skopje",))
    berlin = Place("Berlin", "DE", 52.52, 13.40, 2950159, "city", ((50, 56),), ("Berlin",))
    for text, url, outlet, pub in (
        (WALKOUT + "\n\nDelegates said the walkout in Skopje ended the session.", "https://a.example/1",
         "Meridian Post", "2023-11-30T12:00:00Z"),
        (WALKOUT.replace("walked out of", "left") + "\n\nThe Skopje meeting was the last of the year.",
         "https://b.example/2", "Eastbridge Herald", "2023-11-30T15:00:00Z"),
    ):
        store.add_article(*_ann(coded(text, url=url, outlet=outlet, published=pub, cameo="161", plover="SANCTION",
                                      mode="relations", src=lavrov, tgt=osce, place=skopje, day="2023-11-30")))
    eu = EventActor("The European Union", "European Union", "eu", "IGOEUREEC", "IGO")
    store.add_article(*_ann(coded(SANCTIONS, url="https://c.example/3", outlet="Harbour Times",
                                  published="2023-05-22T09:00:00Z", cameo="163", plover="SANCTION", mode=None,
                                  src=eu, tgt=EventActor("31 Russian officials", country="RUS", sector="GOV"),
                                  place=berlin, day="2023-05-22")))
    recluster(store)
    late = "Poland summoned the Russian ambassador in Warsaw on Friday over a rail cyberattack."
    store.add_article(*_ann(coded(late, url="https://d.example/4", outlet="Capital Ledger",
                                  published="2023-12-01T08:00:00Z", cameo="0251", plover="REQUEST", mode="retreat",
                                  src=EventActor("Poland", "Poland", None, "POL", "GOV"), tgt=None,
                                  place=Place("Warsaw", "PL", 52.23, 21.01, 756135, "city", ((40, 46),),
                                              ("Warsaw",)), day="2023-12-01")))
    return store


def _ann(ann: AnnotatedArticle):
    return ann.article, ann, "1"


def test_exports_registered_names():
    assert set(EXPORTERS) == {"parquet", "gdelt", "plover"}


def test_exports_parquet_round_trip(coded_store, tmp_path):
    n = EXPORTERS["parquet"](coded_store, tmp_path / "pq")
    assert n == 4
    tables = {p.stem: pq.read_table(p) for p in (tmp_path / "pq").glob("*.parquet")}
    assert set(tables) == {"articles", "sources", "actors", "mentions", "quotes", "places", "timexes",
                           "event_mentions", "events"}
    arts = {r["id"]: r for r in tables["articles"].to_pylist()}
    for aid in coded_store.article_ids_in_time_order():
        a = coded_store.get_article(aid)
        row = arts[aid]
        assert (row["text"], row["published"], row["event_id"]) == (a["text"], a["published"], a["event_id"])
        assert dict(row["provenance"]) == a["provenance"]
    assert tables["sources"].num_rows == coded_store.counts()["sources"]
    em = tables["event_mentions"]
    assert em.schema.field("cameo").type == pa.string()
    assert sorted(em.column("cameo").to_pylist()) == ["0251", "161", "161", "163"]
    events = tables["events"].to_pylist()
    assert len(events) == len(coded_store.list_clustered_events(limit=100)) == 2
    walkout = next(e for e in events if e["n_articles"] == 2)
    assert walkout["cameo"] == "161" and sorted(walkout["outlets"]) == ["Eastbridge Herald", "Meridian Post"]
    assert tables["places"].to_pylist()[0]["mentions"][0]["text"] in {"Skopje", "Berlin", "Warsaw"}


def read_gdelt(coded_store) -> tuple[list[str], list[dict[str, str]]]:
    buf = io.StringIO()
    n = EXPORTERS["gdelt"](coded_store, buf)
    buf.seek(0)
    reader = csv.reader(buf, delimiter="\t")
    header = next(reader)
    rows = [dict(zip(header, r, strict=True)) for r in reader]
    assert n == len(rows)
    return header, rows


def test_exports_gdelt_columns_and_rows(coded_store):
    header, rows = read_gdelt(coded_store)
    assert tuple(header) == COLUMNS and len(header) == 61
    assert len(rows) == 3  # two clustered events + one mention of an article in no event
    walkout = next(r for r in rows if r["NumArticles"] == "2")
    eid = next(e["id"] for e in coded_store.list_clustered_events(limit=10) if e["n_articles"] == 2)
    assert walkout["GlobalEventID"] == str(global_id(eid)) == str(int(eid[1:16], 16))
    assert (walkout["Day"], walkout["MonthYear"], walkout["Year"]) == ("20231130", "202311", "2023")
    assert walkout["FractionDate"] == str(round(2023 + (11 * 30 + 30) / 365, 4))
    assert (walkout["Actor1Code"], walkout["Actor1CountryCode"], walkout["Actor1Type1Code"]) == ("RUSGOV", "RUS", "GOV")
    assert (walkout["Actor2Code"], walkout["Actor2KnownGroupCode"], walkout["Actor2Type1Code"]) == ("IGOOSC", "OSC", "IGO")
    assert (walkout["EventCode"], walkout["EventBaseCode"], walkout["EventRootCode"]) == ("161", "161", "16")
    assert (walkout["QuadClass"], walkout["GoldsteinScale"]) == ("4", "-4.0")
    assert (walkout["NumMentions"], walkout["NumSources"], walkout["IsRootEvent"]) == ("2", "2", "1")
    assert walkout["ActionGeo_CountryCode"] == "MK" and walkout["ActionGeo_Type"] == "4"
    assert walkout["ActionGeo_FullName"].startswith("Skopje, ") and walkout["ActionGeo_Lat"] == "41.99"
    assert walkout["SOURCEURL"] == "https://a.example/1" and re.fullmatch(r"\d{14}", walkout["DATEADDED"])
    assert walkout["AvgTone"] == "" and walkout["Actor1Geo_Type"] == ""
    sanctions = next(r for r in rows if r["EventCode"] == "163")
    assert sanctions["ActionGeo_CountryCode"] == "GM"  # FIPS 10-4 for Germany, not ISO "DE"
    mention = next(r for r in rows if r["EventCode"] == "0251")  # the leading zero is kept
    assert (mention["EventRootCode"], mention["NumArticles"], mention["ActionGeo_CountryCode"]) == ("02", "1", "PL")
    assert mention["Actor2Code"] == "" and mention["Actor1Code"] == "POLGOV"


def test_exports_gdelt_columns_match_conventions(shared):
    conv = (shared / "CONVENTIONS.md").read_text(encoding="utf-8")
    block = re.search(r"In order: (.*?)\n- GDELT's geo", conv, re.S).group(1)
    names = [re.sub(r"\s+", " ", n) for n in re.findall(r"`([^`]+)`", block, re.S)]
    expected = [*names[0].split(", ")]
    actor = names[1].split(", ")
    expected += [f"Actor1{c}" for c in actor] + [f"Actor2{c}" for c in actor] + names[2].split(", ")
    geo = names[3].split(", ")
    expected += [f"{g}_{c}" for g in ("Actor1Geo", "Actor2Geo", "ActionGeo") for c in geo] + names[4].split(", ")
    assert tuple(expected) == COLUMNS


def test_exports_plover_records(coded_store):
    buf = io.StringIO()
    n = EXPORTERS["plover"](coded_store, buf)
    recs = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert n == len(recs) == 3
    for r in recs:
        assert {"id", "date", "actor", "event"} <= set(r) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"])
        assert r["coder"].startswith("newsdesk-") and r["quad_code"] in (1, 2, 3, 4)
    walkout = next(r for r in recs if r["event"] == "SANCTION" and r["mode"] == "relations")
    assert walkout["actor"] == {"code": "RUS", "sector": "GOV", "entity_text": "Sergey Lavrov",
                                "identifier_id": "Q130819", "identifier_text": "Sergey Lavrov", "office": None}
    assert walkout["recipient"]["code"] == "IGOOSC" and walkout["event_loc"]["country"] == "MK"
    assert walkout["link"] == "https://a.example/1" and walkout["id"].startswith("e")
    db = {e["id"]: e for e in coded_store.list_clustered_events(limit=10)}
    assert db[walkout["id"]]["n_articles"] == 2 and walkout["date"] == "2023-11-30"
    request = next(r for r in recs if r["event"] == "REQUEST")
    assert request["recipient"] is None and request["quad_code"] == 1


def test_exports_fips_table_is_complete_and_unique():
    import pycountry

    table = iso2_to_fips()
    assert len(set(table.values())) == len(table)
    assert all(pycountry.countries.get(alpha_2=k) for k in table if k != "XK")
    for iso, fips in (("DE", "GM"), ("GB", "UK"), ("RU", "RS"), ("UA", "UP"), ("CN", "CH"), ("US", "US")):
        assert table[iso] == fips


def test_exports_parquet_needs_a_directory(coded_store):
    from newsdesk.errors import NewsdeskError

    with pytest.raises(NewsdeskError, match="--out DIR"):
        EXPORTERS["parquet"](coded_store, io.StringIO())
