"""Places: toponyms recognised, grouped per place and geocoded offline from the packaged gazetteer."""

from __future__ import annotations

import math

import pytest

from newsdesk.annotate.gazetteer import EXTRA_FILE, load_gazetteer, name_key


@pytest.fixture(scope="module")
def nlp():
    from newsdesk.annotate.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="module")
def places(nlp):
    from newsdesk.annotate.places import find_places

    def run(text: str, **kwargs):
        return find_places(nlp(text), **kwargs)

    return run


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def by_name(found, name):
    hits = [p for p in found if p.name == name]
    assert len(hits) == 1, [(p.name, p.mentions) for p in found]
    return hits[0]


@pytest.mark.parametrize("text, name, country, feature, lat, lon", [
    ("Germany and Japan signed a trade agreement on Monday.", "Germany", "DE", "country", 51.5, 10.5),
    ("Germany and Japan signed a trade agreement on Monday.", "Japan", "JP", "country", 35.7, 139.8),
    ("The talks were held in Berlin, the German capital, on Monday.", "Berlin", "DE", "city", 52.52, 13.41),
    ("Heavy snow closed schools across Ohio on Monday.", "Ohio", "US", "admin1", 40.25, -83.0),
    ("Moscow said on Friday that it would not attend the talks.", "Moscow", "RU", "city", 55.75, 37.62),
    ("Officials in the Middle East welcomed the ceasefire.", "Middle East", None, "region", 33.1, 35.9),
])
def test_places_geocodes_countries_cities_and_states(places, text, name, country, feature, lat, lon):
    p = by_name(places(text), name)
    assert (p.country, p.feature) == (country, feature)
    assert km(p.lat, p.lon, lat, lon) < 50
    start, end = p.spans[0]
    assert text[start:end] == p.mentions[0]


def test_places_article_context_picks_paris_texas(places):
    found = places("Storms flooded several streets in Paris on Tuesday. The county judge said crews from across "
                   "Texas were helping residents in Paris and nearby Lamar County.")
    paris = by_name(found, "Paris")
    assert paris.country == "US"
    assert km(paris.lat, paris.lon, 33.66, -95.56) < 30


def test_places_paris_defaults_to_france(places):
    paris = by_name(places("Protesters marched through Paris on Saturday as unions called for a strike."), "Paris")
    assert paris.country == "FR"


def test_places_country_hints_break_a_tie_between_namesakes(places):
    text = "The council in Birmingham voted on Tuesday to close two libraries."
    assert by_name(places(text), "Birmingham").country == "GB"
    assert by_name(places(text, country_hints=["US"]), "Birmingham").country == "US"


@pytest.mark.parametrize("text, city, state, lat, lon", [
    ("The company will open a plant in Springfield, Illinois, next year.", "Springfield", "Illinois", 39.8, -89.64),
    ("A second site is planned near Athens, Ga., officials said.", "Athens", "Georgia", 33.96, -83.38),
    ("Police in Portland, ME said the road reopened on Sunday.", "Portland", "Maine", 43.66, -70.26),
])
def test_places_city_state_pattern_picks_the_city_in_that_state(places, text, city, state, lat, lon):
    found = places(text)
    p = by_name(found, city)
    assert p.country == "US" and km(p.lat, p.lon, lat, lon) < 30
    assert by_name(found, state).feature == "admin1"


def test_places_groups_repeated_mentions_and_aliases(places):
    text = ("Officials in Nairobi said the talks would resume. The U.S. envoy hopes Nairobi can host the summit, "
            "and the United States will send a delegation.")
    found = places(text)
    nairobi = by_name(found, "Nairobi")
    assert nairobi.mentions == ("Nairobi", "Nairobi")
    assert [text[s:e] for s, e in nairobi.spans] == ["Nairobi", "Nairobi"]
    us = by_name(found, "United States")
    assert len(us.spans) == 2


def test_places_empty_doc_has_no_places(places):
    assert places("") == []
    assert places("   \n") == []


def test_places_demonyms_refer_to_their_country(places):
    found = places("Georgian officials met Lebanese envoys in Oslo on Monday.")
    by_name = {p.country: p for p in found}
    assert {"GE", "LB", "NO"} <= set(by_name)
    assert by_name["GE"].mentions == ("Georgian",) and by_name["GE"].feature == "country"


def test_places_government_buildings_are_not_places(places):
    assert [p.name for p in places("The White House said the Kremlin had not replied.")] == []


def test_places_gazetteer_knows_spellings():
    load_gazetteer.cache_clear()
    gaz = load_gazetteer()
    assert {e.name for e in gaz.lookup("Kiev")} >= {"Kyiv"}
    assert gaz.lookup("St. Louis")[0].name == gaz.lookup("Saint Louis")[0].name
    assert gaz.lookup("Calif.")[0].name == "California"
    assert name_key("The Hague") == "hague"


def test_places_extra_table_rows_are_valid():
    import csv

    rows = list(csv.DictReader(line for line in EXTRA_FILE.open(encoding="utf-8") if not line.startswith("#")))
    assert rows
    for r in rows:
        assert r["feature"] in {"country", "admin1", "region", "continent", "landmark"}, r
        assert not r["cc"] or len(r["cc"]) == 2, r
        if r["lat"]:
            assert -90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180, r
