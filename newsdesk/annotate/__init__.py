"""Annotate: `Article` -> `AnnotatedArticle`: canonical actors, quotes with speakers, normalised time
expressions and geocoded places. Pure: reads the text and the knowledge base, never the store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache

from newsdesk.annotate.truecase import nlp_text
from newsdesk.records import AnnotatedArticle, Article, Quote

ANNOTATOR_VERSION = "2"  # 2: events coded by the judged coder (CODER_VERSION 3)

__all__ = ["ANNOTATOR_VERSION", "annotate", "annotate_docs", "annotate_many"]


@lru_cache(maxsize=1)
def _resources():
    """spaCy pipeline, knowledge base and its phrase matcher: loaded once per process. The gazetteer and
    the event patterns are loaded here too, so that pool workers forked after this call share them
    instead of each loading its own copy on its first article."""
    from spacy.matcher import PhraseMatcher

    from newsdesk.annotate.gazetteer import load_gazetteer
    from newsdesk.annotate.nlp import load_nlp
    from newsdesk.code.patterns import lexicon
    from newsdesk.kb import load_kb

    nlp = load_nlp()
    kb = load_kb()
    load_gazetteer()
    lexicon()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    by_id: dict[str, list[str]] = {}
    for alias, entry_id in kb.patterns():
        if len(alias) >= 2 and not alias.islower():  # lower-case aliases are too ambiguous to match
            by_id.setdefault(entry_id, []).append(alias)
    for entry_id, aliases in by_id.items():
        matcher.add(entry_id, list(nlp.tokenizer.pipe(aliases)))
    return nlp, kb, matcher


def _date(article: Article) -> str | None:
    return article.published[:10] if article.published else None


def annotate(article: Article) -> AnnotatedArticle:
    """Annotate one article (English only: others are returned unannotated, marked by their language)."""
    return next(annotate_many([article]))


def annotate_many(articles: Iterable[Article], batch_size: int = 16) -> Iterator[AnnotatedArticle]:
    """Annotate a stream of articles, running spaCy in batches (no events: that is the code stage's)."""
    for ann, _doc in annotate_docs(articles, batch_size):
        yield ann


def annotate_docs(articles: Iterable[Article], batch_size: int = 16, *,
                  resources: tuple | None = None) -> Iterator[tuple[AnnotatedArticle, object]]:
    """Each article's annotation with the spaCy Doc it was read from (None for articles not in English),
    so that the code stage reads the same parse instead of running spaCy again. `resources`: the
    (pipeline, knowledge base, matcher) to use, by default this process's (`_resources`)."""
    nlp, kb, matcher = resources or _resources()
    todo = list(articles)
    english = [a for a in todo if (a.language or "en") == "en"]
    docs = iter(nlp.pipe((nlp_text(a) for a in english), batch_size=batch_size))
    for article in todo:
        if (article.language or "en") != "en":
            yield AnnotatedArticle(article), None
            continue
        doc = next(docs)
        yield _annotate_doc(article, doc, kb, matcher), doc


def _annotate_doc(article: Article, doc, kb, matcher) -> AnnotatedArticle:
    from newsdesk.annotate.actors import resolve_actors
    from newsdesk.annotate.places import find_places
    from newsdesk.annotate.quotes import find_quotes
    from newsdesk.annotate.timex import find_timexes

    date = _date(article)
    actors, mentions = resolve_actors(doc, kb, date, matcher)
    quotes = _link_speakers(find_quotes(doc), mentions, {a.id: a for a in actors})
    hints = {a.country for a in actors if a.kind == "country" and a.country}
    places = find_places(doc, country_hints=sorted(hints))
    timexes = find_timexes(article.text, article.published)
    return AnnotatedArticle(article, tuple(actors), tuple(mentions), tuple(quotes), tuple(places), tuple(timexes))


_OWNER = ("'s", "\u2019s")


def _possessor_in(m, q: Quote) -> bool:
    """Is the mention the owner inside a longer speaker phrase ("Trump's potential VP", "Pagliano's lawyer")?
    The phrase names someone else."""
    text, at = q.speaker_text or "", m.start - (q.speaker_start or 0)
    if at < 0 or at >= len(text):
        return False
    rest = text[at + len(m.text):]
    if rest.startswith(_OWNER):
        rest = rest[2:]
    elif not m.text.endswith(_OWNER):
        return False
    return bool(rest.strip())


def _link_speakers(quotes: list[Quote], mentions, actors: dict) -> list[Quote]:
    """Give each quote the canonical actor whose mention covers (or is covered by) the speaker span."""
    out = []
    for q in quotes:
        if q.speaker_start is None or q.speaker_end is None:
            out.append(q)
            continue
        named = [m for m in mentions if m.actor_id and not _possessor_in(m, q)]
        hit = next((m for m in named if m.start <= q.speaker_start < m.end), None) or \
            next((m for m in named if q.speaker_start <= m.start < q.speaker_end), None)
        if hit is None:
            out.append(q)
            continue
        actor = actors[hit.actor_id]
        out.append(replace(q, speaker_id=actor.id, speaker=actor.name))
    return out
