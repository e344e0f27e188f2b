"""The headline's events. Extraction keeps the title apart from the text (it is removed from the body), but a
headline states the report's news ("Parents of two soldiers sue defence minister") and event coders record it
as a sentence of the article. The title is annotated and coded as a one-sentence article of its own — in
sentence case when written in Title Case (`annotate.truecase`), so that its verb is read as a verb — and its
events are the article's too, with the title's sentence as theirs (offsets 0–0: it is not in the text), and the
date (and place) of the report's news day when the headline gives none (a headline's present tense is the news
of the day: `event_time.news_dated`)."""

from __future__ import annotations

from dataclasses import replace

from newsdesk.annotate import annotate_docs
from newsdesk.annotate.truecase import is_headline_case, sentence_case
from newsdesk.code.event_time import news_dated
from newsdesk.code.extract import code_article
from newsdesk.records import AnnotatedArticle, Article, EventMention

__all__ = ["headline_events"]

_MIN_WORDS = 3


def headline_events(ann: AnnotatedArticle, resources: tuple | None = None) -> tuple[EventMention, ...]:
    """The events the article's title states, when it has one that is not already the text's first line.
    `resources`: the annotation resources (`newsdesk.annotate._resources()`; None: this process's)."""
    art = ann.article
    title = " ".join((art.title or "").split())
    if len(title.split()) < _MIN_WORDS or art.text.lstrip().startswith(title[:60]):
        return ()
    text = sentence_case(title, art.text) if is_headline_case(title) else title
    if not text.endswith((".", "!", "?", ";", ":")):
        text += "."
    mini = Article(id=art.id, source=art.source, text=text, paragraphs=(text,), published=art.published,
                   language=art.language, outlet=art.outlet)
    (hann, hdoc), = annotate_docs([mini], resources=resources)
    if hdoc is None:
        return ()
    out = []
    for e in code_article(hann, hdoc):
        # the sentence as the title writes it (sentence case kept every character at its offset)
        sentence = title[e.start:min(e.end, len(title))].strip() or title
        out.append(replace(news_dated(ann, e), start=0, end=0, sentence=sentence))
    return tuple(out)
