"""Annotate: a lone surname, a surname the tagger read as an organisation and a quote's speaker phrase are
linked to the person the article itself names, not to a better-known holder of the name or an owner."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

from newsdesk.annotate import _link_speakers
from newsdesk.annotate.actors import resolve_actors
from newsdesk.extract.ids import article_id
from newsdesk.kb import load_kb
from newsdesk.records import Actor, Article, Mention, Quote


def _annotate(text: str, published: str):
    from newsdesk.annotate import annotate

    return annotate(Article(id=article_id(text), source="t.txt", text=text, paragraphs=tuple(text.split("\n\n")),
                            published=published, language="en"))


def _actor_of(ann, surface: str, nth: int = -1):
    hits = [m for m in ann.mentions if m.text == surface]
    assert hits, f"no mention {surface!r} in {[m.text for m in ann.mentions]}"
    return {a.id: a for a in ann.actors}[hits[nth].actor_id]


@pytest.fixture(scope="module")
def lynch():
    return _annotate(
        "Rep. Stephen Lynch (D-Mass.) questioned the bank's chief executive for two hours on Wednesday.\n\n"
        "Lynch told reporters afterwards that the committee would ask for more documents.", "2016-05-11")


def test_annotate_linking_surname_joins_the_articles_own_full_name(lynch):
    alone = _actor_of(lynch, "Lynch")
    assert alone.name == "Stephen Lynch"  # not the KB's Attorney General Loretta Lynch
    assert (alone.country, alone.sector) == ("USA", "LEG")


def test_annotate_linking_titled_surname_stays_the_office_holder():
    ann = _annotate(
        "Rep. Stephen Lynch (D-Mass.) asked for a hearing on the bank on Wednesday.\n\n"
        "Attorney General Lynch said her department had opened an inquiry.", "2016-05-11")
    assert _actor_of(ann, "Lynch").name == "Loretta Lynch"
    assert any(a.name == "Stephen Lynch" for a in ann.actors)


def test_annotate_linking_quote_speaker_is_not_the_owner_in_the_phrase():
    text = "Trump's running mate said: we will win."
    trump = Actor("kb:donald-trump", "Donald Trump", "person", "USA", "PTY")
    q = Quote(27, 39, "we will win.", "direct", "said", "Trump's running mate", 0, 20)
    owner = Mention(0, 5, "Trump", "PERSON", trump.id)
    assert text[q.speaker_start:q.speaker_end] == "Trump's running mate"
    assert _link_speakers([q], [owner], {trump.id: trump})[0].speaker_id is None
    named = Quote(27, 39, "we will win.", "direct", "said", "Trump", 0, 5)  # the name itself is the speaker
    assert _link_speakers([named], [owner], {trump.id: trump})[0].speaker_id == trump.id
    possessive = Mention(0, 7, "Trump's", "PERSON", trump.id)
    assert _link_speakers([q], [possessive], {trump.id: trump})[0].speaker_id is None


def test_annotate_linking_surname_read_as_organisation_is_the_person():
    doc = spacy.blank("en")("The aide Marta Quiroga left the ministry . Quiroga declined to testify .")
    doc.ents = [Span(doc, 2, 4, label="PERSON"), Span(doc, 8, 9, label="ORG")]
    actors, mentions = resolve_actors(doc, load_kb(), "2021-06-01")
    ids = {m.text: m.actor_id for m in mentions}
    assert ids["Quiroga"] == ids["Marta Quiroga"]
    assert [a.kind for a in actors] == ["person"]
    doc = spacy.blank("en")("Quiroga Holdings and Quiroga signed .")  # no person of that name: still an organisation
    doc.ents = [Span(doc, 3, 4, label="ORG")]
    actors, _ = resolve_actors(doc, load_kb(), "2021-06-01")
    assert [a.kind for a in actors] == ["org"]
