"""What quote attribution reads from a tagged Doc: token arrays, paragraphs and sentences, quoted tokens,
entities and the article's PERSON mentions (with gender evidence), plus small token helpers."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from newsdesk.annotate.quote_cues import GENDERED, TITLES, Genders, Person, Seg, cue_verbs, person_key

END = {".", "!", "?"}
NP_TAGS = {"NNP", "NNPS", "NN", "NNS", "DT", "JJ", "JJR", "JJS", "PRP", "PRP$", "POS", "CD", "HYPH", "NFP"}


@dataclass
class Ent:
    """A named entity read from the token arrays (cheaper than building doc.ents)."""

    start: int
    end: int
    label_: str
    text: str
    start_char: int = 0
    end_char: int = 0


@dataclass
class Ctx:
    """One article as quote attribution reads it: per-token arrays, sentence and paragraph of each token,
    which tokens are quoted, entities, and the PERSON mentions outside quotes."""

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


@dataclass
class Found:
    """One attribution found: quoted or reported text, its cue and the token range of its speaker."""

    pos: int  # token where the attribution sits in reading order
    parts: list[tuple[int, int]]  # char ranges of the quoted text (fragments of one quote)
    cue_i: int | None
    cue: str | None
    spk: tuple[int, int] | None
    carry: bool = False  # no cue of its own: the speaker of the quote before it goes on
    direct: bool = True
    cont: bool = False  # a later paragraph of a quote opened in an earlier one


# --- context --------------------------------------------------------------------------------------------

def read_doc(doc) -> tuple[list[list[int]], list[str], str]:
    """Token attributes as one array read, token texts, and the doc text rebuilt from them (doc.text and
    Token objects cost more than everything else here put together)."""
    arr = doc.to_array(["IDX", "SENT_START", "TAG", "LOWER", "ORTH", "ENT_IOB", "ENT_TYPE", "SPACY"]).tolist()
    strings = doc.vocab.strings
    txt = [strings[r[4]] for r in arr]
    text = "".join([t + " " if r[7] else t for t, r in zip(txt, arr, strict=True)])
    return arr, txt, text

def build_context(doc, arr: list[list[int]], txt: list[str], text: str, paras: list[tuple[int, int]],
             segs: list[Seg]) -> Ctx:
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
    ents: list[Ent] = []
    for i, r in enumerate(arr):  # IOB codes: 3 begins an entity, 1 continues it
        if r[5] == 3 or (r[5] == 1 and not ents):
            ents.append(Ent(i, i + 1, strings[r[6]], text))
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
    ctx = Ctx(doc, text, tstart, para_of_tok, sent_of_tok, bounds, in_quote, ent_of_tok, cue_verbs(),
               tag=tag, low=low, txt=txt, ents=ents, claimed=[False] * n)
    collect_persons(ctx)
    return ctx

def collect_persons(ctx: Ctx) -> None:

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
            ctx.persons[-1].subject = True
            lo, hi = e.end, ctx.sent_bounds[ctx.sent_of_tok[e.start]][1]
            for k in range(lo, min(hi, lo + 15)):
                g = GENDERED.get(ctx.low[k])
                if g and not ctx.in_quote[k]:
                    ctx.genders.vote(person_key(e.text), g)
                    break
                if ctx.ent_of_tok[k] is not None and ctx.ent_of_tok[k].label_ == "PERSON":
                    break
    # A sentence-initial name the model took for an organisation is a person when a he/she follows it
    # ("Okafor was open about her dislike ...").
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
    _mark_modifiers(ctx)


def _mark_modifiers(ctx: Ctx) -> None:
    """A name that only qualifies what follows it is not a candidate subject: a possessive ("Trump's
    campaign") or a name before common nouns and another name ("Labour pollster Dana Whitfield")."""
    for n, p in enumerate(ctx.persons):
        q = ctx.persons[n + 1] if n + 1 < len(ctx.persons) else None
        k = bisect.bisect_left(ctx.tstart, p.end)
        if k < len(ctx.tag) and ctx.tag[k] == "POS" or p.text.endswith(("'s", "’s")):
            p.modifier = True
        elif q is not None and q.sent == p.sent:
            gap = range(k, bisect.bisect_left(ctx.tstart, q.start))
            p.modifier = 0 < len(gap) <= 3 and all(ctx.tag[m] in ("NN", "NNS") for m in gap)


# --- token helpers ---------------------------------------------------------------------------------------

def is_cue(ctx: Ctx, k: int, verb_only: bool = True) -> bool:
    """A verb of saying outside quotes; the tagger takes a capitalised cue opening its sentence ("Said
    Ellis: ...") for a proper noun, so that one counts too."""
    cls = ctx.cues.get(ctx.low[k])
    if cls is None or ctx.in_quote[k] or cls.endswith("/present") and ctx.tag[k] != "VBP":
        return False
    return (
        not verb_only or ctx.tag[k].startswith("VB") or
        ctx.tag[k] == "NNP" and k == ctx.sent_bounds[ctx.sent_of_tok[k]][0] and cls == "speech" or
        # "Okafor claims that he ...": a name, then a cue the tagger took for a plural noun, then "that"
        ctx.tag[k] == "NNS" and 0 < k < len(ctx.low) - 1 and ctx.low[k + 1] == "that" and
        ctx.tag[k - 1] in ("NNP", "NNPS", "PRP", "NN"))


def word_count(ctx: Ctx, lo: int, hi: int) -> int:
    return sum(1 for k in range(lo, hi) if ctx.txt[k][:1].isalnum())


def is_punct(t: str) -> bool:
    return bool(t) and not any(ch.isalnum() for ch in t)


def tok_at(ctx: Ctx, ch: int) -> int:
    return max(0, bisect.bisect_right(ctx.tstart, ch) - 1)


def sent_end(ctx: Ctx, k: int, hi: int) -> int:
    """Token after the sentence-final mark that follows token k (clipped at hi)."""
    while k < hi and ctx.txt[k] not in END and "\n" not in ctx.txt[k]:
        k += 1
    return min(k + 1, hi)


def content_end(ctx: Ctx, hi: int, lo: int) -> int:
    while hi > lo and (is_punct(ctx.txt[hi - 1]) and not ctx.in_quote[hi - 1] or not ctx.txt[hi - 1].strip()):
        hi -= 1
    return ctx.tstart[hi - 1] + len(ctx.txt[hi - 1]) if hi > lo else ctx.tstart[lo]

