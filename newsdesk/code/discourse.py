"""Article-level parts of event coding: sentences (split at line breaks too), the batched dependency
parse of the sentences that have a cue, dates and places of events, and arguments shared between
mentions of one event in nearby sentences."""

from __future__ import annotations

import re
from dataclasses import replace

from newsdesk.code.event_time import (
    MIN_PLACE_SCORE,
    lead_date,
    news_day,
    recalled,
    sure_places,
    timex_event_date,
    within_week,
)
from newsdesk.code.patterns import Cue, lemmas, lexicon
from newsdesk.records import EventActor, EventMention

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


# --- when and where: the event's own clause ---------------------------------------------------------------

# dependents that open another clause: a time or place inside one belongs to that clause's event ("the parents
# of two Americans killed in the 2012 attacks have filed a lawsuit", "McCain, who lost the 2008 election,")
_CLAUSE_DEPS = {"ccomp", "advcl", "relcl", "acl", "csubj", "csubjpass", "parataxis", "xcomp", "appos"}
_VERB_CLAUSE_DEPS = {"conj", "pcomp"}  # these open a clause when they are verbs
# the core arguments of a predicate: a year premodifying one dates that thing, not the event ("endorsed
# Clinton's 2016 campaign"), while one inside an adjunct dates the event ("In a 2014 interview, Gore said")
_CORE = {"nsubj", "nsubjpass", "dobj", "attr", "dative", "oprd", "agent"}
_PREMODIFIER = {"compound", "nummod", "amod", "poss", "nmod", "quantmod"}
_SETTING_PREPS = {"in", "at", "during", "on", "amid"}  # "the summit at which ...": set in the antecedent
_FUTURE = {"will", "shall", "'ll", "\u2019ll"}
_SEQUENCE_PREPS = {"after", "before", "since", "following", "until", "till", "preceding"}


def _verbal(t) -> bool:
    return t.tag_.startswith("VB") or t.pos_ in ("VERB", "AUX")


def _opens_clause(t) -> bool:
    return t.dep_ in _CLAUSE_DEPS or (t.dep_ in _VERB_CLAUSE_DEPS and _verbal(t))


def _same_occasion(t) -> bool:
    """A bare participle clause tells the occasion of its head's event ("Speaking in Geneva, Lavrov
    accused ...", "... fired on the crowd on Sunday, killing five")."""
    return t.dep_ == "advcl" and t.tag_ in ("VBG", "VBN") and not any(
        c.dep_ in ("mark", "nsubj", "nsubjpass", "aux") for c in t.children)


def _clause_head(tok):
    """The head of the clause `tok` stands in: itself for a predicate, the verb above an event noun."""
    t = tok
    while t.dep_ != "ROOT" and t.head.i != t.i and not _opens_clause(t):
        t = t.head
    return t


def _clause(top) -> set[int]:
    """Token indices of the clause headed by `top` (or of an event noun's phrase), without the clauses
    inside it."""
    out, stack = set(), [top]
    while stack:
        t = stack.pop()
        out.add(t.i)
        stack.extend(c for c in t.children if (not _opens_clause(c) or _same_occasion(c)) and not _sequence(c))
    return out


def _sequence(t) -> bool:
    """"(two days) after the bombing in Kabul": a phrase placing the event after or before another
    event, whose time and place are that event's ("since 2014" is a time of this one)."""
    return t.dep_ == "prep" and t.lower_ in _SEQUENCE_PREPS and not any(
        g.ent_type_ in ("DATE", "TIME") for o in t.children if o.dep_ == "pobj" for g in o.subtree)


def _setting_relative(t) -> bool:
    """A relative clause set in its antecedent ("the 2012 crisis in which the compound was attacked", "the
    summit where they agreed ..."): the antecedent's time and place are the clause's."""
    return t.dep_ == "relcl" and any(
        c.dep_ == "advmod" and c.lower_ in ("where", "when") or c.dep_ == "prep" and c.lower_ in _SETTING_PREPS
        and any(g.lower_ == "which" for g in c.children) for c in t.children)



def _clauses(tok, *, through_speech: bool):
    """(head, token indices, own phrase?) to look in, nearest first: an event noun's own phrase, its
    clause, then the clauses it shares a subject or an occasion with ("agreed on Tuesday to withdraw",
    "attacked ... on Monday and killed ..."), and for a date also the clause that reports it ("police said
    Monday they arrested ...")."""
    while tok.dep_ == "compound" and tok.head.i != tok.i:  # "terror attack": the phrase of its head noun
        tok = tok.head
    head = _clause_head(tok)
    if head.i != tok.i:
        yield tok, _clause(tok), True
        if tok.dep_ == "pobj" and tok.head.lower_ in _SEQUENCE_PREPS:
            return  # "three hours after the attack": the clause's time is not the attack's
    for _ in range(4):
        yield head, _clause(head), False
        if _setting_relative(head):
            yield head.head, _clause(head.head), True
            return
        up = head.dep_ in ("conj", "xcomp") or _same_occasion(head) or through_speech and head.dep_ == "ccomp"
        if not up or head.head.i == head.i:
            return
        head = _clause_head(head.head)


def _span_root(doc, offset: int, start: int, end: int):
    span = doc.char_span(start - offset, end - offset, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _dates_argument(root, top) -> bool:
    """Is this time expression a premodifier of a core argument (what it dates is that thing)?"""
    if root.dep_ not in _PREMODIFIER:
        return False
    t = root.head
    while t.i != top.i and t.head.i != t.i:
        if t.dep_ in _CORE:
            return True
        t = t.head
    return False


def _depth(t, top) -> int:
    n = 0
    while t.i != top.i and t.head.i != t.i:
        t, n = t.head, n + 1
    return n


def _length(doc) -> int:
    """Characters of a parsed sentence (`doc.text` joins every token: too dear to call per event)."""
    return doc[-1].idx + len(doc[-1].text) if len(doc) else 0


def event_date(ann, tok, offset: int) -> tuple[str | None, bool]:
    """The date of the event whose predicate (or event noun) is `tok`, a token of the parsed sentence that
    starts at `offset` of the article text, and whether it was inferred: the time expression of the event's
    own clause (values are normalised against the publication date: "on Tuesday", "last week"), else the
    publication date (inferred). A time in another clause of the sentence dates another event."""
    doc = tok.doc
    lo, hi = offset, offset + _length(doc)
    future = any(c.dep_ == "aux" and c.lower_ in _FUTURE for c in _clause_head(tok).children)  # "will testify"
    found = []
    for tx in ann.timexes:
        if lo <= tx.start < hi and (value := timex_event_date(ann, tx, future=future)):
            root = _span_root(doc, offset, tx.start, tx.end)
            if root is not None:
                found.append((root, value))
    for top, clause, own in _clauses(tok, through_speech=True):
        hits = [(_depth(r, top), -len(v), r.i, v) for r, v in found
                if r.i in clause and (own or not _dates_argument(r, top))]
        if hits:
            return min(hits)[3], False
    # "refused to answer last year": a past time of the verb's complement is also the verb's (a later one
    # is the plan's: "agreed to halt enrichment by 2030")
    pub = (ann.article.published or "9999")[:10]
    for c in _clause_head(tok).children:
        if c.dep_ == "xcomp":
            inner = _clause(c)
            hits = [(_depth(r, c), r.i, v) for r, v in found if r.i in inner and v <= pub]
            if hits:
                return min(hits)[2], False
    lead = lead_date(ann)
    if lead:
        return lead, True
    published = ann.article.published
    return (published[:10], True) if published else (None, True)


_DATELINE = re.compile(r"[A-Z][A-Z .'-]{2,}\b[^\n]{0,50}?\s[—–-]\s")


def event_place(ann, tok, offset: int, date: str | None = None, inferred: bool = True):
    """(name, country, lat, lon) of where the event whose predicate is `tok` happened: the place of a
    locative phrase of its own clause ("in Geneva", "at a checkpoint near Jenin"), else, for a current
    event, that of the article's dateline ("SKOPJE, North Macedonia — ..."); never a place inside an
    organisation's name or another clause, nor one the gazetteer could not place (left empty, not
    guessed)."""
    text = ann.article.text
    doc = tok.doc
    found = [(root, p, loc) for s, e, p, loc in sure_places(ann, offset, offset + _length(doc))
             if (root := _span_root(doc, offset, s, e)) is not None]  # (token, place, a locative phrase?)
    best = None
    for top, clause, own in _clauses(tok, through_speech=False):
        # a town named before an event noun is where it happened ("the Benghazi attack"); a country
        # there names a side ("the U.S. attack")
        hits = [(_depth(r, top), r.i, p) for r, p, loc in found if r.i in clause and (loc or own and (
            r.head.i == top.i and r.dep_ in ("compound", "nmod") and r.tag_.startswith("NNP")
            and p.feature not in ("country", "continent")))]
        if hits:
            best = min(hits, key=lambda h: h[:2])[2]
            break
    if best is None and inferred:
        # an undated current event of the report's news: the place of the sentence that dated that news
        # ("The suit was filed in Washington on Monday."), nearer the happening than a dateline
        day, where = news_day(ann)
        best = where if day and date == day else None
    if best is None and not recalled(ann, date, inferred):
        # a dateline opens the text with a capitalised place and a dash ("SKOPJE, North Macedonia —",
        # "BRUSSELS, May 22 (Wire) -"); its first place is where the report was filed
        head = _DATELINE.match(text)
        if head:
            firsts = [(min(s for s, _ in p.spans), p) for p in ann.places if p.spans and p.score >= MIN_PLACE_SCORE]
            best = min((x for x in firsts if x[0] < head.end()), key=lambda x: x[0], default=(0, None))[1]
    if best is None:
        return None, None, None, None
    return best.name, best.country, best.lat, best.lon


def share_arguments(events: list[tuple[int, EventMention]], ann=None, window: int = 6) -> list[EventMention]:
    """Mentions of one event in nearby sentences share what one of them leaves unsaid ("The diplomats
    walked out." ... "Diplomats from Britain and the US filed out during Lavrov's speech"). A side is shared
    only where the mention cannot have another one (`_may_share`), and one a mention names replaces it only
    when the donor names the same ones more fully ("the diplomats" -> "Diplomats from Britain"). `ann`: the
    annotated article (its actor mentions and quotes); without it only the sentences' distance counts."""
    out: list[EventMention] = []
    seen = set()
    for si, e in events:
        root = e.cameo[:2]
        donors = [(abs(sj - si), sj, d) for sj, d in events if sj != si and d.cameo[:2] == root
                  and abs(sj - si) <= window and _may_share(ann, e, d)]
        variants = [e]
        for side in ("source", "target"):
            new = []
            for v in variants:
                own = getattr(v, side)
                if own is not None and own.country:
                    new.append(v)
                    continue
                have = [(dist, sj, getattr(d, side), d) for dist, sj, d in donors
                        if getattr(d, side) is not None and getattr(d, side).country
                        and (_same_ones(own, getattr(d, side)) if own is not None
                             else not _competes(ann, v, side, getattr(d, side)))]
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
                    # its date too, when it is of the days of this one's news (a past one is another telling)
                    if v.date_inferred and not d.date_inferred and within_week(d.date, v.date):
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
            # one record per actor: two sides of one country stay apart ("the government and the rebels
            # must ...", "the mayor and the governor")
            key = (v.start, v.cameo, _who(v.source), _who(v.target))
            if key not in seen:
                seen.add(key)
                out.append(v)
    return out


def _who(a: EventActor | None):
    """An actor apart from others of its country and sector: a named one, or a role ("the mayor", "the
    governor"); sides that are neither (places taken for the target: "imposed blockades in Lahore,
    Rawalpindi ...") are one."""
    if a is None:
        return None
    return a.country, a.sector, a.actor_id or a.name or (a.text.lower() if a.sector else None)


def _may_share(ann, e: EventMention, d: EventMention) -> bool:
    """May mention `d` lend a side to `e`? Not when they tell different happenings (set in different
    countries or on different days the text gives: "airstrikes on positions in Iraq" lend no side to "the
    attacks in Paris"), nor when one is inside quoted words and the other not (a speaker's own words tell
    another telling than the narration around them)."""
    if e.place_country and d.place_country and e.place_country != d.place_country:
        return False
    if not (e.date_inferred or d.date_inferred) and e.date and d.date and not (
            e.date.startswith(d.date) or d.date.startswith(e.date)):
        return False
    return ann is None or _quoted(ann, e) == _quoted(ann, d)


def _trigger_at(e: EventMention) -> int:
    at = e.sentence.find(e.trigger)
    return e.start + (at if at >= 0 else 0)


def _quoted(ann, e: EventMention) -> bool:
    at = _trigger_at(e)
    return any(q.kind == "direct" and q.start <= at < q.end for q in ann.quotes)


_LOCATIVE = re.compile(r"\b(?:in|at|near|across|throughout|inside|outside)\s+(?:the\s+)?$", re.I)


def _competes(ann, v: EventMention, side: str, a: EventActor) -> bool:
    """Would the doer `a` of a neighbouring mention compete with what this mention's sentence says? It does
    when the sentence names another actor before the predicate (where its subject stands: "Republican focus
    sharpened after the attacks in Paris"), or names `a` after it, in another role ("the lawsuit alleges
    defamation by Clinton"). A country named as the place ("in South Africa") is no side. The one acted
    on may be named anywhere ("walked out ... just before Mr Lammy began his speech")."""
    if ann is None or side != "source":
        return False
    known = {x.actor_id for x in (v.source, v.target) if x is not None and x.actor_id}
    at, text = _trigger_at(v), ann.article.text
    return any(m.actor_id and m.actor_id not in known and v.start <= m.start < v.end
               and (m.start < at or m.actor_id == a.actor_id)
               and not _LOCATIVE.search(text, max(0, m.start - 16), m.start) for m in ann.mentions)


_FUNCTION_WORDS = {"the", "a", "an", "of", "from", "and", "in", "at", "on", "with", "for", "to", "by", "its", "their"}


def _same_ones(own: EventActor, donor: EventActor) -> bool:
    """Does the donor name the same ones more fully ("the diplomats" / "Diplomats from Britain")? A side with
    a name of its own ("Bryan", "Pagliano") is never someone else's."""
    def words(t: str) -> set[str]:
        return {w.rstrip("s") for w in re.findall(r"[a-z]+", t.lower()) if w not in _FUNCTION_WORDS and len(w) > 2}
    return own.actor_id is None and bool(words(own.text) & words(donor.text))
