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
    return _fill(store)


@pytest.fixture
def coded_any_store(any_store):
    return _fill(any_store)


def _fill(store):
    """Two outlets report one walkout (clustered into one event), one reports sanctions; one more coded
    article is stored after clustering, so it belongs to no event."""
    from newsdesk.cluster.rebuild import recluster

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
    from newsdesk.exporters import formats

    assert [f.name for f in formats()][:7] == ["jsonl", "csv", "event-mentions-csv", "events-jsonl", "gdelt",
                                                "plover", "parquet"]
    assert [f.name for f in formats() if f.directory] == ["parquet"]
    assert "events-csv" in EXPORTERS and EXPORTERS["events-csv"] is EXPORTERS["event-mentions-csv"]


def test_exports_builtins_register_like_a_plugin(monkeypatch):
    """The built-ins come through `register_builtins(register, deprecated_alias)`, the hook a plugin's entry
    point provides: the same calls on an empty registry give the same formats."""
    import newsdesk.exporters as reg
    from newsdesk.exporters.builtin import register_builtins

    before = {f.name: f for f in reg.formats()}
    monkeypatch.setattr(reg, "_FORMATS", {})
    monkeypatch.setattr(reg, "_ALIASES", {})
    register_builtins(reg.register, reg.deprecated_alias)
    assert {f.name: f for f in reg.formats()} == before


def test_exports_user_format_through_the_cli(coded_store, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import newsdesk.exporters as reg
    from newsdesk.cli import app
    from newsdesk.errors import NewsdeskError

    monkeypatch.setattr(reg, "_FORMATS", dict(reg._registry()))

    def ids(store, out):
        n = 0
        for aid in store.article_ids_in_time_order():
            out.write(aid + "\n")
            n += 1
        return n

    reg.register("ids", ids, help="article ids")
    with pytest.raises(NewsdeskError, match="registered already"):
        reg.register("ids", ids)
    with pytest.raises(NewsdeskError, match="lower-case"):
        reg.register("My Format", ids)
    r = CliRunner().invoke(app, ["export", "--format", "ids", "--db", str(tmp_path / "test.db")])
    assert r.exit_code == 0, r.output
    assert r.stdout.split() == list(coded_store.article_ids_in_time_order())


def test_exports_old_events_csv_name_warns(coded_store, tmp_path):
    from typer.testing import CliRunner

    from newsdesk.cli import app

    db = str(tmp_path / "test.db")
    old = CliRunner().invoke(app, ["export", "--format", "events-csv", "--db", db])
    new = CliRunner().invoke(app, ["export", "--format", "event-mentions-csv", "--db", db])
    assert old.exit_code == new.exit_code == 0 and old.stdout == new.stdout and "GlobalEventID" in new.stdout
    assert "events-csv is deprecated" in old.stderr and "deprecated" not in new.stderr


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
    n = EXPORTERS["gdelt"](coded_store, buf, header=True)
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
    # the coder's SANCTION mode "relations" (CAMEO 161, reduce relations) is the manual's "withdraw"
    walkout = next(r for r in recs if r["event"] == "SANCTION" and r["mode"] == "withdraw")
    assert walkout["actor"] == {"code": "RUS", "sector": "GOV", "entity_text": "Sergey Lavrov",
                                "identifier_id": "Q130819", "identifier_text": "Sergey Lavrov", "office": None}
    # an IGO's code is IGO (3 letters, as the manual's actor codes), the organisation its identifier
    assert walkout["recipient"] == {"code": "IGO", "sector": None, "entity_text": "OSCE", "identifier_id": None,
                                    "identifier_text": "OSCE", "office": None}
    assert walkout["event_loc"] == {"geonameid": 785842, "name": "Skopje", "latitude": 41.99, "longitude": 21.43,
                                    "feature class": "P", "country code": "MK", "cc3": "MKD"}
    assert walkout["cite_info"]["url"] == "https://a.example/1" and walkout["id"].startswith("e")
    db = {e["id"]: e for e in coded_store.list_clustered_events(limit=10)}
    assert db[walkout["id"]]["n_articles"] == 2 and walkout["date"] == "2023-11-30"
    assert walkout["link"] == db[walkout["id"]]["story_id"]  # the manual's link: shared by related events
    request = next(r for r in recs if r["event"] == "REQUEST")
    # REQUEST (the manual's DEMAND) is verbal conflict; the coder's "retreat" request is the manual's "yield"
    assert request["recipient"] is None and request["quad_code"] == 3 and request["mode"] == "yield"


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


# --- issue 15, item 6: exports match their specs and their docs ------------------------------------------

STATEMENT = "The Kremlin said on Tuesday that the talks in Geneva had been useful."
WEEKEND = "Hackers attacked the Polish railway's ticketing system over the weekend, officials in Warsaw said."


@pytest.fixture
def mixed_store(store):
    """A walkout whose earlier report names no source actor (the later one does, with no recipient), clustered
    into one event; then, in no event, a public statement (CAMEO 01, which PLOVER does not code) and an event
    dated by a weekend ("2025-W14-WE")."""
    from newsdesk.cluster.rebuild import recluster

    lavrov = EventActor("Sergey Lavrov", "Sergey Lavrov", "lavrov", "RUS", "GOV")
    osce = EventActor("OSCE", "OSCE", "osce", "IGOOSC", "IGO")
    skopje = Place("Skopje", "MK", 41.99, 21.43, 785842, "city", ((60, 66),), ("Skopje",))
    for text, url, pub, src, tgt in (
        (WALKOUT + "\n\nDelegates said the walkout in Skopje ended the session.", "https://a.example/1",
         "2023-11-30T12:00:00Z", None, osce),
        (WALKOUT.replace("walked out of", "left") + "\n\nThe Skopje meeting was the last of the year.",
         "https://b.example/2", "2023-11-30T15:00:00Z", lavrov, None),
    ):
        store.add_article(*_ann(coded(text, url=url, outlet=url[8:17], published=pub, cameo="140", plover="PROTEST",
                                      mode="other", src=src, tgt=tgt, place=skopje, day="2023-11-30")))
    recluster(store)
    warsaw = Place("Warsaw", "PL", 52.23, 21.01, 756135, "city", ((80, 86),), ("Warsaw",))
    store.add_article(*_ann(coded(STATEMENT, url="https://c.example/3", outlet="Harbour Times",
                                  published="2025-04-08T09:00:00Z", cameo="010", plover="", mode=None,
                                  src=EventActor("The Kremlin", "Kremlin", None, "RUS", "GOV"), tgt=None,
                                  place=warsaw, day="2025-04-08")))
    store.add_article(*_ann(coded(WEEKEND, url="https://d.example/4", outlet="Capital Ledger",
                                  published="2025-04-08T10:00:00Z", cameo="1831", plover="ASSAULT",
                                  mode="bombing", src=EventActor("Hackers", country="RUS", sector="UAF"),
                                  tgt=EventActor("the Polish railway", country="POL", sector="BUS"),
                                  place=warsaw, day="2025-W14-WE")))
    return store


def test_exports_plover_writes_every_event_and_reports_what_it_cannot(mixed_store, capsys):
    """The walkout's earliest report names no source: the record is taken from the report that does, not
    dropped. The public statement cannot be a PLOVER event: it is counted on standard error."""
    buf = io.StringIO()
    n = EXPORTERS["plover"](mixed_store, buf)
    recs = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert n == len(recs) == 2
    walkout = next(r for r in recs if r["id"].startswith("e"))
    assert walkout["actor"]["identifier_text"] == "Sergey Lavrov" and walkout["event"] == "PROTEST"
    assert walkout["mode"] is None  # the coder's "other" is not one of the manual's PROTEST modes
    err = capsys.readouterr().err
    assert re.search(r"plover: 1 event record\(s\) not written \(no PLOVER type .*: 1\)", err), err
    got = []
    EXPORTERS["plover"](mixed_store, io.StringIO(), report=got.append)
    assert len(got) == 1 and "1 event record(s)" in got[0] and not capsys.readouterr().err


def test_exports_plover_coarse_date_is_a_span(mixed_store):
    recs = [json.loads(line) for line in _plover_lines(mixed_store)]
    attack = next(r for r in recs if r["event"] == "ASSAULT")
    assert (attack["date"], attack["enddate"]) == ("2025-04-05", "2025-04-06")  # the weekend of ISO week 14
    assert attack["mode"] == "suicide-attack" and attack["quad_code"] == 4  # CAMEO 1831: suicide bombing
    assert attack["actor"]["code"] == "RUS" and attack["actor"]["sector"] == "UAF"


def _plover_lines(store) -> list[str]:
    buf = io.StringIO()
    EXPORTERS["plover"](store, buf, report=lambda _: None)
    return buf.getvalue().splitlines()


MANUAL_QUADS = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
                "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "PROTEST": 4, "SANCTION": 4,
                "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4}


def test_exports_plover_manual_table_is_consistent():
    """The 16 types with the manual's quad codes; every mode written is one of the manual's for its type; and
    every mode newsdesk's coder gives either maps to one or is deliberately left null."""
    from newsdesk.code.ontology import plover_types
    from newsdesk.exporters.plover import manual, manual_mode, manual_quad

    types = manual()["types"]
    assert {t: manual_quad(t) for t in types} == MANUAL_QUADS
    assert set(plover_types()) == set(types)
    assert "other" not in types["PROTEST"]["modes"] and types["AGREE"]["modes"] == []
    for name, t in types.items():
        for table in ("from_coder", "by_cameo"):
            for mode in (t.get(table) or {}).values():
                assert mode is None or mode in t["modes"], (name, table, mode)
        for coder_mode in plover_types()[name]["modes"]:
            assert manual_mode(name, coder_mode, "99") in [None, *t["modes"]]


@pytest.mark.parametrize(("event", "coder_mode", "cameo", "mode"), [
    ("PROTEST", "other", "140", None),  # a walkout: no manual mode fits
    ("PROTEST", "demo", "141", "demo"),
    ("SANCTION", "embargo", "163", "discontinue"),
    ("MOBILIZE", "alert", "151", "police"),  # the coder lumps police and military alerts; CAMEO tells them apart
    ("MOBILIZE", "alert", "152", "troops"),
    ("THREATEN", "restrict", "1322", "ban"),
    ("ACCUSE", "accuse", "112", "allege"),
    ("AGREE", "cooperate", "031", None),  # AGREE has no modes
    ("CONSULT", "host", "043", None),  # the manual's "visit" has the visitor as source; a host has no mode
])
def test_exports_plover_modes(event, coder_mode, cameo, mode):
    from newsdesk.exporters.plover import manual_mode

    assert manual_mode(event, coder_mode, cameo) == mode


@pytest.mark.parametrize(("value", "day", "end"), [
    ("2025-04-08", "20250408", "2025-04-08"), ("2025-04-08T10:00:00Z", "20250408", "2025-04-08"),
    ("2025-W14", "20250331", "2025-04-06"), ("2025-W14-WE", "20250405", "2025-04-06"),
    ("2025-W14-W", "20250405", "2025-04-06"),  # a weekend cut to ten characters, as the coder stores it
    ("2025-04", "20250401", "2025-04-30"), ("2025-Q2", "20250401", "2025-06-30"), ("2024", "20240101", "2024-12-31"),
    ("2025-SP", "", None), (None, "", None),
])
def test_exports_dates_coarser_than_a_day(value, day, end):
    from newsdesk.exporters.event_records import date_span
    from newsdesk.exporters.gdelt import date_columns

    assert str(date_columns(value)[0]) == day
    span = date_span(value)
    assert (span[1].isoformat() if span else None) == end


def test_exports_event_mentions_csv_day_holds_dates(mixed_store):
    from newsdesk.export import EXPORTERS as ALL

    buf = io.StringIO()
    ALL["event-mentions-csv"](mixed_store, buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert rows and all(re.fullmatch(r"\d{8}", r["Day"]) for r in rows), [r["Day"] for r in rows]
    attack = next(r for r in rows if r["EventCode"] == "1831")
    assert (attack["Day"], attack["Date"]) == ("20250405", "2025-W14-WE")


def test_exports_gdelt_has_no_header_by_default(coded_store):
    buf = io.StringIO()
    n = EXPORTERS["gdelt"](coded_store, buf)
    lines = buf.getvalue().splitlines()
    assert len(lines) == n == 3
    assert all(len(line.split("\t")) == 61 and line.split("\t")[0].isdigit() for line in lines)
    assert "GlobalEventID" not in buf.getvalue()


def test_exports_cli_header_flag(coded_store, tmp_path):
    from typer.testing import CliRunner

    from newsdesk.cli import app
    from newsdesk.errors import NewsdeskError
    from newsdesk.export import exporter

    db = str(tmp_path / "test.db")  # the `store` fixture's file
    plain = CliRunner().invoke(app, ["export", "--format", "gdelt", "--db", db])
    headed = CliRunner().invoke(app, ["export", "--format", "gdelt", "--header", "--db", db])
    assert plain.exit_code == headed.exit_code == 0, (plain.output, headed.output)
    assert headed.stdout.splitlines()[0].split("\t") == list(COLUMNS)
    assert headed.stdout.splitlines()[1:] == plain.stdout.splitlines() and len(plain.stdout.splitlines()) == 3
    with pytest.raises(NewsdeskError, match="--header applies to --format gdelt only"):
        exporter("jsonl", header=True)


def test_exports_csv_has_the_fields_the_readme_promises(coded_store):
    """docs/exports.md: `--format csv` writes the JSONL export's fields, without `removed`/`sources`, with `n_removed`;
    list-valued fields as JSON text."""
    from pathlib import Path

    from newsdesk.export import CSV_COLUMNS, JSONL_KEYS
    from newsdesk.export import EXPORTERS as ALL

    readme = (Path(__file__).resolve().parents[1] / "docs" / "exports.md").read_text(encoding="utf-8")
    assert "`--format csv` writes the same fields (without `removed`/`sources`, with `n_removed`)" in readme
    assert set(CSV_COLUMNS) == set(JSONL_KEYS) - {"removed", "sources"} | {"n_removed"}
    jl, cv = io.StringIO(), io.StringIO()
    ALL["jsonl"](coded_store, jl)
    ALL["csv"](coded_store, cv)
    rows = list(csv.DictReader(io.StringIO(cv.getvalue())))
    objs = [json.loads(line) for line in jl.getvalue().splitlines()]
    assert len(rows) == len(objs) == 4
    for row, obj in zip(rows, objs, strict=True):
        assert row["id"] == obj["id"] and row["n_removed"] == str(len(obj["removed"]))
        for key in ("actors", "quotes", "places", "timexes", "events", "event_ids", "story_ids"):
            assert json.loads(row[key]) == obj[key], key
        assert row["event_id"] == (obj["event_id"] or "")


@pytest.mark.slow
def test_exports_samples_every_event_written(tmp_path, capsys):
    """The bundled samples, annotated and clustered: every clustered event is a PLOVER record (the Lammy-Iwaya
    pact was dropped silently before: its first report's sentence named no source actor), with the manual's
    modes and quad codes; GDELT rows carry no header and full dates; every `event-mentions-csv` Day is a date."""
    from pathlib import Path

    from newsdesk.export import EXPORTERS as ALL
    from newsdesk.pipeline import ingest_paths
    from newsdesk.store import open_store

    store = open_store(str(tmp_path / "samples.db"))
    ingest_paths([str(Path(__file__).resolve().parents[1] / "newsdesk" / "samples")], store, workers=1)
    try:
        events = {e["id"] for e in store.list_clustered_events(limit=100)}
        recs = [json.loads(line) for line in _plover_lines(store)]
        assert events and events <= {r["id"] for r in recs}
        for r in recs:
            assert manual_modes_ok(r) and r["quad_code"] == MANUAL_QUADS[r["event"]]
        gd = io.StringIO()
        assert ALL["gdelt"](store, gd) == len(gd.getvalue().splitlines()) >= len(events)
        assert all(re.fullmatch(r"\d{8}", line.split("\t")[1]) for line in gd.getvalue().splitlines())
        ev = io.StringIO()
        ALL["event-mentions-csv"](store, ev)
        days = [r["Day"] for r in csv.DictReader(io.StringIO(ev.getvalue()))]
        assert days and all(re.fullmatch(r"\d{8}", d) or d == "" for d in days)
        assert sum(bool(d) for d in days) == len(days), "a sample date no day fits"
    finally:
        store.close()


def manual_modes_ok(rec: dict) -> bool:
    from newsdesk.exporters.plover import manual

    return rec["mode"] is None or rec["mode"] in manual()["types"][rec["event"]]["modes"]


def test_exports_typed_records_keep_the_json(coded_any_store):
    """Clustered events, consolidated events and stories are typed records in the store and the exporters;
    their JSON is what the dicts were: `events-jsonl` is `consolidate`'s record with `story_id`, byte for
    byte, on both backends."""
    from newsdesk.cluster.consolidate import consolidate
    from newsdesk.export import export_events_jsonl
    from newsdesk.records import ClusteredEvent, ConsolidatedEvent, Story

    store = coded_any_store
    events = store.clustered_events(limit=100)
    assert len(events) == 2 and all(isinstance(e, ClusteredEvent) for e in events)
    assert store.list_clustered_events(limit=100) == [e.to_dict() for e in events]
    expected = []
    for e in events:
        eid, articles = store.event_articles(e.id)
        old = {**consolidate(eid, articles, store.event_mentioned_in(eid)), "story_id": e.story_id}
        expected.append(json.dumps(old, ensure_ascii=False, default=str))
        rec = store.consolidated_event(e.id)
        assert isinstance(rec, ConsolidatedEvent) and rec.cameo.value in ("161", "163")
    buf = io.StringIO()
    assert export_events_jsonl(store, buf) == 2
    assert buf.getvalue().splitlines() == expected
    story = store.story(events[0].story_id)
    assert isinstance(story, Story) and story.events[0].id in {e.id for e in events}
    assert store.get_story(events[0].story_id) == story.to_dict()
    with pytest.raises(ValueError, match="unknown keys"):
        ClusteredEvent.from_dict({**events[0].to_dict(), "extra": 1})
