"""Time expressions: find dates, times, durations and sets in a text and normalise them (TIMEX3 values)
against the publication date. Pure Python rules (`timex_rules.py`), no model. This module finds and
selects the matches; the normalisers are in `timex_absolute.py` and `timex_relative.py`, the calendar
and per-document context in `timex_context.py`.

Relative expressions ("Friday", "last month", "the third quarter") are resolved against `published` using
the tense of their clause; without a publication date they keep value None, absolute dates keep theirs.
"""

from __future__ import annotations

import re

from newsdesk.annotate import timex_rules as R
from newsdesk.annotate.timex_absolute import ABSOLUTE
from newsdesk.annotate.timex_context import Context, parse_date, prev_word
from newsdesk.annotate.timex_relative import RELATIVE
from newsdesk.records import TimeExpr

__all__ = ["find_timexes"]

_NORMALISERS = {**ABSOLUTE, **RELATIVE}  # rule name -> (match, Context) -> (value, granularity, type) | None

_PREP_BEFORE_A = {"for", "in", "within", "about", "than", "over", "nearly", "almost", "of", "after", "only",
                  "just", "least", "barely", "some", "around", "under", "roughly", "once", "from", "by", "to",
                  "at", "last", "past", "spent", "took", "take", "takes", "half", "until", "is", "was"}
_MAY_PREP = {"in", "since", "until", "by", "from", "through", "to", "of", "during", "before", "after", "last",
             "next", "this", "early", "late", "mid", "and", "or"}


def find_timexes(text: str, published: str | None) -> list[TimeExpr]:
    """Every time expression of `text` with its TIMEX3 value, granularity and type, in text order.

    Args:
        text: the article text; offsets of the result index it (end exclusive).
        published: the publication date (ISO 8601 date or date-time), the anchor of relative expressions;
            None leaves relative expressions unresolved (value None).
    """
    dct = parse_date(published)
    cands = []
    for order, windows in _windows(text).items():
        rule, rx = R.COMPILED[order]
        for lo, hi in windows:
            for m in rx.finditer(text, lo, hi):
                if m.end() > m.start() and _valid(rule, m, text):
                    cands.append((m.start(), m.end(), order, rule, m))
    cands.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[tuple[int, int]] = []
    chosen = []
    for c in cands:
        if all(c[1] <= s or c[0] >= e for s, e in taken):
            taken.append((c[0], c[1]))
            chosen.append(c)
    chosen.sort()
    ctx = Context(text, dct)
    out = []
    for start, end, _order, rule, m in chosen:
        norm = _NORMALISERS[rule](m, ctx)
        if norm is None:
            continue
        value, gran, typ = norm
        if rule == "month" and m["rel2"]:  # "April next year": the year only guides the value
            end = m.end("mon")
        start, end = _trim(text, start, end)
        out.append(TimeExpr(start, end, text[start:end], value, gran, typ))
        ctx.remember(value, gran, end)
    return out


# --- selection -------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z]+|\d+")


def _windows(text: str) -> dict[int, list[tuple[int, int]]]:
    """For each rule, the merged stretches of text around its anchor tokens."""
    hits: dict[str, list[tuple[int, int]]] = {}
    words = R.ANCHOR_WORDS
    special = _SPECIAL_TOKENS
    for t in _TOKEN.finditer(text):
        w = t.group()
        if w[0].isdigit():
            key = "Ds" if text.startswith("s", t.end()) else "D4" if len(w) == 4 else ""
        else:
            key = special.get(w) or w.lower()
        if key in words:
            hits.setdefault(key, []).append(t.span())
    out = {}
    n = len(text)
    for r, keys, (left, right) in R.ANCHOR_KEYS:
        starts = [s for k in keys if k in hits for s in hits[k]]
        if not starts:
            continue
        if len(keys) > 1:
            starts.sort()
        merged: list[tuple[int, int]] = []
        for s, e in starts:
            lo, hi = max(0, s - left), min(n, e + right)
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
            else:
                merged.append((lo, hi))
        out[r] = merged
    return out


_SPECIAL_TOKENS = {**{m.capitalize(): "MON" for m in R.MONTHS},
                   **{v: "WD" for w in R.WEEKDAYS for v in (w, w.capitalize(), w + "s", w.capitalize() + "s")}}


def _valid(rule: str, m: re.Match, text: str) -> bool:
    """Cheap checks a regex cannot make: capitalised month and weekday names, "May" the month."""
    gd = m.groupdict()
    for key in ("mon", "wd"):
        w = gd.get(key)
        if w and not w[0].isupper():
            return False
    if gd.get("mon") == "May" and rule == "month" and not (gd.get("rel") or gd.get("edge")):
        if prev_word(text, m.start("mon")) not in _MAY_PREP:
            return False
    if rule == "year":
        before = text[max(0, m.start() - 2):m.start()]
        if "$" in before or "#" in before or before.endswith("No. "[-2:]) and text[:m.start()].endswith("No. "):
            return False
    if rule == "set" and gd.get("aa"):
        prev = prev_word(text, m.start())
        if prev in _PREP_BEFORE_A or not re.search(r"(s|\d|\d%|percent|times)$", prev):
            return False
    if rule == "ago" and gd.get("u", "").lower().startswith(("hour", "minute", "second")):
        return False
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " ,":
        end -= 1
    return start, end

