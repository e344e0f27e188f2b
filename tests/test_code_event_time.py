"""Dates (and places) an event takes from the article when its own clause gives none (issue 16, item 5):
the sentence that dates the report's happening, the occasion a quote was said at, the speaker's dated
occasion, a dated mention of the same happening; named weekdays never after publication."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsdesk.code.event_time import news_day, timex_event_date
from newsdesk.records import AnnotatedArticle, Article, TimeExpr

THURSDAY = "2024-03-14"


@pytest.fixture(scope="module")
def coder(rules_coder):
    return lambda text, published=THURSDAY: rules_coder(text, published)


def one(events, root: str, word: str | None = None):
    hits = [e for e in events if e.cameo.startswith(root) and (word is None or word in e.sentence)]
    assert hits, [(e.cameo, e.trigger, e.sentence[:40]) for e in events]
    return hits[0]


def _ann(text: str = "", published: str = THURSDAY) -> AnnotatedArticle:
    return AnnotatedArticle(Article(id="t", source="test", text=text, paragraphs=(text,), published=published))


@pytest.mark.parametrize("text, value, want", [
    ("Tuesday", "2024-03-12", "2024-03-12"),
    ("Sunday", "2024-03-17", "2024-03-10"),  # "his speech Sunday" in Thursday's paper: the Sunday before
    ("Sunday", "2024-03-10", "2024-03-10"),
    ("March 17", "2024-03-17", "2024-03-17"),  # a calendar date is what it says
    ("7:19 p.m. EST", "2024-03-14T19:19", None),  # a clock time alone names no day
    ("Tuesday night", "2024-03-12TNI", "2024-03-12"),
])
def test_event_time_timex_values(text, value, want):
    assert timex_event_date(_ann(), TimeExpr(0, len(text), text, value, "day")) == want


def test_event_time_weekday_of_a_future_event_stays_ahead():
    tx = TimeExpr(0, 6, "Sunday", "2024-03-17", "day")
    assert timex_event_date(_ann(), tx, future=True) == "2024-03-17"  # "she will speak on Sunday"


def test_event_time_sentence_dating_the_happening(coder):
    """A lead without a date, then "The suit was filed in Brussels on Monday.": the suit and what the
    report says of it are of that Monday, in Brussels."""
    lead = ("Relatives of three journalists killed during the 2019 unrest in the north have filed a lawsuit "
            "against the Belgian foreign ministry, accusing officials of ignoring repeated warnings from the "
            "embassy about the security situation, of cutting the embassy's protection budget twice, and of "
            "misleading the families about what happened in the hours after the journalists disappeared "
            "near the border.")
    text = lead + "\n\nThe suit was filed in Brussels on Monday.\n\nThe lawsuit accuses the foreign ministry of negligence."
    assert text.index("Monday") > 400  # the rule is for a date given after the lead
    events = coder(text)
    for e in (one(events, "115"), one(events, "112")):
        assert (e.date, e.place) == ("2024-03-11", "Brussels")


def test_event_time_headline_takes_the_news_day_and_its_place():
    """A headline's undated event ("Families sue ministry") is the news of the sentence that dates it."""
    from newsdesk.code.event_time import news_dated
    from newsdesk.records import EventMention, Place

    lead = "Families of three journalists have taken the foreign ministry to court over their deaths. " * 5
    text = lead + "\n\nThe suit was filed in Brussels on Monday."
    at, town = text.index("Monday"), text.index("Brussels")
    ann = AnnotatedArticle(
        Article(id="t", source="test", text=text, paragraphs=tuple(text.split("\n\n")), published=THURSDAY),
        places=(Place("Brussels", "BE", 50.85, 4.35, 2800866, "city", ((town, town + 8),), ("Brussels",)),),
        timexes=(TimeExpr(at, at + 6, "Monday", "2024-03-11", "day"),))
    assert news_day(ann)[0] == "2024-03-11"
    head = EventMention(0, 0, "Families sue ministry", "sue", "115", "ACCUSE", None, 3, -2.0, None, None,
                        THURSDAY, True, None)
    got = news_dated(ann, head)
    assert (got.date, got.place, got.place_country) == ("2024-03-11", "Brussels", "BE")
    assert news_dated(ann, replace(head, date="2023", date_inferred=False)).date == "2023"  # its own date stays


def test_event_time_news_day_is_none_without_a_current_day():
    assert news_day(_ann("The ministry accused the organisers of inciting violence.")) == (None, None)
    # the first day of a span dates no one happening
    text = "The survey was conducted March 8 to 12 among 1,200 voters."
    at = text.index("March 8")
    ann = replace(_ann(text), timexes=(TimeExpr(at, at + 7, "March 8", "2024-03-08", "day"),))
    assert news_day(ann) == (None, None)


def test_event_time_speaker_dated_occasion(coder):
    text = ("Patel addressed a union rally in Leeds last month and condemned the home secretary.\n\n"
            "Patel also accused the government of abandoning steel workers.")
    e = one(coder(text), "112")
    assert (e.date, e.date_inferred, e.place) == ("2024-02", False, "Leeds")


def test_event_time_quote_said_at_its_attributions_occasion(coder):
    text = ('"We warned the ministry for months. The ministry ignored us. Now the police have arrested our '
            'organisers," union leader Ana Costa told reporters at a rally on Tuesday.')
    e = one(coder(text), "13", "warned")  # a sentence of the quote before the one naming its speaker
    assert (e.date, e.date_inferred) == ("2024-03-12", False)


def test_event_time_today_in_quoted_words_dates_nothing():
    from newsdesk.records import Quote

    text = 'Costa said on Monday: "We say to the ministry today: enough."'
    at = text.index("today")
    ann = replace(_ann(text), quotes=(Quote(text.index("We"), len(text) - 1, "We say ...", "direct", "said", "Costa"),))
    assert timex_event_date(ann, TimeExpr(at, at + 5, "today", THURSDAY, "day")) is None
    assert timex_event_date(_ann(text), TimeExpr(at, at + 5, "today", THURSDAY, "day")) == THURSDAY


def test_event_time_recalled_neighbour_does_not_date_the_news(coder):
    """Next to a happening of 2020, an undated arrest continues the report's news (Tuesday's), not it."""
    text = ("Polish police arrested 12 opposition activists in Warsaw on Tuesday.\n\n"
            "In 2020, Belarusian police arrested thousands of protesters in Minsk after the election.\n\n"
            "Officers also detained two Polish journalists.")
    assert one(coder(text), "17", "journalists").date == "2024-03-12"


def test_event_time_year_made_the_day_the_article_gives(coder):
    text = ("KYIV, Ukraine — Russian forces attacked Ukrainian troops in Crimea in 2014.\n\n"
            "The invasion of the peninsula began on 20 February 2014.")
    assert one(coder(text), "18").date == "2014-02-20"
    # a day of that year the article gives to another happening is not the attack's
    text = ("KYIV, Ukraine — Russian forces attacked Ukrainian troops in Crimea in 2014.\n\n"
            "Separately, Ukrainian police arrested 12 separatist activists in Odesa on 2 May 2014.")
    assert one(coder(text), "18").date == "2014"


def test_event_time_referring_back_to_a_dated_attack(coder):
    """"the attack" three sentences on is the one dated before, and happened where it did."""
    text = ("Gunmen attacked a police checkpoint near Kandahar on 3 February 2019.\n\n"
            "Afghan officials met Pakistani diplomats in Islamabad in 2017.\n\n"
            "The talks produced no agreement. Both sides blamed the weather.\n\n"
            "The report says six soldiers were killed in the attack by Taliban fighters.")
    e = one(coder(text, "2019-02-20"), "19", "report")
    assert (e.date, e.place_country) == ("2019-02-03", "AF")


@pytest.mark.parametrize("date, day, want", [
    ("2024-03-12", THURSDAY, True),
    ("2024-03", THURSDAY, True),  # a month that runs into the news week
    ("2024-02", THURSDAY, False),
    ("2015", THURSDAY, False),  # "refused last year" is no date for "will refuse"
    ("2024-03-15", THURSDAY, False),  # after it
    ("2024-03-12", None, False),
])
def test_event_time_within_week(date, day, want):
    from newsdesk.code.event_time import within_week

    assert within_week(date, day) is want


def test_event_time_without_publication_date_nearby_dates_nothing(coder):
    """No publication date: nothing is known to be current, so a neighbour's year dates nothing."""
    text = ("Greek riot police fought protesters in Athens in 1985.\n\n"
            "Protesters threw petrol bombs at the courthouse in Athens.")
    e = one(coder(text, None), "18", "petrol")
    assert e.date is None
