"""Quote speakers: which phrase speaks for a cue (subject, participle, sentence opener, "Name:" lead,
signature), its head name, and the resolution of pronouns and short names to the article's named persons."""

from __future__ import annotations

import bisect

from newsdesk.annotate.quote_context import Ctx, is_punct
from newsdesk.annotate.quote_cues import PRONOUNS, TITLES, Person, full_name, person_key, resolve_pronoun
from newsdesk.annotate.quote_phrases import (
    FINITE,
    INTRO_TAGS,
    coordinated,
    dateline_end,
    np_after,
    np_back,
    subject_before,
)

_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_ROLE_ABBR = {"sen": "senator", "rep": "congressman", "gov": "governor", "gen": "general", "pres": "president",
              "sec": "secretary", "amb": "ambassador", "lt": "lieutenant", "col": "colonel"}
_BE = {"is", "are", "was", "were", "be", "been", "being", "am", "'s", "’s", "'re", "’re"}


def name_in(ctx: Ctx, lo: int, hi: int) -> tuple[int, int]:
    """The head name of a speaker phrase: its first non-possessive PERSON, else ORG/GPE/NORP, else all."""
    for label in _NAME_LABELS:
        if label == "ORG":  # an untagged two-word name beats a place or group tagged beside it
            run = _name_run(ctx, lo, hi)   # ("Tulsa Mayor Ines Carvalho")
            if run is not None:
                return run
        for k in range(lo, hi):
            e = ctx.ent_of_tok[k]
            if e is not None and e.label_ == label and e.start >= lo and e.end <= hi:
                if e.end < len(ctx.tag) and ctx.tag[e.end] == "POS" or e.text.endswith(("'s", "’s")):
                    continue
                nxt = ctx.ent_of_tok[e.end] if e.end < hi else None
                if nxt is not None and nxt is not e and nxt.label_ == "PERSON":
                    continue  # the tagger split "Tulsa Mayor | Ines Carvalho": the last is the name
                return e.start, e.end
    while lo < hi and ctx.txt[lo] in ",(—–-":
        lo += 1
    while hi > lo and ctx.txt[hi - 1] in ",)—–-":
        hi -= 1
    return lo, hi


def _name_run(ctx: Ctx, lo: int, hi: int) -> tuple[int, int] | None:
    """The last run of two or three capitalised proper nouns that the tagger left without an entity."""
    k = hi - 1
    while k >= lo:
        if ctx.tag[k] == "NNP" and ctx.ent_of_tok[k] is None and ctx.txt[k][:1].isupper():
            b = k + 1
            while k - 1 >= lo and ctx.tag[k - 1] == "NNP" and ctx.ent_of_tok[k - 1] is None:
                k -= 1
            if 2 <= b - k <= 3 and (b >= len(ctx.tag) or ctx.tag[b] != "POS"):
                return k, b
        k -= 1
    return None


def speaker_of(ctx: Ctx, rng: tuple[int, int] | None, at: int) -> tuple[str | None, int | None, int | None, str | None]:
    """(speaker_text, start, end, speaker) for a speaker token range; pronouns resolved to a person."""
    if rng is None:
        return None, None, None, None
    lo, hi = name_in(ctx, *rng)
    if hi <= lo:
        return None, None, None, None
    span = ctx.doc[lo:hi]
    low = span.text.lower()
    if low in PRONOUNS:
        p = resolve_pronoun(low, span.start_char, ctx.persons, ctx.genders, lambda x: ctx.sent_of_tok[
            bisect.bisect_right(ctx.tstart, x) - 1], ctx.last, ctx.para_of_tok[lo])
        if p is None:
            return span.text, span.start_char, span.end_char, None
        ctx.last = p
        return span.text, p.start, p.end, full_name(ctx.persons, p.text)
    if low == "it" and ctx.last is not None:  # "It continued:" after a post goes on with its author
        return span.text, ctx.last.start, ctx.last.end, full_name(ctx.persons, ctx.last.text)
    e = ctx.ent_of_tok[lo]
    if e is not None and e.label_ == "PERSON" or span.text[:1].isupper() and person_key(span.text) in ctx.keys:
        if lo > 0 and ctx.low[lo - 1] in TITLES and ctx.genders.of(person_key(span.text)) is None:
            ctx.genders.vote(person_key(span.text), TITLES[ctx.low[lo - 1]])
        ctx.last = Person(span.start_char, span.end_char, span.text, person_key(span.text),
                          ctx.sent_of_tok[lo], ctx.para_of_tok[lo])
        return span.text, span.start_char, span.end_char, full_name(ctx.persons, span.text)
    p = _role_holder(ctx, lo, hi)
    if p is not None:  # "the senator said" after "Sen. Ruth Okafor"
        ctx.last = p
        return span.text, p.start, p.end, full_name(ctx.persons, p.text)
    return span.text, span.start_char, span.end_char, span.text


def _role_holder(ctx: Ctx, lo: int, hi: int) -> Person | None:
    """The person a definite role phrase ("the senator", "the spokeswoman") refers to: the latest one
    named with that title ("Sen. X") or that role beside the name ("X, a spokeswoman for ..."), within the
    last three paragraphs."""
    if hi - lo != 2 or ctx.low[lo] != "the" or not ctx.txt[lo + 1].isalpha() or not ctx.txt[lo + 1].islower():
        return None
    role = ctx.low[lo + 1]
    for p in reversed(ctx.persons):
        if p.start >= ctx.tstart[lo] or ctx.para_of_tok[lo] - p.para > 3:
            continue
        k = bisect.bisect_left(ctx.tstart, p.start)
        e = bisect.bisect_left(ctx.tstart, p.end)
        near = [ctx.low[m].rstrip(".") for m in range(max(0, k - 3), k)] + \
            [ctx.low[m] for m in range(e, min(len(ctx.low), e + 6))]
        if role in near or any(_ROLE_ABBR.get(w) == role for w in near):
            return p
    return None


def sentence_subject(ctx: Ctx, lo: int, hi: int) -> tuple[int, int] | None:
    """The subject of the sentence's main verb (its first finite verb outside quotes, parentheses and
    relative clauses: "At an event in Ames, Iowa, on Sunday, Mrs. Clinton tried ..."), else its first name."""
    lo = dateline_end(ctx, lo, hi)
    if lo < hi and ctx.ent_of_tok[lo] is None and ctx.tag[lo] in INTRO_TAGS and ctx.tag[lo] != "CC":
        # "Asked whether ..., Mrs. Clinton said": the main clause starts after the introductory phrase
        comma = next((k for k in range(lo, hi) if ctx.txt[k] == "," and not ctx.in_quote[k]), None)
        if comma is not None:
            lo = comma + 1
    depth, rel = 0, False
    for k in range(lo, hi):
        t = ctx.txt[k]
        depth += (t == "(") - (t == ")")
        if ctx.in_quote[k] or depth > 0:
            continue
        if ctx.tag[k] in ("WP", "WDT", "WP$"):
            rel = True
        elif t in (",", ";", "—", "–"):
            rel = False
        elif ctx.tag[k] in FINITE and not rel:
            sub = subject_before(ctx, k, lo)
            if sub is not None:
                return coordinated(ctx, lo, *sub)
            break
    return name_before(ctx, lo, hi)


def name_before(ctx: Ctx, lo: int, hi: int) -> tuple[int, int] | None:
    """The first PERSON (else ORG) named outside quotes in tokens lo..hi."""
    for label in ("PERSON", "ORG"):
        for k in range(lo, hi):
            e = ctx.ent_of_tok[k]
            if e is not None and e.label_ == label and not ctx.in_quote[k] and e.end <= hi:
                return e.start, e.end
    return None


def orphan_speaker(ctx: Ctx, o: int) -> tuple[int, int] | None:
    """Speaker of a quote with no cue: the subject of its sentence when that is a name or pronoun
    ("Okafor called on the ministry to "act""), else the first name before it."""
    lo = ctx.sent_bounds[ctx.sent_of_tok[o]][0]
    if lo >= o:
        return signature_after(ctx, o)
    j = o - 1
    while j > lo and not ctx.txt[j].strip():
        j -= 1
    if ctx.txt[j] == ":":  # "Ana Ruiz: "..."", "Ana Ruiz and Tom Berg: "...""
        a = np_back(ctx, j - 1, lo, j)
        if a < j and any(ctx.ent_of_tok[k] is not None and ctx.ent_of_tok[k].label_ in ("PERSON", "ORG")
                         for k in range(a, j)):
            return coordinated(ctx, lo, a, j)
    np = sentence_subject(ctx, lo, o)
    if np is not None and np[1] <= o:
        a, b = name_in(ctx, *np)
        e = ctx.ent_of_tok[a] if b > a else None
        if e is not None and e.label_ in ("PERSON", "ORG") or b - a == 1 and ctx.low[a] in ("he", "she"):
            return a, b
    return name_before(ctx, lo, o)


def signature_after(ctx: Ctx, o: int) -> tuple[int, int] | None:
    """A quote that opens its paragraph and is signed in the next one ("Dean Baker, Center for Economic
    and Policy Research."): the name that paragraph opens with, when it has no verb."""
    p = ctx.para_of_tok[o]
    a = bisect.bisect_left(ctx.para_of_tok, p + 1)
    b = bisect.bisect_left(ctx.para_of_tok, p + 2)
    while a < b and not ctx.txt[a].strip():
        a += 1
    if not 2 <= b - a <= 14 or any(ctx.tag[k].startswith("VB") or ctx.in_quote[k] for k in range(a, b)):
        return None
    head = a
    while head < b and ctx.tag[head] == "NNP" and not ctx.txt[head].isupper():
        head += 1
    if head - a < 2 or not (head == b or ctx.txt[head] in (",", ".")):
        return None
    return a, head


def participle_subject(ctx: Ctx, c: int) -> tuple[int, int] | None:
    """Speaker of ", saying ..." / ", adding ...": the speaker of an earlier cue in the sentence, else its subject."""
    lo = ctx.sent_bounds[ctx.sent_of_tok[c]][0]
    for k in range(c - 1, lo - 1, -1):
        if ctx.low[k] in ctx.cues and ctx.tag[k].startswith("VB") and not ctx.in_quote[k]:
            if k > lo and ctx.txt[k - 1] == ",":
                return np_after(ctx, k + 1, c)
            return subject_before(ctx, k, lo) or sentence_subject(ctx, lo, c)
    # "Asked whether ..., Sanders said": a participle opening the sentence has the main subject after it
    return sentence_subject(ctx, lo, c) or sentence_subject(ctx, lo, ctx.sent_bounds[ctx.sent_of_tok[c]][1])


def cue_subject(ctx: Ctx, c: int, floor: int) -> tuple[int, int] | None:
    """Speaker of the cue at token c when it does not follow the cue: the subject before it, the subject
    of the sentence for a participle (", saying", "while arguing"), the name after a cue that opens the
    sentence ("Said Ellis:", "Continued Stone:")."""
    first, hi = ctx.sent_bounds[ctx.sent_of_tok[c]]
    while first < c and is_punct(ctx.txt[first]):
        first += 1
    if first == c and ctx.tag[c] in ("VBD", "VBZ", "VBP", "NNP"):
        return np_after(ctx, c + 1, hi)
    if ctx.tag[c] == "VBG" and (c == 0 or ctx.low[c - 1] not in _BE):
        return participle_subject(ctx, c)
    return subject_before(ctx, c, floor) or participle_subject(ctx, c)

