"""Quote speakers: the noun phrase before or after a cue ("Ms Truss said", "said Rep. X (R-Ohio), a member"),
its head name, and the resolution of pronouns and short names to the article's named persons."""

from __future__ import annotations

import bisect
import re

from newsdesk.annotate.quote_context import NP_TAGS, Ctx, is_punct
from newsdesk.annotate.quote_cues import PRONOUNS, TITLES, Person, full_name, person_key, resolve_pronoun

_SKIP_BACK = {"RB", "MD", "VBZ", "VBD", "VBP"}  # "also said", "has said", "would later say"
_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_PRON = {"he", "she", "they", "i", "we", "it"}

_DATE_LABELS = ("DATE", "TIME")
_INTRO_TAGS = {"IN", "RB", "RBR", "WRB", "WDT", "WP", "VBG", "VBN", "TO", "CC", "UH"}
_FINITE = {"VBD", "VBZ", "VBP", "MD"}
_DASHES = {"—", "–", "-", "--"}
_OF = {"of", "by", "to", "at", "with", "from", "for"}
_BE = {"is", "are", "was", "were", "be", "been", "being", "am", "'s", "’s", "'re", "’re"}
_PARTY_TAG = re.compile(r"^[RDI]\s?-\s?[A-Z][A-Za-z. ]{0,12}$")  # "R-N.Y.", "D-Va."


def _skip_adverbials(ctx: Ctx, j: int, floor: int) -> int:
    """Last token before `j` + 1 that is not an adverb, auxiliary or time phrase ("has also said",
    "on Tuesday said", "(D-Calif.) last month joked", "who in 2010 said")."""
    n = 0
    while j >= floor and n < 3:
        e = ctx.ent_of_tok[j]
        if e is not None and e.label_ in _DATE_LABELS and not ctx.in_quote[j] and e.end - e.start <= 4:
            j = e.start - 1
            if j >= floor and ctx.tag[j] == "IN":
                j -= 1
        elif ctx.tag[j] in _SKIP_BACK and ctx.low[j] not in _PRON:
            j -= 1
        else:
            break
        n += 1
    return j


def _dateline_end(ctx: Ctx, lo: int, hi: int) -> int:
    """First token after a dateline opening the sentence ("WASHINGTON —", "PARIS, Aug 31 (Reuters) -")."""
    for k in range(lo, min(hi, lo + 14)):
        if ctx.txt[k] in _DASHES:
            head = [ctx.txt[m] for m in range(lo, k) if ctx.txt[m][:1].isalpha()]
            if head and head[0].isupper() and len(head[0]) > 1:
                return k + 1
            break
    return lo


def _chunks(ctx: Ctx, lo: int, hi: int) -> list[tuple[int, int]]:
    """Tokens lo..hi cut at commas outside quotes and closed parentheses (an unclosed one is a cut too)."""
    opened, closes = [], set()
    for k in range(lo, hi):
        if ctx.txt[k] == "(":
            opened.append(k)
        elif ctx.txt[k] == ")" and opened:
            closes.add(opened.pop())
    out, a, depth = [], lo, 0
    for k in range(lo, hi + 1):
        cut = k == hi or k in opened
        if not cut and ctx.txt[k] == "(":
            depth += 1
        elif not cut and ctx.txt[k] == ")":
            depth = max(0, depth - 1)
        if cut or depth == 0 and not ctx.in_quote[k] and ctx.txt[k] in (",", ";", "—", "–"):
            if k > a:
                out.append((a, k))
            a = k + 1
    return out


def _is_person(ctx: Ctx, k: int) -> bool:
    e = ctx.ent_of_tok[k]
    return e is not None and e.label_ == "PERSON" or ctx.tag[k] == "NNP" and ctx.low[k] in ctx.keys


def _head(ctx: Ctx, a: int, b: int) -> int | None:
    """Last token of the noun phrase that opens tokens a..b ("Rep. Tom Cole (R-Okla.) of ..." -> Cole),
    None when it is possessive ("Gorka's analysis" has head analysis, "Clinton's" none)."""
    j, depth, head = a, 0, None
    while j < b:
        t = ctx.txt[j]
        if t == "(":
            depth += 1
        elif t == ")":
            depth -= 1
        elif depth == 0:
            if not (ctx.tag[j] in NP_TAGS or ctx.ent_of_tok[j] is not None) or ctx.in_quote[j]:
                break
            if ctx.tag[j] != "POS":
                head = j
        j += 1
    if head is None or head + 1 < b and ctx.tag[head + 1] == "POS":
        return None
    return head


def _appositive_subject(ctx: Ctx, lo: int, hi: int) -> tuple[int, int] | None:
    """Speaker of "X, a spokesman for Y, which ..., said" / "The group's director, X, said": walking back
    from the cue over relative clauses, ages, adverbials and role phrases to the chunk that names someone.
    `hi` is the comma before the cue."""
    fallback = member = None
    for a, b in reversed(_chunks(ctx, max(lo, _dateline_end(ctx, lo, hi)), hi)):
        while a < b and (ctx.tag[a] in ("CC", "``", "''") or is_punct(ctx.txt[a])):
            a += 1
        if a >= b or ctx.in_quote[a]:
            continue
        tag, e = ctx.tag[a], ctx.ent_of_tok[a]
        if tag in ("WP", "WDT", "WP$") or all(ctx.tag[k] == "CD" for k in range(a, b)):
            continue  # ", who has served ...", ", 56,"
        if _PARTY_TAG.match(ctx.text[ctx.tstart[a]:ctx.tstart[b - 1] + len(ctx.txt[b - 1])]):
            continue  # ", R-N.Y.,"
        finite = _finite(ctx, a, b)
        h = _head(ctx, a, finite)
        if ctx.low[a] == "including" and any(_is_person(ctx, k) for k in range(a, b)):
            member = member or (a + 1, b)  # "veterans ..., including Mr. Jebens, said"
            continue
        if tag in _INTRO_TAGS and tag != "RBS" or e is not None and e.label_ in _DATE_LABELS:
            continue  # ", in a statement,", ", citing sources,", ", on Tuesday,"
        if h is not None and (_is_person(ctx, h) or ctx.tag[h] == "PRP" or ctx.tag[h] in ("NNP", "NNPS") and
                              ctx.low[a] not in ("a", "an") and not (ctx.ent_of_tok[h] is not None and
                                                                     ctx.ent_of_tok[h].label_ == "NORP")):
            return a, h + 1  # "Michael Mulgrew", "Teck", "he"; a role phrase before them is left
        if finite == b:
            fallback = (a, b)  # a role phrase: remembered in case no name comes before it
            continue
        k = b - 1  # a clause ran into the speaker: its last noun phrase ("... Trump. Parker Eaton, a ..., said")
        start = b
        while k >= a and b - k <= 8 and (ctx.tag[k] in NP_TAGS or ctx.ent_of_tok[k] is not None) and \
                not ctx.in_quote[k] and ctx.tag[k] != "PRP":
            start = k
            k -= 1
        if start < b and any(ctx.ent_of_tok[m] is not None for m in range(start, b)):
            return start, b
        break
    return member or fallback if fallback is None or not any(
        _is_person(ctx, k) for k in range(*fallback)) else fallback


def _finite(ctx: Ctx, a: int, b: int) -> int:
    """First finite verb of tokens a..b outside quotes and relative clauses ("a former aide who argued ..."
    has none), else b."""
    for k in range(a, b):
        if ctx.in_quote[k]:
            continue
        if ctx.tag[k] in ("WP", "WDT", "WP$") or ctx.low[k] == "that":
            return b
        if ctx.tag[k] in _FINITE:
            return k
    return b


def subject_before(ctx: Ctx, c: int, floor: int) -> tuple[int, int] | None:
    """Token range of the noun phrase ending just before cue token `c` ("Ms Truss", "Rep. X (R-Ohio)",
    "X, a spokesman for Y,"), not reaching before `floor`."""
    j = _skip_adverbials(ctx, c - 1, floor)
    end = j + 1
    if j >= floor and ctx.txt[j] in (",", "—", "–"):  # appositives and relative clauses: "X, 56, who ..., said"
        return _appositive_subject(ctx, floor, j)
    if j >= floor and ctx.txt[j] == ")":
        while j >= floor and ctx.txt[j] != "(":
            j -= 1
        j -= 1
    start = _np_back(ctx, j, floor, end)
    while start < end and start - 2 >= floor and ctx.low[start - 1] in _OF and end - start < 14:
        # "Joel Pollak of Breitbart California", "a former aide to Mr. Obama": the phrase goes on leftwards
        more = _np_back(ctx, start - 2, floor, start - 1)
        if more >= start - 1 or ctx.tag[more] == "PRP":
            break
        start = more
    return _coordinated(ctx, floor, start, end) if start < end else None


def _np_back(ctx: Ctx, j: int, floor: int, end: int) -> int:
    """First token of the noun phrase that ends with token j."""
    start = j + 1
    while j >= floor and start - j <= 10 and not ctx.in_quote[j] and (
            ctx.tag[j] in NP_TAGS or (ctx.ent_of_tok[j] is not None and ctx.txt[j] not in ",.") or
            ctx.tag[j] == "VBN" and j > floor and ctx.tag[j - 1] == "HYPH"):
        if ctx.tag[j] == "PRP" and j < end - 1:
            break
        start = j
        j -= 1
        if ctx.tag[start] == "PRP":
            break
    return start


def np_after(ctx: Ctx, i: int, hi: int) -> tuple[int, int] | None:
    """Noun phrase starting at token i ("said Rep. Jim Jordan (R-Ohio), an oversight panel member")."""
    j = _np_fwd(ctx, i, hi)
    while i < j < hi - 1 and ctx.low[j] in _OF and j - i < 14 and \
            not any(ctx.ent_of_tok[k] is not None and ctx.ent_of_tok[k].label_ == "PERSON" for k in range(i, j)):
        # "an analysis by Lily Batchelder", "former Secretary of State Hillary Clinton"
        more = _np_fwd(ctx, j + 1, hi)
        if more == j + 1:
            break
        j = more
    return (i, j) if j > i else None


def _np_fwd(ctx: Ctx, i: int, hi: int) -> int:
    j = i
    while j < hi and (ctx.tag[j] in NP_TAGS or ctx.ent_of_tok[j] is not None or
                      ctx.tag[j] == "VBN" and j > i and ctx.tag[j - 1] == "HYPH") and ctx.txt[j] not in ",.":
        j += 1
    return j


def name_in(ctx: Ctx, lo: int, hi: int) -> tuple[int, int]:
    """The head name of a speaker phrase: its first non-possessive PERSON, else ORG/GPE/NORP, else all."""
    for label in _NAME_LABELS:
        if label == "ORG":  # an untagged two-word name beats a place or group tagged beside it
            run = _name_run(ctx, lo, hi)   # ("Charlotte Mayor Jennifer Roberts")
            if run is not None:
                return run
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
    return span.text, span.start_char, span.end_char, span.text


def sentence_subject(ctx: Ctx, lo: int, hi: int) -> tuple[int, int] | None:
    """The subject of the sentence's main verb (its first finite verb outside quotes, parentheses and
    relative clauses: "At an event in Ames, Iowa, on Sunday, Mrs. Clinton tried ..."), else its first name."""
    lo = _dateline_end(ctx, lo, hi)
    if lo < hi and ctx.ent_of_tok[lo] is None and ctx.tag[lo] in _INTRO_TAGS and ctx.tag[lo] != "CC":
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
        elif ctx.tag[k] in _FINITE and not rel:
            sub = subject_before(ctx, k, lo)
            if sub is not None:
                return _coordinated(ctx, lo, *sub)
            break
    return name_before(ctx, lo, hi)


def _coordinated(ctx: Ctx, lo: int, a: int, b: int) -> tuple[int, int]:
    """The whole of a coordinated subject ("Carson, Fiorina and Huckabee have ..."): the first conjunct
    leads, as the annotators take the first name."""
    if a - 2 < lo or ctx.low[a - 1] not in ("and", "&"):
        return a, b
    while a - 2 >= lo and ctx.low[a - 1] in (",", "and", "&") and ctx.tag[a - 2] in ("NNP", "NNPS"):
        k = a - 2
        while k - 1 >= lo and (ctx.tag[k - 1] in NP_TAGS or ctx.ent_of_tok[k - 1] is not None) and \
                not ctx.in_quote[k - 1] and ctx.tag[k - 1] != "PRP":
            k -= 1
        a = k
    return a, b


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
        return signature_after(ctx, o)
    j = o - 1
    while j > lo and not ctx.txt[j].strip():
        j -= 1
    if ctx.txt[j] == ":":  # "Philip Bump: "..."", "Frank Newport and Jim Harter: "...""
        a = _np_back(ctx, j - 1, lo, j)
        if a < j and any(ctx.ent_of_tok[k] is not None and ctx.ent_of_tok[k].label_ in ("PERSON", "ORG")
                         for k in range(a, j)):
            return _coordinated(ctx, lo, a, j)
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

