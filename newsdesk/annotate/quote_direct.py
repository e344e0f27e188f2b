"""Direct quotes: each quoted stretch gets its attribution from a tail (", he said"), a head cue ("X said:"),
a "said:" line closing the paragraph before, the quote before it (continuations), or its sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.annotate.quote_context import (
    END,
    NP_TAGS,
    Ctx,
    Found,
    content_end,
    is_cue,
    sent_end,
    tok_at,
    word_count,
)
from newsdesk.annotate.quote_cues import Seg
from newsdesk.annotate.quote_phrases import np_after, subject_before
from newsdesk.annotate.quote_reported import clause_start
from newsdesk.annotate.quote_speakers import cue_subject, orphan_speaker

ORPHAN_MIN_WORDS = 2
_NOT_SPEECH = {"was", "were", "is", "are", "has", "had", "did", "does", "'s", "’s", "got", "gets"}
_TAIL_SKIP = {",", "—", "–", "-", "--", "...", "'", "’", '"', "”", "''"}  # NYT's '"' closes nested quotes too


@dataclass
class Attr:
    cue: str | None
    cue_i: int | None
    spk: tuple[int, int] | None  # token range of the speaker mention
    kind: str = "direct"
    region: tuple[int, int] = (0, 0)  # token range of the attribution itself


def tail_attr(ctx: Ctx, i: int, hi: int) -> Attr | None:
    """Attribution right after a closing mark: ", he said", ", said X", ", X added", ", according to X"."""
    k = i
    while k < hi and (ctx.txt[k] in _TAIL_SKIP or not ctx.txt[k].strip()):
        k += 1
    if k >= hi:
        return None
    j = k + 1 if ctx.tag[k] == "RB" and k + 1 < hi else k
    if is_cue(ctx, j) or ctx.low[j] in ("said", "says"):
        spk = np_after(ctx, j + 1, hi)
        if spk is not None or j + 1 >= hi or ctx.txt[j + 1] in END:
            return Attr(ctx.txt[j], j, spk, region=(k, spk[1] if spk else j + 1))
    if ctx.low[k] == "according" and k + 1 < hi and ctx.low[k + 1] == "to":
        spk = np_after(ctx, k + 2, hi)
        return Attr("according to", k, spk, region=(k, spk[1] if spk else k + 2))
    if not (ctx.tag[k] in NP_TAGS or ctx.ent_of_tok[k] is not None):
        return None
    verbs = 0
    for c in range(k + 1, min(hi, k + 30)):
        if ctx.in_quote[c] or ctx.txt[c] in END:
            return None
        if is_cue(ctx, c) or (ctx.low[c] in ("said", "says") and not ctx.in_quote[c]):
            if ctx.txt[i - 2] in END and not _ends_clause(ctx, c + 1, hi):
                return None  # '"... the long run!" She replied that ...' is a sentence of its own
            j = c
            while j > k and ctx.tag[j - 1] in ("RB", "MD") or j > k + 1 and ctx.low[j - 1] in ("has", "had", "have"):
                j -= 1
            return Attr(ctx.txt[c], c, (k, j), region=(k, c + 1))
        if ctx.tag[c] in ("VBD", "VBZ") and verbs == 0 and ctx.low[c] not in _NOT_SPEECH and \
                _ends_sentence(ctx, c + 1, hi) and \
                all(ctx.tag[m] in NP_TAGS or ctx.ent_of_tok[m] is not None for m in range(k, c)):
            return Attr(ctx.txt[c], c, (k, c), region=(k, c + 1))  # '"...," Okafor demanded.'
        verbs += ctx.tag[c].startswith("VB")
    return None


def _ends_clause(ctx: Ctx, k: int, hi: int) -> bool:
    """Nothing but adverbials, an addressee or a comma follows the cue ("she told reporters.", "he said,
    adding ...")."""
    while k < hi and (ctx.tag[k] in ("IN", "TO", "DT", "PRP", "NN", "NNS", "NNP", "NNPS", "RB") and
                      ctx.low[k] != "that" or ctx.ent_of_tok[k] is not None and not ctx.in_quote[k]):
        k += 1
    return k >= hi or ctx.txt[k] in END or ctx.txt[k] in (",", ";", "—", "–")


def _ends_sentence(ctx: Ctx, k: int, hi: int) -> bool:
    """Only adverbials ("on Tuesday", "later") are left of the sentence from token k."""
    while k < hi and (ctx.tag[k] in ("RB", "RBR") or ctx.ent_of_tok[k] is not None and
                      ctx.ent_of_tok[k].label_ in ("DATE", "TIME") or ctx.low[k] in ("on", "in", "at")):
        k += 1
    return k >= hi or ctx.txt[k] in END


def title_like(body: str) -> bool:
    """A quoted title ("Face the Nation", "All Bets Are Off") rather than speech."""
    words = re.findall(r"[A-Za-z]+", body)
    small = {"a", "an", "the", "of", "in", "on", "and", "or", "to", "for", "at", "by", "with", "from"}
    return 0 < len(words) <= 8 and all(w[0].isupper() or w in small for w in words) and body[-1:] not in ".?!"


def find_direct(ctx: Ctx, segs: list[Seg], paras: list[tuple[int, int]], used: set[int]) -> list[Found]:
    text = ctx.text
    out: list[Found] = []
    current: Found | None = None
    last_direct: tuple[Found, int] | None = None
    for n, s in enumerate(segs):
        if s.used:
            continue
        o = tok_at(ctx, s.open_at)
        plo, phi = paras[s.para]
        p_end = tok_at(ctx, phi - 1) + 1
        nxt = next((x for x in segs[n + 1:] if x.para == s.para), None)
        lim = tok_at(ctx, nxt.open_at) if nxt is not None else p_end
        if current is not None and current.parts and ctx.para_of_tok[o] != ctx.para_of_tok[tok_at(ctx, current.parts[-1][1])]:
            current = None
        sb = ctx.sent_bounds[ctx.sent_of_tok[o]][0]
        prev = segs[n - 1] if n else None
        if prev is not None and prev.para == s.para and prev.close_at is not None:
            sb = max(sb, tok_at(ctx, prev.close_at) + 1)
        attr = None
        if s.close_at is not None and not (title_like(text[s.start:s.end]) and text[s.close_at - 1] != ","):
            # a title ("Good Morning America" Tuesday, he said) takes no tail; "Make America Great Again," does
            ct = tok_at(ctx, s.close_at)
            attr = tail_attr(ctx, ct + 1, sent_end(ctx, ct + 1, lim))
        head = next((k for k in range(o - 1, sb - 1, -1) if is_cue(ctx, k) and k not in used and
                     not ctx.cues[ctx.low[k]].startswith("act")), None)  # "accused X of "..."" is no lead-in
        words = word_count(ctx, o, tok_at(ctx, s.end - 1) + 1)
        if attr is not None:
            start = s.start
            if head is None and word_count(ctx, sb, o) >= 2:
                start = ctx.tstart[sb]  # 'Not paying taxes "makes me smart," he said': keep the whole claim
            f = Found(o, [(start, s.end)], attr.cue_i, attr.cue, attr.spk, cont=s.cont)
            if attr.cue_i is not None:
                used.add(attr.cue_i)
            out.append(f)
            current = f
        elif head is not None:
            c = head
            spk = cue_subject(ctx, c, sb)
            cs = clause_start(ctx, c, o + 1)
            if cs >= o or any(ctx.txt[k] == ":" for k in range(c, o)):
                f = Found(c, [(s.start, s.end)], c, ctx.txt[c], spk)
                current = f
            else:  # a partial quote inside reported speech: the whole clause is the quote
                end_tok = max(sent_end(ctx, tok_at(ctx, s.end), p_end), o + 1)
                end = max(s.end, content_end(ctx, end_tok, cs))
                f = Found(c, [(ctx.tstart[cs], end)], c, ctx.txt[c], spk)
                for x in segs[n + 1:]:
                    if x.start < end:
                        x.used = True
                current = None
            used.add(c)
            out.append(f)
        elif current is not None:
            current.parts.append((s.start, s.end))
            last_direct = (current, s.para)
            continue
        elif text[plo:s.open_at].strip() == "" and s.para > 0 \
                and text[paras[s.para - 1][0]:paras[s.para - 1][1]].rstrip().endswith(":"):
            # "Ms Okafor said in her address:" closing the paragraph before
            a, b = tok_at(ctx, paras[s.para - 1][0]), tok_at(ctx, paras[s.para - 1][1] - 1) + 1
            c = next((k for k in range(b - 1, a - 1, -1) if is_cue(ctx, k, verb_only=False)), None)
            if c is None:
                continue
            f = Found(c, [(s.start, s.end)], c, ctx.txt[c], subject_before(ctx, c, a))
            used.add(c)
            out.append(f)
            current = f
        elif (s.cont or words >= 4) and last_direct is not None and last_direct[1] >= s.para - 1 and \
                text[paras[s.para][0]:s.open_at].strip() == "":
            f = Found(o, [(s.start, s.end)], None, None, None, carry=True, cont=s.cont)
            out.append(f)
            current = f
        elif words >= ORPHAN_MIN_WORDS and not title_like(text[s.start:s.end]):
            # No cue: a quote the sentence attributes some other way ("called it "a disaster"").
            spk = orphan_speaker(ctx, o)
            f = Found(o, [(s.start, s.end)], None, None, spk, carry=spk is None)
            out.append(f)
            current = None
            continue
        else:
            continue
        last_direct = (out[-1], s.para)
    return out

