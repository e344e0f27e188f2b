"""Noun phrases around a verb of saying: the subject before a cue, through appositives, relative clauses,
time phrases and datelines ("Michael Mulgrew, president of the union, which ..., said"), the phrase after
an inverted cue ("said Rep. X (R-Ohio), a member"), and coordinated subjects."""

from __future__ import annotations

import re

from newsdesk.annotate.quote_context import NP_TAGS, Ctx, is_punct

_SKIP_BACK = {"RB", "MD", "VBZ", "VBD", "VBP"}  # "also said", "has said", "would later say"
_PRON = {"he", "she", "they", "i", "we", "it"}
DATE_LABELS = ("DATE", "TIME")
INTRO_TAGS = {"IN", "RB", "RBR", "WRB", "WDT", "WP", "VBG", "VBN", "TO", "CC", "UH"}
FINITE = {"VBD", "VBZ", "VBP", "MD"}
_DASHES = {"—", "–", "-", "--"}
_REFLEXIVE = {"himself", "herself", "itself", "themselves"}
_OF = {"of", "by", "to", "at", "with", "from", "for"}
_PARTY_TAG = re.compile(r"^[RDI]\s?-\s?[A-Z][A-Za-z. ]{0,12}$")  # "R-N.Y.", "D-Va."


def _skip_adverbials(ctx: Ctx, j: int, floor: int) -> int:
    """Last token before `j` + 1 that is not an adverb, auxiliary or time phrase ("has also said",
    "on Tuesday said", "(R-Ohio) last week quipped", "who in 2015 said")."""
    n = 0
    while j >= floor and n < 3:
        e = ctx.ent_of_tok[j]
        if e is not None and e.label_ in DATE_LABELS and not ctx.in_quote[j] and e.end - e.start <= 4:
            j = e.start - 1
            if j >= floor and ctx.tag[j] == "IN":
                j -= 1
        elif ctx.tag[j] in _SKIP_BACK and ctx.low[j] not in _PRON or ctx.low[j] in ("all", "both", "each"):
            j -= 1  # "... and Robert Menendez all suggested"
        else:
            break
        n += 1
    return j


def dateline_end(ctx: Ctx, lo: int, hi: int) -> int:
    """First token after a dateline opening the sentence ("WASHINGTON —", "OSLO, May 4 (Reuters) -")."""
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
            if ctx.low[j] == "of" and head is not None and ctx.tag[head] == "NNP" and j + 1 < b and \
                    ctx.tag[j + 1] == "NNP" and any(_is_person(ctx, m) for m in range(j + 1, min(b, j + 5))):
                j += 1  # "Secretary of State Hillary Clinton"
                continue
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
    fallback = member = place = None
    in_relative = False  # walking back through a relative clause cut by commas ("whose city, Turin, is")
    for a, b in reversed(_chunks(ctx, max(lo, dateline_end(ctx, lo, hi)), hi)):
        while a < b and (ctx.tag[a] in ("CC", "``", "''") or is_punct(ctx.txt[a])):
            a += 1
        if a >= b or ctx.in_quote[a]:
            continue
        tag, e = ctx.tag[a], ctx.ent_of_tok[a]
        if tag in FINITE:
            in_relative = True  # the predicate of a relative clause: ", is projected to ...", ", wrote the report"
            continue
        if in_relative and not any(ctx.tag[k] in ("WP", "WDT", "WP$") for k in range(a, b)):
            continue
        in_relative = False
        if tag in ("WP", "WDT", "WP$") or all(ctx.tag[k] == "CD" for k in range(a, b)):
            continue  # ", who has served ...", ", 56,"
        if _PARTY_TAG.match(ctx.text[ctx.tstart[a]:ctx.tstart[b - 1] + len(ctx.txt[b - 1])]):
            continue  # ", R-N.Y.,"
        finite = _finite(ctx, a, b)
        h = _head(ctx, a, finite)
        if ctx.low[a] == "including" and any(_is_person(ctx, k) for k in range(a, b)):
            member = member or (a + 1, b)  # "veterans ..., including Mr. Jebens, said"
            continue
        if tag in INTRO_TAGS and tag != "RBS" or e is not None and e.label_ in DATE_LABELS:
            continue  # ", in a statement,", ", citing sources,", ", on Tuesday,"
        if h is not None and e is not None and e.label_ in ("GPE", "LOC") and e.end > h:
            place = place or (a, h + 1)  # "..., of Dayton, Ohio, says": the place of someone named before
            continue
        if h is not None and (_is_person(ctx, h) or ctx.tag[h] == "PRP" or ctx.tag[h] in ("NNP", "NNPS") and
                              ctx.low[a] not in ("a", "an") and not (ctx.ent_of_tok[h] is not None and
                                                                     ctx.ent_of_tok[h].label_ == "NORP")):
            return a, h + 1  # "Michael Mulgrew", "Teck", "he"; a role phrase before them is left
        if finite == b:
            fallback = (a, b)  # a role phrase: remembered in case no name comes before it
            continue
        k = b - 1  # a clause ran into the speaker: its last noun phrase ("... the vote. Ana Ruiz, a ..., said")
        start = b
        while k >= a and b - k <= 8 and (ctx.tag[k] in NP_TAGS or ctx.ent_of_tok[k] is not None) and \
                not ctx.in_quote[k] and ctx.tag[k] != "PRP":
            start = k
            k -= 1
        if start < b and any(ctx.ent_of_tok[m] is not None for m in range(start, b)):
            return start, b
        break
    if fallback is None or not any(_is_person(ctx, k) for k in range(*fallback)):
        return member or fallback or place
    return fallback


def _finite(ctx: Ctx, a: int, b: int) -> int:
    """First finite verb of tokens a..b outside quotes and relative clauses ("a former aide who argued ..."
    has none), else b."""
    for k in range(a, b):
        if ctx.in_quote[k]:
            continue
        if ctx.tag[k] in ("WP", "WDT", "WP$") or ctx.low[k] == "that":
            return b
        if ctx.tag[k] in FINITE:
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
    start = np_back(ctx, j, floor, end)
    while start < end and start - 2 >= floor and ctx.low[start - 1] in _OF and end - start < 14:
        # "Dana Whitfield of Harbour Radio Lagos", "a former aide to Mr. Obama": the phrase goes on leftwards
        more = np_back(ctx, start - 2, floor, start - 1)
        if more >= start - 1 or ctx.tag[more] == "PRP":
            break
        start = more
    return coordinated(ctx, floor, start, end) if start < end else None


def np_back(ctx: Ctx, j: int, floor: int, end: int) -> int:
    """First token of the noun phrase that ends with token j."""
    start = j + 1
    while j >= floor and start - j <= 10 and not ctx.in_quote[j] and (
            ctx.tag[j] in NP_TAGS or (ctx.ent_of_tok[j] is not None and ctx.txt[j] not in ",.") or
            ctx.tag[j] == "VBN" and j > floor and ctx.tag[j - 1] == "HYPH"):
        if ctx.tag[j] == "PRP" and j < end - 1:
            break
        start = j
        j -= 1
        if ctx.tag[start] == "PRP" and not (ctx.low[start] in _REFLEXIVE and j >= floor and ctx.tag[j] == "NNP"):
            break  # but "Sanders himself said" goes on to the name
    return start


def np_after(ctx: Ctx, i: int, hi: int) -> tuple[int, int] | None:
    """Noun phrase starting at token i ("said Rep. Jim Jordan (R-Ohio), an oversight panel member")."""
    j = _np_fwd(ctx, i, hi)
    while i < j < hi - 1 and ctx.low[j] in _OF and j - i < 14 and \
            not any(ctx.ent_of_tok[k] is not None and ctx.ent_of_tok[k].label_ == "PERSON" for k in range(i, j)):
        # "a study by Ana Ruiz", "former Secretary of State Colin Powell"
        more = _np_fwd(ctx, j + 1, hi)
        if more == j + 1:
            break
        j = more
    if i < j < hi - 1 and ctx.txt[j] == "," and _is_person(ctx, j + 1) and \
            not any(_is_person(ctx, k) and ctx.tag[k] != "POS" and not (k + 1 < j and ctx.tag[k + 1] == "POS")
                    for k in range(i, j)):
        j = _np_fwd(ctx, j + 1, hi)  # "said Rubio's deputy campaign manager, Rich Beeson, who ..."
    return (i, j) if j > i else None


def _np_fwd(ctx: Ctx, i: int, hi: int) -> int:
    j = i
    while j < hi and (ctx.tag[j] in NP_TAGS or ctx.ent_of_tok[j] is not None or
                      ctx.tag[j] == "VBN" and j > i and ctx.tag[j - 1] == "HYPH") and ctx.txt[j] not in ",.":
        j += 1
    return j


def coordinated(ctx: Ctx, lo: int, a: int, b: int) -> tuple[int, int]:
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
