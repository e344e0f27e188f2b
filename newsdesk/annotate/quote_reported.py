"""Reported speech: "X said (that) ...", "..., X said", "according to X, ...", "..., saying ..."; and where
the reported clause after a cue begins."""

from __future__ import annotations

import bisect

from newsdesk.annotate.quote_context import END, Ctx, Found, content_end, is_cue, is_punct, word_count
from newsdesk.annotate.quote_cues import TIME_WORDS
from newsdesk.annotate.quote_phrases import np_after, subject_before
from newsdesk.annotate.quote_speakers import cue_subject

_PASSIVE = {"was", "were", "is", "are", "been", "be", "being"}


def _claim(ctx: Ctx, a: int, b: int) -> None:
    for k in range(bisect.bisect_left(ctx.tstart, a), bisect.bisect_left(ctx.tstart, b)):
        ctx.claimed[k] = True


def find_reported(ctx: Ctx, used: set[int], claimed: list[tuple[int, int]]) -> list[Found]:
    """Reported speech: "X said (that) ...", "..., X said", "according to X, ...", "..., saying ..."."""
    out: list[Found] = []

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
                spk = np_after(ctx, k + 2, hi)
                if spk is not None:
                    if word_count(ctx, lo, k) >= 3:
                        found = Found(k, [(ctx.tstart[lo], content_end(ctx, k, lo))], k, "according to", spk)
                    else:
                        m = spk[1]
                        while m < hi and ctx.txt[m] != ",":
                            m += 1
                        if m + 1 < hi and word_count(ctx, m + 1, hi) >= 3:
                            found = Found(k, [(ctx.tstart[m + 1], content_end(ctx, hi, m + 1))], k, "according to", spk)
            elif is_cue(ctx, k) and not (k and ctx.low[k - 1] in _PASSIVE and ctx.tag[k] != "VBG") and \
                    not any(ctx.low[m] in _NEGATION for m in range(max(lo, k - 3), k)) and \
                    not _opening_participle(ctx, k, lo, hi):
                found = _reported_at(ctx, k, lo, hi)
            if found is not None:
                found = _clipped(ctx, found, k, hi, used)
            if found is not None:
                out.append(found)
                used.add(k)
                _claim(ctx, *found.parts[0])
            k += 1
    return out


def _clipped(ctx: Ctx, f: Found, c: int, hi: int, used: set[int]) -> Found | None:
    """Reported content after its cue ends where another attribution begins ("whether ..., he said: "I
    think ..."" keeps "whether ..." only)."""
    a = bisect.bisect_left(ctx.tstart, f.parts[0][0])
    if a <= c:
        return f
    stop = next((m for m in range(a, hi) if m in used and m != c), None)
    if stop is None:
        return f
    if stop in used:
        sub = subject_before(ctx, stop, a)
        stop = sub[0] if sub is not None else stop
    if word_count(ctx, a, stop) < 3:
        return None
    return Found(f.pos, [(f.parts[0][0], content_end(ctx, stop, a))], f.cue_i, f.cue, f.spk, direct=False)


def _in_relative_clause(ctx: Ctx, c: int, lo: int) -> bool:
    k = c - 1
    while k >= lo and ctx.tag[k] in ("RB", "VBZ", "VBD", "VBP", "MD"):
        k -= 1
    return k >= lo and ctx.tag[k] in ("WP", "WDT")


def _act_at(ctx: Ctx, c: int, lo: int, hi: int) -> Found | None:
    """A speech act whose content is its object ("praised Mrs. Clinton's advocacy for families"), up to
    the next clause ("..., calling her ...", "... and then tweeted ..."). One with quoted words in it is
    left to the direct quotes."""
    if c + 1 >= hi or ctx.tag[c + 1] not in _OBJECT_START:
        return None
    end = hi
    for k in range(c + 1, hi):
        if ctx.in_quote[k]:
            return None
        if ctx.txt[k] in (",", ";", "—", "–") and k + 1 < hi and ctx.tag[k + 1] in ("VBG", "CC", "WDT", "WP") or \
                ctx.low[k] == "and" and k + 1 < hi and ctx.tag[k + 1] in ("VBD", "VBZ", "RB"):
            end = k
            break
    if word_count(ctx, c + 1, end) < 3:
        return None
    return Found(c, [(ctx.tstart[c + 1], content_end(ctx, end, c + 1))], c, ctx.txt[c],
                 cue_subject(ctx, c, lo), direct=False)


def _opening_participle(ctx: Ctx, k: int, lo: int, hi: int) -> bool:
    """"Asked whether ..., Jensen said that ...": the participle opening the sentence leaves the report to
    the finite cue after it."""
    first = lo
    while first < k and is_punct(ctx.txt[first]):
        first += 1
    return first == k and ctx.tag[k] in ("VBN", "VBG") and any(
        is_cue(ctx, m) and ctx.tag[m] in ("VBD", "VBZ", "VBP") for m in range(k + 1, hi))


def _reported_at(ctx: Ctx, c: int, lo: int, hi: int) -> Found | None:
    prev = ctx.txt[c - 1] if c > lo else None
    if (ctx.cues.get(ctx.low[c]) or "").startswith("act"):
        return _act_at(ctx, c, lo, hi)
    if prev == "," and ctx.tag[c] != "VBG" and word_count(ctx, lo, c - 1) >= 3:
        spk = np_after(ctx, c + 1, hi)  # "..., said the senator."
        if spk is not None and word_count(ctx, spk[1], hi) <= 4 and _no_object(ctx, spk[1], hi):
            return Found(c, [(ctx.tstart[lo], content_end(ctx, c - 1, lo))], c, ctx.txt[c], spk, direct=False)
    if prev is not None and ctx.tag[c - 1] in ("WP", "WDT") and c - 2 >= lo and ctx.txt[c - 2] == ",":
        spk = subject_before(ctx, c - 2, lo)  # "Clinton, who said ..."
    else:
        spk = cue_subject(ctx, c, lo)
        if spk is not None and spk[0] - 1 > lo and ctx.txt[spk[0] - 1] == "," and \
                word_count(ctx, lo, spk[0] - 1) >= 3 and word_count(ctx, c + 1, hi) <= 4 and _no_object(ctx, c + 1, hi):
            return Found(c, [(ctx.tstart[lo], content_end(ctx, spk[0] - 1, lo))], c, ctx.txt[c], spk, direct=False)
    cs = clause_start(ctx, c, hi)
    if cs >= hi or word_count(ctx, cs, hi) < 3:
        return None
    if ctx.low[cs] in _NOT_CLAUSE and not (ctx.low[cs] == "to" and ctx.low[c] in _TO_CUES and cs + 1 < hi and
                                           ctx.tag[cs + 1] == "VB" and not _in_relative_clause(ctx, c, lo)):
        # but "vowed to ban ...", "urged voters to stay home" report speech; "X, who has pledged to ...",
        # describes X
        return None
    end = content_end(ctx, hi, cs)
    return Found(c, [(ctx.tstart[cs], end)], c, ctx.txt[c], spk, direct=False)


_TO_CUES = {"promised", "promise", "promises", "promising", "vowed", "vow", "vows", "vowing", "pledged",
            "pledge", "pledges", "pledging", "urged", "urge", "urges", "urging", "warned", "warn", "warns",
            "warning", "asked", "ask", "asks", "asking", "threatened", "threatening"}
_OBJECT_START = {"DT", "NNP", "NNPS", "PRP$", "PRP", "NN", "NNS", "JJ", "CD"}
_NEGATION = {"not", "n't", "never"}  # "did not explicitly say that ..." attributes nothing
_NOT_CLAUSE = {"to", "by", "of", "for", "about", "with", "as", "because", "after", "before", "when", "while",
               "since", "until", "from", "into", "up", "out", "off"}


def _no_object(ctx: Ctx, lo: int, hi: int) -> bool:
    """True when what follows a sentence-final cue is only adverbials ("said on Tuesday", "told CNN")."""
    k = lo
    if k < hi and (ctx.tag[k] in ("IN", "RB", ",", ".", ":") or ctx.low[k] in TIME_WORDS or ctx.txt[k] in END):
        return True
    return k >= hi or (ctx.tag[k] in ("NNP", "NNPS") and ctx.ent_of_tok[k] is not None)



def clause_start(ctx: Ctx, c: int, hi: int) -> int:
    """First token of the reported clause after cue `c`: skips dates, "in a statement", an addressee
    ("told reporters") and a complementiser "that" / colon."""
    k = c + 1
    if (ctx.cues.get(ctx.low[c]) or "").startswith("object"):
        np = np_after(ctx, k, hi)
        if np is not None and np[1] < hi and np[1] - np[0] <= 6:
            # the addressee ends where a new noun phrase starts ("told reporters the inquiry would widen")
            k = next((m for m in range(np[0] + 1, np[1]) if ctx.tag[m] in ("DT", "PRP$") and
                      ctx.tag[m - 1] in ("NN", "NNS", "NNP", "NNPS", "PRP")), np[1])
    for m in range(k, min(hi, k + 7)):  # "wrote on Twitter that ...", "said in Ohio on Monday that ..."
        if ctx.low[m] == "that":
            return m + 1
        if ctx.tag[m].startswith("VB") or ctx.in_quote[m] or ctx.txt[m] in END:
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

