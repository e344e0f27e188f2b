"""discourse.share_arguments: which sides mentions of one event in nearby sentences lend each other."""

from __future__ import annotations

import re
from dataclasses import replace

from newsdesk.code.discourse import share_arguments
from newsdesk.records import AnnotatedArticle, Article, EventActor, EventMention, Mention, Quote

UK = EventActor("Envoys from Britain", "United Kingdom", "kb:GBR", "GBR", "DIP")
MINISTER = EventActor("the foreign minister", "Ana Pereira", "kb:ana-pereira", "BRA", "GOV")
RIVALS = EventActor("Opposition lawmakers", "Liberal Party", "kb:liberal-party", "CAN", "PTY")


def _article(*sentences: str, mentions=(), quotes=()) -> AnnotatedArticle:
    text = " ".join(sentences)
    art = Article(id="a1", source="test", text=text, paragraphs=(text,))
    ms = []
    for surface, aid in mentions:
        m = re.search(re.escape(surface), text)
        ms.append(Mention(m.start(), m.end(), surface, "PERSON", aid))
    return AnnotatedArticle(art, mentions=tuple(sorted(ms, key=lambda m: m.start)), quotes=tuple(quotes))


def _event(ann: AnnotatedArticle, sentence: str, trigger: str, cameo: str, source=None, target=None, *,
           place=None, country=None, date="2024-05-02", inferred=True) -> EventMention:
    start = ann.article.text.index(sentence)
    return EventMention(start, start + len(sentence), sentence, trigger, cameo, "PROTEST", None, 4, -6.5,
                        source, target, date, inferred, place, country)


def test_code_sharing_fills_an_unsaid_doer_and_names_vague_ones_more_fully():
    s1, s2 = "The envoys walked out of the session.", "Envoys from Britain filed out during the speech."
    ann = _article(s1, s2)
    vague = EventActor("The envoys")
    out = share_arguments([(0, _event(ann, s1, "walked out", "140", vague)),
                           (1, _event(ann, s2, "filed out", "140", UK))], ann)
    assert out[0].source == UK
    s1 = "Walked out of the session."
    ann = _article(s1, s2)
    out = share_arguments([(0, _event(ann, s1, "Walked out", "140")), (1, _event(ann, s2, "filed out", "140", UK))], ann)
    assert out[0].source == UK


def test_code_sharing_never_replaces_a_named_side():
    s1, s2 = "Okafor refused to testify.", "Envoys from Britain refused the demand."
    ann = _article(s1, s2, mentions=[("Okafor", "p:okafor")])
    named = EventActor("Okafor", "Okafor", "p:okafor")
    out = share_arguments([(0, _event(ann, s1, "refused", "120", named)), (1, _event(ann, s2, "refused", "120", UK))],
                          ann)
    assert out[0].source == named


def test_code_sharing_not_when_the_sentence_names_another_doer():
    s1 = "Opposition lawmakers criticised the budget plan."
    s2 = "Focus on the Liberal Party sharpened after the attacks in the capital."
    s3 = "Opposition lawmakers condemned the attacks on the minister."
    ann = _article(s1, s2, s3, mentions=[("Opposition lawmakers", "kb:liberal-party"),
                                         ("Liberal Party", "kb:liberal-party")])
    attacks = _event(ann, s2, "attacks", "190")
    out = share_arguments([(1, attacks), (2, _event(ann, s3, "condemned", "190", RIVALS, MINISTER))], ann)
    assert out[0].source is None  # the party is named before the predicate: no doer from the neighbour


def test_code_sharing_not_between_happenings_in_different_countries():
    s1, s2 = "The attack killed four people.", "Opposition lawmakers carried out an attack on the minister."
    ann = _article(s1, s2)
    here = _event(ann, s1, "attack", "190", place="Lyon", country="FRA")
    there = _event(ann, s2, "attack", "190", RIVALS, MINISTER, place="Ottawa", country="CAN")
    assert share_arguments([(0, here), (1, there)], ann)[0].source is None
    there = replace(there, place=None, place_country=None)
    assert share_arguments([(0, here), (1, there)], ann)[0].source == RIVALS


def test_code_sharing_not_across_a_quote_boundary():
    s1 = '"They walked out of the talks," the envoy said.'
    s2 = "Envoys from Britain filed out during the speech."
    ann = _article(s1, s2, quotes=[Quote(0, 32, "They walked out of the talks,", "direct", "said", "the envoy")])
    out = share_arguments([(0, _event(ann, s1, "walked out", "140")), (1, _event(ann, s2, "filed out", "140", UK))],
                          ann)
    assert out[0].source is None


def test_code_sharing_keeps_two_sides_of_one_sector_apart():
    s1 = "The mayor and the governor condemned the attack."
    ann = _article(s1)
    mayor, governor = EventActor("The mayor", None, None, "USA", "GOV"), EventActor("the governor", None, None, "USA", "GOV")
    out = share_arguments([(0, _event(ann, s1, "condemned", "111", mayor, MINISTER)),
                           (0, _event(ann, s1, "condemned", "111", governor, MINISTER))], ann)
    assert [e.source.text for e in out] == ["The mayor", "the governor"]
