"""Annotate: actors merged across spellings, titles and roles; quotes linked to canonical speakers."""

from __future__ import annotations

import pytest

from newsdesk.extract.ids import article_id
from newsdesk.records import Article

TEXT = """Foreign Secretary Liz Truss met the Danish foreign minister, Jeppe Kofod, in London on Monday to discuss \
further sanctions on Moscow.

Ms Truss said the two countries would keep working together. "We will not look away," she said.

Russia's foreign minister, Sergey Lavrov, called the talks a provocation. Mr Lavrov later cancelled a visit \
to Belgrade.

Olena Marchuk, Ukraine's deputy ambassador to Denmark, welcomed the meeting. Sergei Lavrov did not comment."""


def make(text: str, published: str | None) -> Article:
    return Article(id=article_id(text), source="t.txt", text=text, paragraphs=tuple(text.split("\n\n")),
                   published=published, language="en")


@pytest.fixture(scope="module")
def annotated():
    from newsdesk.annotate import annotate

    return annotate(make(TEXT, "2022-03-07T10:00"))


def by_name(ann, name):
    hits = [a for a in ann.actors if a.name == name]
    assert len(hits) == 1, [(a.name, a.mentions) for a in ann.actors]
    return hits[0]


def test_annotate_title_and_honorific_merge_with_full_name(annotated):
    truss = by_name(annotated, "Liz Truss")
    assert truss.country == "GBR" and truss.sector == "GOV"
    assert {"Foreign Secretary", "Ms Truss"} <= set(truss.mentions)


def test_annotate_role_apposition_links_to_person(annotated):
    kofod = by_name(annotated, "Jeppe Kofod")
    assert kofod.country == "DNK"
    assert any("Danish foreign minister" in m for m in kofod.mentions)


def test_annotate_transliterations_are_one_actor(annotated):
    lavrov = [a for a in annotated.actors if "Lavrov" in a.name]
    assert len(lavrov) == 1 and lavrov[0].country == "RUS"
    assert {"Sergey Lavrov", "Sergei Lavrov", "Mr Lavrov"} <= set(lavrov[0].mentions)


def test_annotate_unknown_person_keeps_country_from_role(annotated):
    marchuk = by_name(annotated, "Olena Marchuk")
    assert marchuk.country == "UKR" and marchuk.sector == "DIP"
    assert marchuk.id.startswith("p:")


def test_annotate_quote_speaker_is_canonical_actor(annotated):
    q = [q for q in annotated.quotes if q.text.startswith("We will not look away")]
    assert q and q[0].speaker == "Liz Truss" and q[0].speaker_id == by_name(annotated, "Liz Truss").id


def test_annotate_title_resolves_to_office_holder_at_date():
    from newsdesk.annotate import annotate

    text = "The Foreign Secretary flew to Kyiv on Thursday for talks on reconstruction aid."
    early = annotate(make(text, "2022-03-01"))
    late = annotate(make(text, "2025-02-20"))
    assert "Liz Truss" in [a.name for a in early.actors]
    assert "David Lammy" in [a.name for a in late.actors]


def test_annotate_non_english_is_not_annotated():
    from newsdesk.annotate import annotate

    art = make("Der Außenminister traf sich am Montag in Berlin mit seinem Amtskollegen.", "2022-03-01")
    art = Article(**{**art.__dict__, "language": "de"})
    ann = annotate(art)
    assert ann.actors == () and ann.quotes == ()
