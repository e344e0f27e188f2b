"""Article-level parts of event coding: sentences (split at line breaks too), the batched dependency
parse of the sentences that have a cue, dates and places of events, and arguments shared between
mentions of one event in nearby sentences."""

from __future__ import annotations

import re
from dataclasses import replace

from newsdesk.code.domestic import LOCATIVE
from newsdesk.code.patterns import Cue, lemmas, lexicon
from newsdesk.records import EventMention

_ATTRS = ("TAG", "ENT_IOB", "ENT_TYPE")


def _sentence_doc(span, array):
    """A Doc of one sentence with the shared pipeline's tags, entities and tok2vec output (cheaper than
    `Span.as_doc`, which copies arrays of the whole document for every sentence)."""
    from spacy.tokens import Doc

    toks = list(span)
    doc = Doc(span.doc.vocab, words=[t.text for t in toks], spaces=[bool(t.whitespace_) for t in toks])
    doc.from_array(list(_ATTRS), array[span.start:span.end])
    if span.doc.tensor.size:
        doc.tensor = span.doc.tensor[span.start:span.end]
    return doc


def parse_sentences(sents):
    """Dependency-parse the sentences that have a cue, in one batch. The sentence docs carry the shared
    tok2vec output (doc.tensor), which the parser's listener reads, so only the parser runs here; docs
    without a tensor get tok2vec first (as `newsdesk.annotate.nlp.parse_span` does)."""
    from newsdesk.annotate.nlp import load_nlp

    nlp = load_nlp()
    array = sents[0].doc.to_array(list(_ATTRS))
    docs = [_sentence_doc(s, array) for s in sents]
    if any(d.tensor.size == 0 for d in docs):
        docs = list(nlp.get_pipe("tok2vec").pipe(docs))
    return list(nlp.get_pipe("parser").pipe(docs))


_PARTICIPANT_WORDS = {"with", "between", "by", "to", "among", "'s", "\u2019s", "his", "her", "their", "its"}


def weak_hint(words: list[str], cue: Cue) -> bool:
    """Before parsing: can a weak event noun have a participant or a support verb? (saves parses)"""
    lex = lexicon()
    i = cue.head
    near = words[max(0, i - 4):i] + words[cue.tokens[-1] + 1: cue.tokens[-1] + 2]
    return bool(_PARTICIPANT_WORDS.intersection(near)) or any(lemmas(w) & lex.support_verbs for w in words[max(0, i - 4):i])


def sentences(doc):
    """The doc's sentences, also split at line breaks (the sentence splitter runs paragraphs together)."""
    for sent in doc.sents:
        start = sent.start
        for t in sent:
            if t.is_space and "\n" in t.text:
                if t.i > start:
                    yield doc[start:t.i]
                start = t.i + 1
        if start < sent.end:
            yield doc[start:sent.end]


_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def event_date(ann, start: int, end: int) -> tuple[str | None, bool]:
    for tx in ann.timexes:
        if start <= tx.start < end and tx.value and _DATE_RE.match(tx.value):
            return tx.value[:10], False
    published = ann.article.published
    return (published[:10], True) if published else (None, True)




_DATELINE = re.compile(r"[A-Z][A-Z .'-]{2,}\b[^\n]{0,50}?\s[—–-]\s")


def event_place(ann, start: int, end: int):
    """The place the sentence puts the event in ("in Geneva", "at X"), else the place of the article's
    dateline, else that of its first locative phrase, else the first place it names."""
    text = ann.article.text
    # a place named inside an organisation's name ("Co-operation in Europe") is no location of the event
    orgs = [(m.start, m.end) for m in ann.mentions if m.label in ("ORG", "KB", "FAC")]

    def in_org(s: int) -> bool:
        return any(a < s < b for a, b in orgs)

    def locative(lo: int, hi: int):
        hits = [(s, p) for p in ann.places for s, _e in p.spans
                if lo <= s < hi and not in_org(s) and LOCATIVE.search(text[max(lo, s - 30):s])]
        return min(hits, key=lambda x: x[0]) if hits else None

    # a place the sentence puts the event in, else the dateline's ("SKOPJE, North Macedonia — ..."), else
    # where the article's first locative phrase is, else the first place the article names (a demonym
    # elsewhere in the sentence is no location)
    firsts = [(min(s for s, _ in p.spans), p) for p in ann.places if p.spans]
    # a dateline opens the text with a capitalised place and a dash ("SKOPJE, North Macedonia —",
    # "BRUSSELS, May 22 (Wire) -"); its first place is where the report was filed
    head = _DATELINE.match(text)
    dateline = min((x for x in firsts if x[0] < head.end()), key=lambda x: x[0], default=None) if head else None
    best = locative(start, end) or dateline or locative(0, len(text))
    if best is None:
        if not firsts:
            return None, None, None, None
        best = min(firsts, key=lambda x: x[0])
    p = best[1]
    return p.name, p.country, p.lat, p.lon


def share_arguments(events: list[tuple[int, EventMention]], window: int = 6) -> list[EventMention]:
    """Mentions of one event in nearby sentences share what one of them leaves unsaid ("The diplomats
    walked out." ... "Diplomats from Britain and the US filed out during Lavrov's speech")."""
    out: list[EventMention] = []
    seen = set()
    for si, e in events:
        root = e.cameo[:2]
        donors = [(abs(sj - si), sj, d) for sj, d in events if sj != si and d.cameo[:2] == root
                  and abs(sj - si) <= window]
        variants = [e]
        for side in ("source", "target"):
            new = []
            for v in variants:
                if getattr(v, side) is not None and getattr(v, side).country:
                    new.append(v)
                    continue
                have = [(dist, sj, getattr(d, side), d) for dist, sj, d in donors
                        if getattr(d, side) is not None and getattr(d, side).country]
                if not have:
                    new.append(v)
                    continue
                nearest = min(h[0] for h in have)
                sj_best = min(h[1] for h in have if h[0] == nearest)
                other = "target" if side == "source" else "source"
                for _, sj, a, d in have:
                    if sj != sj_best or (getattr(v, other) and getattr(v, other).country == a.country):
                        continue
                    fill = {side: a, "confidence": round(v.confidence - 0.1, 2)}
                    if v.date_inferred and not d.date_inferred:
                        fill.update(date=d.date, date_inferred=False)
                    if v.place is None or (d.place and d.place not in v.sentence and v.place not in v.sentence):
                        fill.update(place=d.place, place_country=d.place_country, place_lat=d.place_lat,
                                    place_lon=d.place_lon)
                    new.append(replace(v, **fill))
                if not new or new[-1].start != v.start or getattr(new[-1], side) is None:
                    if not any(n.start == v.start and n.trigger == v.trigger for n in new):
                        new.append(v)
            variants = new
        for v in variants:
            # two sides of one country stay apart ("the government and the rebels must ...")
            key = (v.start, v.cameo, v.source and (v.source.country, v.source.sector),
                   v.target and (v.target.country, v.target.sector))
            if key not in seen:
                seen.add(key)
                out.append(v)
    return out
