"""Quotes: who said what in an article — direct quotes (straight, curly and single marks, over several
paragraphs), reported speech and social-media posts, each with its cue verb and speaker.

Works on the tagged Doc of the shared pipeline (Penn tags, sentences, entities; no parse): quote marks are
paired per paragraph, then attributions are read from fixed token patterns around each quote and around
each verb of saying. Partial quotes inside reported speech ("X said the plan was "a disaster"") give one
Quote for the whole reported clause, kind "direct" when at least half its letters are quoted (as PolNeAR
counts them) — so a sentence is one attribution, however many quoted fragments it holds.
"""

from __future__ import annotations

import re
from dataclasses import replace

from newsdesk.annotate.quote_context import Ctx, Found, build_context, read_doc
from newsdesk.annotate.quote_cues import SOCIAL, Seg, paragraphs, quote_segments
from newsdesk.annotate.quote_direct import find_direct
from newsdesk.annotate.quote_reported import find_reported
from newsdesk.annotate.quote_speakers import speaker_of
from newsdesk.records import Quote

__all__ = ["find_quotes"]

_ALNUM = re.compile(r"[^\W_]")


def _alnum(t: str) -> int:
    return len(_ALNUM.findall(t))


def _kind(ctx: Ctx, f: Found, segs: list[Seg]) -> str:
    k = f.cue_i
    cue = (f.cue or "").lower()
    if f.cue and (ctx.cues.get(cue) or "").startswith("post"):
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


def _without_contained(found: list[Found]) -> list[Found]:
    """A quote without a cue inside an attributed one ('"I admire the mechanics" of the plan, X said') is
    the same speech: the attributed one stays."""
    spans = [(f.parts[0][0], f.parts[-1][1]) for f in found if f.cue is not None]
    return [f for f in found if f.cue is not None or f.cont or not any(
        a <= f.parts[0][0] and f.parts[-1][1] <= b for a, b in spans)]


def find_quotes(doc) -> list[Quote]:
    """Quotes, reported speech and posts in a tagged spaCy Doc (tagger, senter, ner), in text order.

    Args:
        doc: a Doc from `newsdesk.annotate.nlp.load_nlp()`; offsets in the result are into `doc.text`.
    """
    arr, txt, text = read_doc(doc)
    if not text.strip():
        return []
    paras = paragraphs(text)
    segs = quote_segments(text, paras)
    ctx = build_context(doc, arr, txt, text, paras, segs)
    used: set[int] = set()
    found = find_direct(ctx, segs, paras, used)
    claimed = [(f.parts[0][0], f.parts[-1][1]) for f in found]
    found += find_reported(ctx, used, claimed)
    found = _without_contained(found)
    found.sort(key=lambda f: f.parts[0][0])
    out: list[Quote] = []
    prev: Quote | None = None
    for f in found:
        a, b = f.parts[0][0], f.parts[-1][1]
        body = " ".join(text[x:y] for x, y in f.parts) if len(f.parts) > 1 else text[a:b]
        cue = f.cue
        if f.carry and prev is not None:
            spk = (prev.speaker_text, prev.speaker_start, prev.speaker_end, prev.speaker)
            cue = cue or (prev.cue if f.cont else None)  # later paragraphs of one quote share its cue
        else:
            spk = speaker_of(ctx, f.spk, f.pos)
        kind = _kind(ctx, f, segs)
        if prev is not None and prev.kind == "post" and (spk[0] or "").lower() == "it":
            kind = "post"  # "It continued: ..." goes on quoting the post
        q = Quote(a, b, body, kind, cue, spk[0], spk[1], spk[2], None, spk[3])
        out.append(q)
        prev = q
    for i in range(len(out) - 2, -1, -1):
        # A quote over several paragraphs attributed only at its end ("... ," he said.) gets that speaker
        # in its earlier paragraphs too.
        if found[i + 1].cont and out[i].speaker_text is None and out[i + 1].speaker_text is not None:
            n = out[i + 1]
            out[i] = replace(out[i], cue=out[i].cue or n.cue, speaker_text=n.speaker_text,
                             speaker_start=n.speaker_start, speaker_end=n.speaker_end, speaker=n.speaker)
    return out
