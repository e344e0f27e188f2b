"""Quotes: who said what in an article — direct quotes (straight, curly and single marks, over several
paragraphs), reported speech and social-media posts, each with its cue verb and speaker.

Works on the tagged Doc of the shared pipeline (Penn tags, sentences, entities; no parse): quote marks are
paired per paragraph, then attributions are read from fixed token patterns around each quote and around
each verb of saying. Partial quotes inside reported speech ("X said the plan was "a disaster"") give one
Quote for the whole reported clause, kind "direct" when at least half its letters are quoted (as PolNeAR
counts them) — so a sentence is one attribution, however many quoted fragments it holds.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from newsdesk.annotate.quote_cues import (
    GENDERED,
    PRONOUNS,
    SOCIAL,
    TIME_WORDS,
    TITLES,
    Genders,
    Person,
    Seg,
    cue_verbs,
    full_name,
    paragraphs,
    person_key,
    quote_segments,
    resolve_pronoun,
)
from newsdesk.records import Quote

__all__ = ["find_quotes"]

_ALNUM = re.compile(r"[^\W_]")
_END = {".", "!", "?"}
_NP_TAGS = {"NNP", "NNPS", "NN", "NNS", "DT", "JJ", "JJR", "JJS", "PRP", "PRP$", "POS", "CD", "HYPH", "NFP"}
_SKIP_BACK = {"RB", "MD", "VBZ", "VBD", "VBP"}  # "also said", "has said", "would later say"
_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP")
ORPHAN_MIN_WORDS = 2
_PRON = {"he", "she", "they", "i", "we", "it"}


@dataclass
class _Ent:
    """A named entity read from the token arrays (cheaper than building doc.ents)."""

    start: int
    end: int
    label_: str
    text: str
    start_char: int = 0
    end_char: int = 0


@dataclass
class _Attr:
    cue: str | None
    cue_i: int | None
    spk: tuple[int, int] | None  # token range of the speaker mention
    kind: str = "direct"
    region: tuple[int, int] = (0, 0)  # token range of the attribution itself


@dataclass
class _Ctx:
    doc: object
    text: str
    tstart: list[int]
    para_of_tok: list[int]
    sent_of_tok: list[int]
    sent_bounds: list[tuple[int, int]]
    in_quote: list[bool]
    ent_of_tok: list[object]
    cues: dict[str, str]
    persons: list[Person] = field(default_factory=list)
    genders: Genders = field(default_factory=Genders)
    last: Person | None = None
    keys: set[str] = field(default_factory=set)  # last names of the article's PERSON mentions
    tag: list[str] = field(default_factory=list)  # per token: Penn tag, lower case form, text (read once)
    low: list[str] = field(default_factory=list)
    txt: list[str] = field(default_factory=list)
    ents: list = field(default_factory=list)
    claimed: list[bool] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


# --- context --------------------------------------------------------------------------------------------

def _read(doc) -> tuple[list[list[int]], list[str], str]:
    """Token attributes as one array read, token texts, and the doc text rebuilt from them (doc.text and
    Token objects cost more than everything else here put together)."""
    arr = doc.to_array(["IDX", "SENT_START", "TAG", "LOWER", "ORTH", "ENT_IOB", "ENT_TYPE", "SPACY"]).tolist()
    strings = doc.vocab.strings
    txt = [strings[r[4]] for r in arr]
    text = "".join([t + " " if r[7] else t for t, r in zip(txt, arr, strict=True)])
    return arr, txt, text


def _context(doc, arr: list[list[int]], txt: list[str], text: str, paras: list[tuple[int, int]],
             segs: list[Seg]) -> _Ctx:
    strings = doc.vocab.strings
    tstart = [r[0] for r in arr]
    tag = [strings[r[2]] for r in arr]
    low = [strings[r[3]] for r in arr]
    pstarts = [a for a, _ in paras]
    para_of_tok = [max(0, bisect.bisect_right(pstarts, i) - 1) for i in tstart]
    n = len(arr)
    sent_of_tok, bounds = [0] * n, []
    a = 0
    for i in range(1, n + 1):  # sentences, cut again at paragraph breaks
        if i == n or arr[i][1] == 1 or para_of_tok[i] != para_of_tok[i - 1]:
            if any(txt[k].strip() for k in range(a, i)):
                for k in range(a, i):
                    sent_of_tok[k] = len(bounds)
                bounds.append((a, i))
            else:
                for k in range(a, i):
                    sent_of_tok[k] = max(0, len(bounds) - 1)
            a = i
    in_quote = [False] * n
    for s in segs:
        lo = bisect.bisect_left(tstart, s.open_at)
        hi = bisect.bisect_right(tstart, s.close_at if s.close_at is not None else s.end)
        for k in range(lo, hi):
            in_quote[k] = True
    ents: list[_Ent] = []
    for i, r in enumerate(arr):  # IOB codes: 3 begins an entity, 1 continues it
        if r[5] == 3 or (r[5] == 1 and not ents):
            ents.append(_Ent(i, i + 1, strings[r[6]], text))
        elif r[5] == 1:
            ents[-1].end = i + 1
    for e in ents:
        e.start_char = tstart[e.start]
        e.end_char = tstart[e.end - 1] + len(txt[e.end - 1])
        e.text = text[e.start_char:e.end_char]
    ent_of_tok: list[object] = [None] * n
    for e in ents:
        for k in range(e.start, e.end):
            ent_of_tok[k] = e
    ctx = _Ctx(doc, text, tstart, para_of_tok, sent_of_tok, bounds, in_quote, ent_of_tok, cue_verbs(),
               tag=tag, low=low, txt=txt, ents=ents, claimed=[False] * n)
    _collect_persons(ctx)
    return ctx


def _collect_persons(ctx: _Ctx) -> None:

    def text_of(a: int, b: int) -> str:
        return ctx.text[ctx.tstart[a]:ctx.tstart[b - 1] + len(ctx.txt[b - 1])]

    keys = ctx.keys = {person_key(e.text) for e in ctx.ents if e.label_ == "PERSON"}
    seen = set()
    for e in ctx.ents:
        if e.label_ != "PERSON" or ctx.in_quote[e.start]:
            continue
        start = e.start
        if start > 0 and ctx.low[start - 1] in TITLES:
            start -= 1
            ctx.genders.vote(person_key(e.text), TITLES[ctx.low[start]], 3)
        ctx.genders.add_name(e.text)
        ctx.persons.append(Person(ctx.tstart[start], e.end_char, text_of(start, e.end), person_key(e.text),
                                  ctx.sent_of_tok[e.start], ctx.para_of_tok[e.start]))
        seen.update(range(e.start, e.end))
        # The first gendered pronoun after a sentence-initial name usually refers to it.
        if e.start == ctx.sent_bounds[ctx.sent_of_tok[e.start]][0] or start == ctx.sent_bounds[ctx.sent_of_tok[e.start]][0]:
            lo, hi = e.end, ctx.sent_bounds[ctx.sent_of_tok[e.start]][1]
            for k in range(lo, min(hi, lo + 15)):
                g = GENDERED.get(ctx.low[k])
                if g and not ctx.in_quote[k]:
                    ctx.genders.vote(person_key(e.text), g)
                    break
                if ctx.ent_of_tok[k] is not None and ctx.ent_of_tok[k].label_ == "PERSON":
                    break
    # A sentence-initial name the model took for an organisation is a person when a he/she follows it
    # ("Fiorina was upfront about her distaste ...").
    for lo, hi in ctx.sent_bounds:
        e = ctx.ent_of_tok[lo]
        if e is None or e.label_ == "PERSON" or e.start != lo or e.end - e.start > 3 or ctx.in_quote[lo] or \
                ctx.tag[lo] != "NNP" or e.end >= hi or not ctx.tag[e.end].startswith("VB"):
            continue
        g = next((GENDERED[ctx.low[k]] for k in range(e.end, min(hi, e.end + 12))
                  if ctx.low[k] in GENDERED and not ctx.in_quote[k]), None)
        if g:
            key = person_key(e.text)
            keys.add(key)
            ctx.genders.vote(key, g)
            ctx.persons.append(Person(e.start_char, e.end_char, e.text, key, ctx.sent_of_tok[lo], ctx.para_of_tok[lo]))
            seen.update(range(e.start, e.end))
    # The small model misses some mentions of a name it tags elsewhere ("Trump responded ...").
    for i, low in enumerate(ctx.low):
        if low in keys and ctx.tag[i] == "NNP" and i not in seen and not ctx.in_quote[i] and \
                (ctx.ent_of_tok[i] is None or ctx.ent_of_tok[i].label_ not in ("ORG", "FAC", "WORK_OF_ART")):
            ctx.persons.append(Person(ctx.tstart[i], ctx.tstart[i] + len(ctx.txt[i]), ctx.txt[i], low,
                                      ctx.sent_of_tok[i], ctx.para_of_tok[i]))
    ctx.persons.sort(key=lambda p: p.start)


# --- speakers ---------------------------------------------------------------------------------------------

def _subject_before(ctx: _Ctx, c: int, floor: int) -> tuple[int, int] | None:
    """Token range of the noun phrase ending just before cue token `c` ("Ms Truss", "Rep. X (R-Ohio)",
    "X, a spokesman for Y,"), not reaching before `floor`."""
    j = c - 1
    while j >= floor and ctx.tag[j] in _SKIP_BACK and ctx.low[j] not in _PRON and j > c - 4:
        j -= 1
    end = j + 1
    if j >= floor and ctx.txt[j] == ",":  # appositive or relative clause: "X, who ..., said"
        k = j - 1
        while k >= floor and k > j - 25 and ctx.txt[k] != "," and not ctx.in_quote[k] and ctx.txt[k] not in _END:
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
            ctx.tag[j] in _NP_TAGS or (ctx.ent_of_tok[j] is not None and ctx.txt[j] not in ",.")):
        if ctx.tag[j] == "PRP" and j < end - 1:
            break
        start = j
        j -= 1
        if ctx.tag[start] == "PRP":
            break
    return (start, end) if start < end else None


def _np_after(ctx: _Ctx, i: int, hi: int) -> tuple[int, int] | None:
    """Noun phrase starting at token i ("said Rep. Jim Jordan (R-Ohio), an oversight panel member")."""
    j = i
    while j < hi and (ctx.tag[j] in _NP_TAGS or ctx.ent_of_tok[j] is not None) and ctx.txt[j] not in ",.":
        j += 1
    return (i, j) if j > i else None


def _name_in(ctx: _Ctx, lo: int, hi: int) -> tuple[int, int]:
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


def _speaker(ctx: _Ctx, rng: tuple[int, int] | None, at: int) -> tuple[str | None, int | None, int | None, str | None]:
    """(speaker_text, start, end, speaker) for a speaker token range; pronouns resolved to a person."""
    if rng is None:
        return None, None, None, None
    lo, hi = _name_in(ctx, *rng)
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


# --- attributions -----------------------------------------------------------------------------------------

def _is_cue(ctx: _Ctx, k: int, verb_only: bool = True) -> bool:
    return ctx.low[k] in ctx.cues and not ctx.in_quote[k] and (not verb_only or ctx.tag[k].startswith("VB"))


def _tail_attr(ctx: _Ctx, i: int, hi: int) -> _Attr | None:
    """Attribution right after a closing mark: ", he said", ", said X", ", X added", ", according to X"."""
    k = i
    while k < hi and (ctx.txt[k] in {",", "—", "–", "-", "--", "..."} or not ctx.txt[k].strip()):
        k += 1
    if k >= hi:
        return None
    j = k + 1 if ctx.tag[k] == "RB" and k + 1 < hi else k
    if _is_cue(ctx, j) or ctx.low[j] in ("said", "says"):
        spk = _np_after(ctx, j + 1, hi)
        if spk is not None or j + 1 >= hi or ctx.txt[j + 1] in _END:
            return _Attr(ctx.txt[j], j, spk, region=(k, spk[1] if spk else j + 1))
    if ctx.low[k] == "according" and k + 1 < hi and ctx.low[k + 1] == "to":
        spk = _np_after(ctx, k + 2, hi)
        return _Attr("according to", k, spk, region=(k, spk[1] if spk else k + 2))
    if not (ctx.tag[k] in _NP_TAGS or ctx.ent_of_tok[k] is not None):
        return None
    for c in range(k + 1, min(hi, k + 30)):
        if ctx.in_quote[c] or ctx.txt[c] in _END:
            return None
        if _is_cue(ctx, c) or (ctx.low[c] in ("said", "says") and not ctx.in_quote[c]):
            j = c
            while j > k and ctx.tag[j - 1] in ("RB", "MD") or j > k + 1 and ctx.low[j - 1] in ("has", "had", "have"):
                j -= 1
            return _Attr(ctx.txt[c], c, (k, j), region=(k, c + 1))
    return None


def _sentence_subject(ctx: _Ctx, lo: int, hi: int) -> tuple[int, int] | None:
    k = lo
    while k < hi and (ctx.tag[k] in ("CC", "RB", ",", "``", "''") or _punct(ctx.txt[k])):
        k += 1
    return _np_after(ctx, k, hi) or _name_before(ctx, lo, hi)


def _title_like(body: str) -> bool:
    """A quoted title ("Face the Nation", "All Bets Are Off") rather than speech."""
    words = re.findall(r"[A-Za-z]+", body)
    small = {"a", "an", "the", "of", "in", "on", "and", "or", "to", "for", "at", "by", "with", "from"}
    return 0 < len(words) <= 8 and all(w[0].isupper() or w in small for w in words) and body[-1:] not in ".?!"


def _name_before(ctx: _Ctx, lo: int, hi: int) -> tuple[int, int] | None:
    """The first PERSON (else ORG) named outside quotes in tokens lo..hi."""
    for label in ("PERSON", "ORG"):
        for k in range(lo, hi):
            e = ctx.ent_of_tok[k]
            if e is not None and e.label_ == label and not ctx.in_quote[k] and e.end <= hi:
                return e.start, e.end
    return None


def _orphan_speaker(ctx: _Ctx, o: int) -> tuple[int, int] | None:
    """Speaker of a quote with no cue: the subject of its sentence when that is a name or pronoun
    ("Schiff called on the administration to "act""), else the first name before it."""
    lo = ctx.sent_bounds[ctx.sent_of_tok[o]][0]
    if lo >= o:
        return None
    np = _sentence_subject(ctx, lo, o)
    if np is not None and np[1] <= o:
        a, b = _name_in(ctx, *np)
        e = ctx.ent_of_tok[a] if b > a else None
        if e is not None and e.label_ in ("PERSON", "ORG") or b - a == 1 and ctx.low[a] in ("he", "she"):
            return a, b
    return _name_before(ctx, lo, o)


def _participle_subject(ctx: _Ctx, c: int) -> tuple[int, int] | None:
    """Speaker of ", saying ..." / ", adding ...": the speaker of an earlier cue in the sentence, else its subject."""
    lo = ctx.sent_bounds[ctx.sent_of_tok[c]][0]
    for k in range(c - 1, lo - 1, -1):
        if ctx.low[k] in ctx.cues and ctx.tag[k].startswith("VB") and not ctx.in_quote[k]:
            if k > lo and ctx.txt[k - 1] == ",":
                return _np_after(ctx, k + 1, c)
            return _subject_before(ctx, k, lo)
    return _sentence_subject(ctx, lo, c)


def _clause_start(ctx: _Ctx, c: int, hi: int) -> int:
    """First token of the reported clause after cue `c`: skips dates, "in a statement", an addressee
    ("told reporters") and a complementiser "that" / colon."""
    k = c + 1
    if ctx.cues.get(ctx.low[c]) == "object":
        np = _np_after(ctx, k, hi)
        if np is not None and np[1] < hi and np[1] - np[0] <= 6:
            k = np[1]
    for m in range(k, min(hi, k + 7)):  # "wrote on Twitter that ...", "said in Ohio on Monday that ..."
        if ctx.low[m] == "that":
            return m + 1
        if ctx.tag[m].startswith("VB") or ctx.in_quote[m] or ctx.txt[m] in _END:
            break
    for _ in range(8):
        if k >= hi:
            break
        low = ctx.low[k]
        if low in ("in", "during", "at") and k + 1 < hi and ctx.low[k + 1] in ("a", "an", "the", "his", "her"):
            m = k + 2
            while m < hi and m < k + 8 and ctx.txt[m] not in (",", ":") and ctx.low[m] != "that":
                m += 1
            if m < hi and ctx.low[m] in ("that", ",", ":"):
                k = m
                continue
            break
        if low in TIME_WORDS and low not in ("in", "at", "during") or ctx.txt[k] in (",", ":", "—", "–"):
            k += 1
            continue
        break
    if k < hi and ctx.low[k] == "that":
        k += 1
    return k


def _words(ctx: _Ctx, lo: int, hi: int) -> int:
    return sum(1 for k in range(lo, hi) if ctx.txt[k][:1].isalnum())


@dataclass
class _Found:
    pos: int  # token where the attribution sits in reading order
    parts: list[tuple[int, int]]  # char ranges of the quoted text (fragments of one quote)
    cue_i: int | None
    cue: str | None
    spk: tuple[int, int] | None
    carry: bool = False  # no cue of its own: the speaker of the quote before it goes on
    direct: bool = True


def _punct(t: str) -> bool:
    return bool(t) and not any(ch.isalnum() for ch in t)


def _tok(ctx: _Ctx, ch: int) -> int:
    return max(0, bisect.bisect_right(ctx.tstart, ch) - 1)


def _sent_end(ctx: _Ctx, k: int, hi: int) -> int:
    """Token after the sentence-final mark that follows token k (clipped at hi)."""
    while k < hi and ctx.txt[k] not in _END and "\n" not in ctx.txt[k]:
        k += 1
    return min(k + 1, hi)


def _content_end(ctx: _Ctx, hi: int, lo: int) -> int:
    while hi > lo and (_punct(ctx.txt[hi - 1]) and not ctx.in_quote[hi - 1] or not ctx.txt[hi - 1].strip()):
        hi -= 1
    return ctx.tstart[hi - 1] + len(ctx.txt[hi - 1]) if hi > lo else ctx.tstart[lo]


def _direct(ctx: _Ctx, segs: list[Seg], paras: list[tuple[int, int]], used: set[int]) -> list[_Found]:
    text = ctx.text
    out: list[_Found] = []
    current: _Found | None = None
    last_direct: tuple[_Found, int] | None = None
    for n, s in enumerate(segs):
        if s.used:
            continue
        o = _tok(ctx, s.open_at)
        plo, phi = paras[s.last_para]
        p_end = _tok(ctx, phi - 1) + 1
        nxt = next((x for x in segs[n + 1:] if x.para == s.last_para), None)
        lim = _tok(ctx, nxt.open_at) if nxt is not None else p_end
        if current is not None and current.parts and ctx.para_of_tok[o] != ctx.para_of_tok[_tok(ctx, current.parts[-1][1])]:
            current = None
        sb = ctx.sent_bounds[ctx.sent_of_tok[o]][0]
        prev = segs[n - 1] if n else None
        if prev is not None and prev.last_para == s.para and prev.close_at is not None:
            sb = max(sb, _tok(ctx, prev.close_at) + 1)
        attr = None
        if s.close_at is not None:
            ct = _tok(ctx, s.close_at)
            attr = _tail_attr(ctx, ct + 1, _sent_end(ctx, ct + 1, lim))
        head = next((k for k in range(o - 1, sb - 1, -1) if _is_cue(ctx, k) and k not in used), None)
        words = _words(ctx, o, _tok(ctx, s.end - 1) + 1)
        if attr is not None:
            start = s.start
            if head is None and _words(ctx, sb, o) >= 2:
                start = ctx.tstart[sb]  # 'Not paying taxes "makes me smart," he said': keep the whole claim
            f = _Found(o, [(start, s.end)], attr.cue_i, attr.cue, attr.spk)
            if attr.cue_i is not None:
                used.add(attr.cue_i)
            out.append(f)
            current = f
        elif head is not None:
            c = head
            spk = _participle_subject(ctx, c) if ctx.tag[c] == "VBG" and ctx.txt[c - 1] == "," \
                else _subject_before(ctx, c, sb) or _participle_subject(ctx, c)
            cs = _clause_start(ctx, c, o + 1)
            if cs >= o or any(ctx.txt[k] == ":" for k in range(c, o)):
                f = _Found(c, [(s.start, s.end)], c, ctx.txt[c], spk)
                current = f
            else:  # a partial quote inside reported speech: the whole clause is the quote
                end_tok = max(_sent_end(ctx, _tok(ctx, s.end), p_end), o + 1)
                end = max(s.end, _content_end(ctx, end_tok, cs))
                f = _Found(c, [(ctx.tstart[cs], end)], c, ctx.txt[c], spk)
                for x in segs[n + 1:]:
                    if x.start < end:
                        x.used = True
                current = None
            used.add(c)
            out.append(f)
        elif current is not None:
            current.parts.append((s.start, s.end))
            last_direct = (current, s.last_para)
            continue
        elif text[plo if s.para == s.last_para else paras[s.para][0]:s.open_at].strip() == "" and s.para > 0 \
                and text[paras[s.para - 1][0]:paras[s.para - 1][1]].rstrip().endswith(":"):
            # "Mr Lammy said in his speech:" closing the paragraph before
            a, b = _tok(ctx, paras[s.para - 1][0]), _tok(ctx, paras[s.para - 1][1] - 1) + 1
            c = next((k for k in range(b - 1, a - 1, -1) if _is_cue(ctx, k, verb_only=False)), None)
            if c is None:
                continue
            f = _Found(c, [(s.start, s.end)], c, ctx.txt[c], _subject_before(ctx, c, a))
            used.add(c)
            out.append(f)
            current = f
        elif words >= 4 and last_direct is not None and last_direct[1] >= s.para - 1 and \
                text[paras[s.para][0]:s.open_at].strip() == "":
            f = _Found(o, [(s.start, s.end)], None, None, None, carry=True)
            out.append(f)
            current = f
        elif words >= ORPHAN_MIN_WORDS and not _title_like(text[s.start:s.end]):
            # No cue: a quote the sentence attributes some other way ("called it "a disaster"").
            spk = _orphan_speaker(ctx, o)
            f = _Found(o, [(s.start, s.end)], None, None, spk, carry=spk is None)
            out.append(f)
            current = None
            continue
        else:
            continue
        last_direct = (out[-1], s.last_para)
    return out


_PASSIVE = {"was", "were", "is", "are", "been", "be", "being"}


def _claim(ctx: _Ctx, a: int, b: int) -> None:
    for k in range(bisect.bisect_left(ctx.tstart, a), bisect.bisect_left(ctx.tstart, b)):
        ctx.claimed[k] = True


def _reported(ctx: _Ctx, used: set[int], claimed: list[tuple[int, int]]) -> list[_Found]:
    """Reported speech: "X said (that) ...", "..., X said", "according to X, ...", "..., saying ..."."""
    out: list[_Found] = []

    for a, b in claimed:
        _claim(ctx, a, b)

    def free(k: int) -> bool:
        return not ctx.in_quote[k] and k not in used and not ctx.claimed[k]

    for lo, hi in ctx.sent_bounds:
        k = lo
        while k < hi:
            if not free(k):
                k += 1
                continue
            found = None
            if ctx.low[k] == "according" and k + 1 < hi and ctx.low[k + 1] == "to":
                spk = _np_after(ctx, k + 2, hi)
                if spk is not None:
                    if _words(ctx, lo, k) >= 3:
                        found = _Found(k, [(ctx.tstart[lo], _content_end(ctx, k, lo))], k, "according to", spk)
                    else:
                        m = spk[1]
                        while m < hi and ctx.txt[m] != ",":
                            m += 1
                        if m + 1 < hi and _words(ctx, m + 1, hi) >= 3:
                            found = _Found(k, [(ctx.tstart[m + 1], _content_end(ctx, hi, m + 1))], k, "according to", spk)
            elif _is_cue(ctx, k) and not (ctx.low[k - 1] in _PASSIVE if k else False):
                found = _reported_at(ctx, k, lo, hi)
            if found is not None:
                out.append(found)
                used.add(k)
                _claim(ctx, *found.parts[0])
            k += 1
    return out


def _reported_at(ctx: _Ctx, c: int, lo: int, hi: int) -> _Found | None:
    prev = ctx.txt[c - 1] if c > lo else None
    if prev == "," and ctx.tag[c] != "VBG" and _words(ctx, lo, c - 1) >= 3:
        spk = _np_after(ctx, c + 1, hi)  # "..., said the senator."
        if spk is not None and _words(ctx, spk[1], hi) <= 4 and _no_object(ctx, spk[1], hi):
            return _Found(c, [(ctx.tstart[lo], _content_end(ctx, c - 1, lo))], c, ctx.txt[c], spk, direct=False)
    if prev == "," and ctx.tag[c] == "VBG":  # "..., saying the plan was dead"
        spk = _participle_subject(ctx, c)
    elif prev is not None and ctx.tag[c - 1] in ("WP", "WDT") and c - 2 >= lo and ctx.txt[c - 2] == ",":
        spk = _subject_before(ctx, c - 2, lo)  # "Clinton, who said ..."
    else:
        spk = _subject_before(ctx, c, lo) or (_participle_subject(ctx, c) if ctx.tag[c - 1] == "CC" else None)
        if spk is not None and spk[0] - 1 > lo and ctx.txt[spk[0] - 1] == "," and \
                _words(ctx, lo, spk[0] - 1) >= 3 and _words(ctx, c + 1, hi) <= 4 and _no_object(ctx, c + 1, hi):
            return _Found(c, [(ctx.tstart[lo], _content_end(ctx, spk[0] - 1, lo))], c, ctx.txt[c], spk, direct=False)
    cs = _clause_start(ctx, c, hi)
    if cs >= hi or _words(ctx, cs, hi) < 3 or ctx.low[cs] in _NOT_CLAUSE:
        return None
    end = _content_end(ctx, hi, cs)
    return _Found(c, [(ctx.tstart[cs], end)], c, ctx.txt[c], spk, direct=False)


_NOT_CLAUSE = {"to", "by", "of", "for", "about", "with", "as", "because", "after", "before", "when", "while",
               "since", "until", "from", "into", "up", "out", "off"}


def _no_object(ctx: _Ctx, lo: int, hi: int) -> bool:
    """True when what follows a sentence-final cue is only adverbials ("said on Tuesday", "told CNN")."""
    k = lo
    if k < hi and (ctx.tag[k] in ("IN", "RB", ",", ".", ":") or ctx.low[k] in TIME_WORDS or ctx.txt[k] in _END):
        return True
    return k >= hi or (ctx.tag[k] in ("NNP", "NNPS") and ctx.ent_of_tok[k] is not None)


def _alnum(t: str) -> int:
    return len(_ALNUM.findall(t))


def _kind(ctx: _Ctx, f: _Found, segs: list[Seg]) -> str:
    k = f.cue_i
    cue = (f.cue or "").lower()
    if f.cue and ctx.cues.get(cue) == "post":
        return "post"
    if k is not None and cue in ("wrote", "writes", "posted", "shared", "said"):
        lo, hi = ctx.sent_bounds[ctx.sent_of_tok[k]]
        if any(ctx.low[m] in SOCIAL or ctx.low[m].startswith("tweet") for m in range(lo, hi)
               if not ctx.in_quote[m]):
            return "post"
    a, b = f.parts[0][0], f.parts[-1][1]
    total = _alnum(ctx.text[a:b])
    inside = sum(_alnum(ctx.text[max(a, s.start):min(b, s.end)]) for s in segs if s.start < b and s.end > a)
    return "direct" if total and inside * 2 >= total else "reported"


def find_quotes(doc) -> list[Quote]:
    """Quotes, reported speech and posts in a tagged spaCy Doc (tagger, senter, ner), in text order.

    Args:
        doc: a Doc from `newsdesk.annotate.nlp.load_nlp()`; offsets in the result are into `doc.text`.
    """
    arr, txt, text = _read(doc)
    if not text.strip():
        return []
    paras = paragraphs(text)
    segs = quote_segments(text, paras)
    ctx = _context(doc, arr, txt, text, paras, segs)
    used: set[int] = set()
    found = _direct(ctx, segs, paras, used)
    claimed = [(f.parts[0][0], f.parts[-1][1]) for f in found]
    found += _reported(ctx, used, claimed)
    found.sort(key=lambda f: f.parts[0][0])
    out: list[Quote] = []
    prev: Quote | None = None
    for f in found:
        a, b = f.parts[0][0], f.parts[-1][1]
        body = " ".join(text[x:y] for x, y in f.parts) if len(f.parts) > 1 else text[a:b]
        if f.carry and prev is not None:
            spk = (prev.speaker_text, prev.speaker_start, prev.speaker_end, prev.speaker)
        else:
            spk = _speaker(ctx, f.spk, f.pos)
        kind = _kind(ctx, f, segs)
        if prev is not None and prev.kind == "post" and (spk[0] or "").lower() == "it":
            kind = "post"  # "It continued: ..." goes on quoting the post
        q = Quote(a, b, body, kind, f.cue, spk[0], spk[1], spk[2], None, spk[3])
        out.append(q)
        prev = q
    return out
