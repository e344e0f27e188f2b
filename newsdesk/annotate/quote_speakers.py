"""Quote speakers: the noun phrase before or after a cue ("Ms Truss said", "said Rep. X (R-Ohio), a member"),
its head name, and the resolution of pronouns and short names to the article's named persons."""

from __future__ import annotations

import bisect

from newsdesk.annotate.quote_context import END, NP_TAGS, Ctx, is_punct
from newsdesk.annotate.quote_cues import PRONOUNS, TITLES, Person, full_name, person_key, resolve_pronoun

_SKIP_BACK = {"RB", "MD", "VBZ", "VBD", "VBP"}  # "also said", "has said", "would later say"
_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_PRON = {"he", "she", "they", "i", "we", "it"}

def subject_before(ctx: Ctx, c: int, floor: int) -> tuple[int, int] | None:
    """Token range of the noun phrase ending just before cue token `c` ("Ms Truss", "Rep. X (R-Ohio)",
    "X, a spokesman for Y,"), not reaching before `floor`."""
    j = c - 1
    while j >= floor and ctx.tag[j] in _SKIP_BACK and ctx.low[j] not in _PRON and j > c - 4:
        j -= 1
    end = j + 1
    if j >= floor and ctx.txt[j] == ",":  # appositive or relative clause: "X, who ..., said"
        k = j - 1
        while k >= floor and k > j - 25 and ctx.txt[k] != "," and not ctx.in_quote[k] and ctx.txt[k] not in END:
            k -= 1
        if k >= floor and ctx.txt[k] == ",":
            j = k - 1
        else:
            return None
    if j >= floor and ctx.txt[j] == ")":
        while j >= floor and ctx.txt[j] != "(":
            j -= 1
        j -= 1
    start = j + 1
    while j >= floor and start - j <= 10 and not ctx.in_quote[j] and (
            ctx.tag[j] in NP_TAGS or (ctx.ent_of_tok[j] is not None and ctx.txt[j] not in ",.")):
        if ctx.tag[j] == "PRP" and j < end - 1:
            break
        start = j
        j -= 1
        if ctx.tag[start] == "PRP":
            break
    return (start, end) if start < end else None


def np_after(ctx: Ctx, i: int, hi: int) -> tuple[int, int] | None:
    """Noun phrase starting at token i ("said Rep. Jim Jordan (R-Ohio), an oversight panel member")."""
    j = i
    while j < hi and (ctx.tag[j] in NP_TAGS or ctx.ent_of_tok[j] is not None) and ctx.txt[j] not in ",.":
        j += 1
    return (i, j) if j > i else None


def name_in(ctx: Ctx, lo: int, hi: int) -> tuple[int, int]:
    """The head name of a speaker phrase: its first non-possessive PERSON, else ORG/GPE/NORP, else all."""
    for label in _NAME_LABELS:
        for k in range(lo, hi):
            e = ctx.ent_of_tok[k]
            if e is not None and e.label_ == label and e.start >= lo and e.end <= hi:
                if e.end < len(ctx.tag) and ctx.tag[e.end] == "POS" or e.text.endswith(("'s", "’s")):
                    continue
                return e.start, e.end
    while lo < hi and ctx.txt[lo] in ",(—–-":
        lo += 1
    while hi > lo and ctx.txt[hi - 1] in ",)—–-":
        hi -= 1
    return lo, hi


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
    return span.text, span.start_char, span.end_char, span.text


def sentence_subject(ctx: Ctx, lo: int, hi: int) -> tuple[int, int] | None:
    k = lo
    while k < hi and (ctx.tag[k] in ("CC", "RB", ",", "``", "''") or is_punct(ctx.txt[k])):
        k += 1
    return np_after(ctx, k, hi) or name_before(ctx, lo, hi)


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
    ("Schiff called on the administration to "act""), else the first name before it."""
    lo = ctx.sent_bounds[ctx.sent_of_tok[o]][0]
    if lo >= o:
        return None
    np = sentence_subject(ctx, lo, o)
    if np is not None and np[1] <= o:
        a, b = name_in(ctx, *np)
        e = ctx.ent_of_tok[a] if b > a else None
        if e is not None and e.label_ in ("PERSON", "ORG") or b - a == 1 and ctx.low[a] in ("he", "she"):
            return a, b
    return name_before(ctx, lo, o)


def participle_subject(ctx: Ctx, c: int) -> tuple[int, int] | None:
    """Speaker of ", saying ..." / ", adding ...": the speaker of an earlier cue in the sentence, else its subject."""
    lo = ctx.sent_bounds[ctx.sent_of_tok[c]][0]
    for k in range(c - 1, lo - 1, -1):
        if ctx.low[k] in ctx.cues and ctx.tag[k].startswith("VB") and not ctx.in_quote[k]:
            if k > lo and ctx.txt[k - 1] == ",":
                return np_after(ctx, k + 1, c)
            return subject_before(ctx, k, lo)
    return sentence_subject(ctx, lo, c)

