"""Time expressions: find dates, times, durations and sets in a text and normalise them (TIMEX3 values)
against the publication date. Pure Python rules (`timex_rules.py`), no model.

Relative expressions ("Friday", "last month", "the third quarter") are resolved against `published` using
the tense of their clause; without a publication date they keep value None, absolute dates keep theirs.
"""

from __future__ import annotations

import datetime as dt
import re

from newsdesk.annotate import timex_rules as R
from newsdesk.records import TimeExpr

__all__ = ["find_timexes"]

Norm = tuple[str | None, str, str]  # value, granularity, TIMEX3 type

_CUE = re.compile(
    r"\b(?P<f>will|won't|wo|shall|going to|scheduled|expected|expects?|plans?|planned|planning|intends?|due|"
    r"set to|is to|are to|to be|would|upcoming|hopes? to)\b|(?P<f2>'ll)\b|"
    r"\b(?P<p>said|says|told|reported|announced|was|were|had|did|ago|last|earlier|yesterday|\w{3,}ed)\b", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|to|through|until|till|and|or)\s*(?:early\s+|late\s+|mid-?)?", re.I)
_SENT_END = re.compile(r"[.!?]['\"]?\s+(?=[A-Z`'\"])|\n")
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
    dct = _parse_date(published)
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
    ctx = _Context(text, dct)
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



def _prev_word(text: str, i: int) -> str:
    m = re.search(r"([\w$%,.']+)\s*$", text[max(0, i - 30):i])
    return m.group(1).lower() if m else ""


def _valid(rule: str, m: re.Match, text: str) -> bool:
    """Cheap checks a regex cannot make: capitalised month and weekday names, "May" the month."""
    gd = m.groupdict()
    for key in ("mon", "wd"):
        w = gd.get(key)
        if w and not w[0].isupper():
            return False
    if gd.get("mon") == "May" and rule == "month" and not (gd.get("rel") or gd.get("edge")):
        if _prev_word(text, m.start("mon")) not in _MAY_PREP:
            return False
    if rule == "year":
        before = text[max(0, m.start() - 2):m.start()]
        if "$" in before or "#" in before or before.endswith("No. "[-2:]) and text[:m.start()].endswith("No. "):
            return False
    if rule == "set" and gd.get("aa"):
        prev = _prev_word(text, m.start())
        if prev in _PREP_BEFORE_A or not re.search(r"(s|\d|\d%|percent|times)$", prev):
            return False
    if rule == "ago" and gd.get("u", "").lower().startswith(("hour", "minute", "second")):
        return False
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " ,":
        end -= 1
    return start, end


# --- calendar ---------------------------------------------------------------------------------------------


def _parse_date(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def _week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _day(d: dt.date) -> str:
    return d.isoformat()


def _weekday_date(dct: dt.date, wd: int, direction: int, strict: bool) -> dt.date:
    """The weekday `wd` (1 = Monday) nearest `dct` in `direction` (-1 past, +1 future)."""
    diff = (wd - dct.isoweekday()) * direction % 7
    if diff == 0 and strict:
        diff = 7
    return dct + dt.timedelta(days=diff * direction)


def _nth_weekday(y: int, month: int, wd: int, n: int) -> dt.date:
    if n > 0:
        first = dt.date(y, month, 1)
        return first + dt.timedelta(days=(wd - first.isoweekday()) % 7 + 7 * (n - 1))
    last = dt.date(*_add_months(y, month, 1), 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.isoweekday() - wd) % 7)


def _pick_year(dct: dt.date, month: int, day: int | None, tense: str | None) -> int:
    """Year of a month (and day) given without one: a date within two months of the DCT is in that stretch;
    else the occurrence after the DCT in a future-tense clause, before it otherwise."""
    key = (month, day or 15)
    now = (dct.month, dct.day if day else 15)
    if day:  # a date within two months of publication is in that stretch, whatever the tense
        for y in (dct.year, dct.year - 1, dct.year + 1):
            try:
                if abs((dt.date(y, month, day) - dct).days) <= 62:
                    return y
            except ValueError:
                pass
    if tense == "past":
        return dct.year if key <= now else dct.year - 1
    if tense == "future":
        return dct.year if key >= now else dct.year + 1
    return dct.year if key <= now else dct.year - 1  # news reports the past


class _Context:
    """Per-document state: the DCT, and the last quarter and year mentioned (anchors of "a year earlier",
    "the year-ago quarter", "the following year")."""

    def __init__(self, text: str, dct: dt.date | None):
        self.text = text
        self.dct = dct
        self.quarter: tuple[int, int, int] | None = None  # year, quarter, offset of mention end
        self.year: int | None = None
        self.last: tuple[str | None, str, int] | None = None
        self.shifted = False  # set by a normaliser whose value is a year-ago shift, not a new anchor

    def range_start(self, start: int, gran: str) -> bool:
        """Whether the expression at `start` ends a range ("from March to May") opened by the last one."""
        if not self.last or self.last[1] != gran or not self.last[0]:
            return False
        return bool(_RANGE_JOIN.fullmatch(self.text[self.last[2]:start]))

    def remember(self, value: str | None, gran: str, end: int) -> None:
        self.last = (value, gran, end)
        shifted, self.shifted = self.shifted, False
        if not value or shifted:
            return
        m = re.match(r"(\d{4})-Q(\d)$", value)
        if m:
            self.quarter = (int(m.group(1)), int(m.group(2)), end)
        m = re.match(r"(\d{4})\b", value)
        if m and gran in ("year", "month", "day", "quarter", "season"):
            self.year = int(m.group(1))

    def recent_quarter(self, pos: int, within: int = 600) -> tuple[int, int] | None:
        if self.quarter and pos - self.quarter[2] <= within:
            return self.quarter[0], self.quarter[1]
        return None

    def reported_quarter(self, pos: int) -> tuple[int, int] | None:
        """The quarter a financial report refers to: the last one named, else the last completed one."""
        q = self.recent_quarter(pos, within=3000)
        if q or not self.dct:
            return q
        return _qshift(self.dct.year, (self.dct.month - 1) // 3 + 1, -1)

    def tense(self, start: int, end: int) -> str | None:
        """'past' or 'future' from the verb cue nearest the expression within its sentence, else None."""
        text = self.text
        prev = _prev_word(text, start)
        if prev in ("since", "ago"):
            return "past"
        if prev in ("until", "till", "by"):
            return "future"
        lo = max(0, start - 90)
        hi = min(len(text), end + 60)
        left = text[lo:start]
        cut = [mm.end() for mm in _SENT_END.finditer(left)]
        lo = lo + (cut[-1] if cut else 0)
        right = text[end:hi]
        mm = _SENT_END.search(right)
        hi = end + (mm.start() if mm else len(right))
        best, best_d = None, 10 ** 9
        for mm in _CUE.finditer(text, lo, hi):
            if start <= mm.start() < end:
                continue
            d = start - mm.end() if mm.end() <= start else (mm.start() - end) * 1.5
            if d < best_d:
                best_d, best = d, "future" if (mm.group("f") or mm.group("f2")) else "past"
        return best


def _qshift(y: int, q: int, k: int) -> tuple[int, int]:
    n = y * 4 + (q - 1) + k
    return n // 4, n % 4 + 1


def _q(yq: tuple[int, int] | None) -> str | None:
    return f"{yq[0]:04d}-Q{yq[1]}" if yq else None


# --- normalisers, one per rule ----------------------------------------------------------------------------


def _iso(m, ctx) -> Norm | None:
    try:
        v = dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
    except ValueError:
        return None
    return (f"{v}T{m['H']}:{m['M']}", "time", "TIME") if m["H"] else (v, "day", "DATE")


def _time(m, ctx) -> Norm:
    gd = m.groupdict()
    h = int(m["h"])
    ap = (gd.get("ap") or gd.get("tod") or "").lower()
    if ap.startswith("p") or "afternoon" in ap or "evening" in ap:
        h = h % 12 + 12
    elif ap.startswith("a") or "morning" in ap:
        h = h % 12
    clock = f"T{h:02d}:{m['min'] or '00'}"
    day = None
    if gd.get("mon") and gd.get("d"):
        day = _month_day(ctx, R.MONTHS[m["mon"].lower().rstrip(".")], int(re.sub(r"\D", "", m["d"])), None, m)
    elif gd.get("wd"):
        day = _weekday(ctx, m, R.WEEKDAYS[m["wd"].lower()], None)
    elif gd.get("rel"):
        day = _deictic_date(ctx, m["rel"])
    elif ctx.dct:
        day = _day(ctx.dct)
    return (day + clock if day else None), "time", "TIME"


def _month_day(ctx, month: int, day: int, year: int | None, m) -> str | None:
    wd = m.groupdict().get("wd")
    if year is None and wd and ctx.dct:  # "Saturday, April 25": the year in which the weekday agrees
        for y in (ctx.dct.year, ctx.dct.year - 1, ctx.dct.year + 1):
            try:
                if dt.date(y, month, day).isoweekday() == R.WEEKDAYS[wd.lower()]:
                    year = y
                    break
            except ValueError:
                pass
    if year is None:
        if not ctx.dct:
            return None
        year = _pick_year(ctx.dct, month, day, ctx.tense(m.start(), m.end()))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _mdy(m, ctx) -> Norm | None:
    month = R.MONTHS[m["mon"].lower().rstrip(".")]
    day = int(re.sub(r"\D", "", m["d"]))
    if not 1 <= day <= 31:
        return None
    return _month_day(ctx, month, day, int(m["y"]) if m["y"] else None, m), "day", "DATE"


def _my(m, ctx) -> Norm:
    y = m["y"]
    y = int(y) if y.isdigit() else R.spelled_year(y)
    return (f"{y:04d}-{R.MONTHS[m['mon'].lower().rstrip('.')]:02d}" if y else None), "month", "DATE"


def _month(m, ctx) -> Norm:
    month = R.MONTHS[m["mon"].lower().rstrip(".")]
    if not ctx.dct:
        return None, "month", "DATE"
    rel = (m["rel"] or "").lower().split()
    rel2 = (m["rel2"] or "").lower()
    y = ctx.dct.year
    if rel2:
        y += {"last": -1, "next": 1}.get(rel2, 0)
    elif rel and rel[-1] == "last":  # "last February" said in March is a year back ("last month" else)
        y = y if month < ctx.dct.month - 1 else y - 1
    elif rel and rel[-1] == "next":
        y = y if month > ctx.dct.month else y + 1
    elif ctx.range_start(m.start(), "month"):  # "from March to May": the end follows the start
        first = ctx.last[0]
        y = int(first[:4]) if month >= int(first[5:7]) else int(first[:4]) + 1
    elif not (rel and rel[-1] == "this"):
        y = _pick_year(ctx.dct, month, None, ctx.tense(m.start(), m.end()))
    return f"{y:04d}-{month:02d}", "month", "DATE"


def _year(m, ctx) -> Norm:
    return m["y"], "year", "DATE"


def _year_words(m, ctx) -> Norm | None:
    y = R.spelled_year(m["w"])
    if y is None or (y >= 2000 and not m.group(0).lower().startswith("the year")):
        return None
    return str(y), "year", "DATE"


def _decade(m, ctx) -> Norm:
    if m["c"]:
        return m["c"] + m["d"], "decade", "DATE"
    if m["d2"]:
        return "19" + m["d2"], "decade", "DATE"
    tens = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"]
    return f"19{tens.index(m['w'].lower()) + 2}", "decade", "DATE"


def _century(m, ctx) -> Norm:
    if m["n"]:
        return f"{int(m['n']) - 1:02d}", "century", "DATE"
    return (f"{ctx.dct.year // 100:02d}" if ctx.dct else None), "century", "DATE"


def _quarter(m, ctx) -> Norm:
    q = R.ORDINALS[m["ord"].lower()]
    det = (m["det"] or "").lower()
    if m["y"] or m["fy"]:
        return f"{m['y'] or m['fy']}-Q{q}", "quarter", "DATE"
    if not ctx.dct:
        return None, "quarter", "DATE"
    y = ctx.dct.year
    if det.startswith(("last year", "the year-")):
        ctx.shifted = True
        anchor = ctx.recent_quarter(m.start())
        y = (anchor[0] if anchor else y) - 1
    elif det.startswith("next year"):
        y += 1
    elif not det.startswith("this"):
        cur = (ctx.dct.month - 1) // 3 + 1
        tense = ctx.tense(m.start(), m.end())
        if tense == "past" and q > cur:
            y -= 1
    return f"{y}-Q{q}", "quarter", "DATE"


def _half(m, ctx) -> Norm:
    if m["y2"]:
        return m["y2"] + "-H1", "half", "DATE"
    if m["d"]:
        return "19" + m["d"], "decade", "DATE"
    return f"{m['y']}-H{1 if m['ord'].lower() == 'first' else 2}", "half", "DATE"


def _period(m, ctx) -> Norm | None:
    k = (m["k"] or "").lower() if m.groupdict().get("k") else ""
    unit = (m["u"] or "quarter").lower() if m.groupdict().get("u") else "quarter"
    fy = (m["fy"] or "").lower() if m.groupdict().get("fy") else ""
    if k.isdigit():
        if fy in R.ORDINALS:
            return f"{k}-Q{R.ORDINALS[fy]}", "quarter", "DATE"
        return k, "year", "DATE"
    if not ctx.dct:
        return None, "quarter", "DATE"
    back = k in ("year-ago", "year-earlier") or bool(m["tail"] if m.groupdict().get("tail") else None)
    if unit in ("year", "fiscal year"):
        if k in ("current", "same") and not back:
            return str(ctx.dct.year), "year", "DATE"
        if k in ("latest", "previous", "prior") or back:
            return str(ctx.dct.year - 1), "year", "DATE"
        return None
    if unit == "half":
        return None
    if k == "current":
        return _q((ctx.dct.year, (ctx.dct.month - 1) // 3 + 1)), "quarter", "DATE"
    yq = ctx.reported_quarter(m.start()) if k != "latest" else \
        _qshift(ctx.dct.year, (ctx.dct.month - 1) // 3 + 1, -1)
    ctx.shifted = bool(back or k in ("previous", "prior"))
    if back and yq:
        yq = (yq[0] - 1, yq[1])
    elif k in ("previous", "prior") and yq:
        yq = _qshift(*yq, -1)
    return _q(yq), "quarter", "DATE"


def _fiscal_year(m, ctx) -> Norm:
    after = ctx.text[m.end():m.end() + 12].lower()
    if re.match(r"\s+(ended|ending|that ended|to )", after) or not m["k"] or m["k"].lower() == "the":
        return "P1Y", "duration", "DURATION"
    if not ctx.dct:
        return None, "year", "DATE"
    shift = {"latest": -1, "last": -1, "previous": -1, "next": 1}.get(m["k"].lower(), 0)
    return str(ctx.dct.year + shift), "year", "DATE"


def _the_year(m, ctx) -> Norm | None:
    unit = m["u"].lower()
    if unit != "year":
        return None
    after = ctx.text[m.end():m.end() + 12].lower()
    if re.match(r"\s+(ended|ending|that ended|to )", after):
        return "P1Y", "duration", "DURATION"
    if m.group(0).lower().startswith("that"):
        return (str(ctx.year) if ctx.year else None), "year", "DATE"
    return (str(ctx.dct.year) if ctx.dct else None), "year", "DATE"


def _season_year(ctx, season: str, rel: str, m) -> int:
    dct = ctx.dct
    rep = R.SEASON_MONTH[season]
    if rel.endswith("last") or rel == "this past":
        return dct.year if rep + 2 < dct.month else dct.year - 1
    if rel.endswith("next"):
        return dct.year if rep > dct.month else dct.year + 1
    if rel.endswith("this"):
        return dct.year
    return _pick_year(dct, rep, None, ctx.tense(m.start(), m.end()))


def _season(m, ctx) -> Norm:
    season = R.SEASONS[m["s"].lower()]
    y = m["y"]
    if y:
        y = int(y) if y.isdigit() else R.spelled_year(y)
        return (f"{y}-{season}" if y else None), "season", "DATE"
    if not ctx.dct:
        return None, "season", "DATE"
    rel = (m.groupdict().get("rel") or "").lower()
    return f"{_season_year(ctx, season, rel, m)}-{season}", "season", "DATE"


def _rel_unit(m, ctx) -> Norm | None:
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = m["u"].lower()
    if rel in ("the past", "past", "the next", "the coming", "coming"):
        return _unit_duration(1, unit)
    if rel in ("early", "late", "earlier", "later", "the same"):
        return None
    if not ctx.dct:
        return None, unit, "DATE"
    words = rel.split()
    shift = -1 if words[-1] in ("last", "previous") or rel == "this past" else \
        1 if words[-1] in ("next", "following") else 0
    if words[-1].endswith("'s"):  # "last year's quarter"
        shift = {"last": -1, "next": 1}.get(words[0], 0)
        yq = ctx.reported_quarter(m.start())
        return _q((ctx.dct.year + shift, yq[1]) if yq else None), "quarter", "DATE"
    d = ctx.dct
    if words[-1] in ("previous", "following") and ctx.year and unit == "year":
        return str(ctx.year + shift), "year", "DATE"
    if unit == "year":
        return str(d.year + shift), "year", "DATE"
    if unit == "month":
        return _ym(*_add_months(d.year, d.month, shift)), "month", "DATE"
    if unit in ("week", "weekend"):
        v = _week(d + dt.timedelta(weeks=shift))
        return (v + "-WE" if unit == "weekend" else v), "week", "DATE"
    if unit == "quarter":
        return _q(_qshift(d.year, (d.month - 1) // 3 + 1, shift)), "quarter", "DATE"
    if unit == "decade":
        return str(d.year // 10 + shift), "decade", "DATE"
    return str(d.year // 100 + shift), "century", "DATE"


def _weekday(ctx, m, wd: int, rel: str | None) -> str | None:
    if not ctx.dct:
        return None
    rel = (rel or "").lower()
    if rel in ("last", "the previous", "this past"):
        return _day(_weekday_date(ctx.dct, wd, -1, True))
    if rel in ("next", "this coming", "the following", "the next"):
        return _day(_weekday_date(ctx.dct, wd, 1, True))
    tense = ctx.tense(m.start(), m.end())
    return _day(_weekday_date(ctx.dct, wd, 1 if tense == "future" else -1, False))


def _rel_wd(m, ctx) -> Norm:
    wd = R.WEEKDAYS[m["wd"].lower()]
    tod = (m["tod"] or "").lower().rstrip("s")
    if m["pl"]:
        return f"XXXX-WXX-{wd}" + ("T" + R.PARTS_OF_DAY[tod] if tod else ""), "set", "SET"
    day = _weekday(ctx, m, wd, m["rel"])
    if tod:
        return (day + "T" + R.PARTS_OF_DAY[tod] if day else None), "time", "TIME"
    return day, "day", "DATE"


def _deictic_date(ctx, word: str) -> str | None:
    if not ctx.dct:
        return None
    shift = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "this": 0, "last": -1}.get(word.lower(), 0)
    return _day(ctx.dct + dt.timedelta(days=shift))


def _rel_tod(m, ctx) -> Norm:
    w = (m["w"] or "").lower()
    if w:
        part = R.PARTS_OF_DAY.get(w, "NI")
        day = _deictic_date(ctx, "today")
        if w == "overnight":
            day = _deictic_date(ctx, "yesterday")
    else:
        rel = m["rel"].lower().split()[-1]
        part = R.PARTS_OF_DAY[m["tod"].lower()]
        day = _deictic_date(ctx, rel if rel in ("yesterday", "tomorrow", "last") else "today")
    if not day:
        return None, "time", "TIME"
    return day + ("" if part.startswith("T") else "T") + part, "time", "TIME"


def _deictic(m, ctx) -> Norm:
    return _deictic_date(ctx, m["w"]), "day", "DATE"


_UNIT_CODE = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "TH", "minute": "TM", "second": "TS",
              "decade": "E", "century": "C", "quarter": "Q", "weekend": "WE"}


def _unit_key(u: str) -> str:
    u = u.lower()
    return "century" if u.startswith("centur") else u.rstrip("s")


def _unit_duration(n: float | None, unit: str) -> Norm:
    unit = _unit_key(unit)
    if unit == "weekend":
        return "P2D", "duration", "DURATION"
    if n is None:
        code = {"quarter": "M", "century": "E"}.get(unit, _UNIT_CODE[unit][-1])
        num = "X"
    else:
        if unit == "decade":
            unit, n = "year", n * 10
        elif unit == "century":
            unit, n = "year", n * 100
        elif unit == "quarter":
            unit, n = "month", n * 3
        code = _UNIT_CODE[unit]
        if n != int(n):
            smaller = {"Y": ("M", 12), "M": ("D", 30), "W": ("D", 7), "D": ("TH", 24), "TH": ("TM", 60),
                       "TM": ("TS", 60)}.get(code)
            if smaller:
                whole = int(n)
                rest = f"{round((n - whole) * smaller[1])}{smaller[0][-1]}"
                head = f"{whole}{code[-1]}" if whole else ""
                if code.startswith("T"):
                    return "PT" + head + rest, "duration", "DURATION"
                if smaller[0].startswith("T"):
                    return "P" + head + "T" + rest, "duration", "DURATION"
                return f"P{round(n * smaller[1])}{smaller[0]}", "duration", "DURATION"
        num = str(int(n))
    return ("PT" if code.startswith("T") else "P") + num + code[-1], "duration", "DURATION"


def _count(raw: str | None) -> float | None:
    return R.word_number(raw) if raw else None


def _duration(m, ctx) -> Norm:
    if m.groupdict().get("u2"):
        return _unit_duration(1, m["u2"])
    n = _count(m["n"])
    if n is not None and m.group(0).lower().endswith("and a half"):
        n += 0.5
    return _unit_duration(n, m["u"])


def _hyph_dur(m, ctx) -> Norm | None:
    n = _count(m["n"])
    return _unit_duration(n, m["u"]) if n else None


def _plural_unit(m, ctx) -> Norm:
    pre = (m["pre"] or "").lower()
    if pre == "recent":
        return "PAST_REF", "ref", "DATE"
    return _unit_duration(None, m["u"])


def _shift_date(ctx, unit: str, k: int) -> Norm:
    d = ctx.dct
    if unit == "year":
        return str(d.year + k), "year", "DATE"
    if unit == "decade":
        return str(d.year + 10 * k), "year", "DATE"
    if unit == "month":
        return _ym(*_add_months(d.year, d.month, k)), "month", "DATE"
    if unit == "week":
        return _week(d + dt.timedelta(weeks=k)), "week", "DATE"
    if unit == "day":
        return _day(d + dt.timedelta(days=k)), "day", "DATE"
    if unit == "quarter":
        return _q(_qshift(d.year, (d.month - 1) // 3 + 1, k)), "quarter", "DATE"
    return str(d.year + 100 * k), "year", "DATE"


def _ago(m, ctx) -> Norm:
    n = _count(m["n"]) if m["n"] else None
    direction = m["dir"].lower()
    sign = -1 if direction in ("ago", "earlier", "before", "before that") else 1
    unit = _unit_key(m["u"])
    if n is None or n != int(n):
        return ("PAST_REF" if sign < 0 else "FUTURE_REF"), "ref", "DATE"
    if not ctx.dct:
        return None, unit, "DATE"
    if unit == "year" and n == 1:
        yq = ctx.recent_quarter(m.start())
        ctx.shifted = True
        if yq:
            return _q((yq[0] - 1, yq[1])), "quarter", "DATE"
    if direction in ("later", "after") and ctx.year and unit == "year":
        return str(ctx.year + int(n)), "year", "DATE"
    return _shift_date(ctx, unit, sign * int(n))


def _ago_year(m, ctx) -> Norm:
    if not ctx.dct:
        return None, "year", "DATE"
    yq = ctx.recent_quarter(m.start())
    ctx.shifted = True
    if yq:
        return _q((yq[0] - 1, yq[1])), "quarter", "DATE"
    return str(ctx.dct.year - 1), "year", "DATE"


_REFS = {"right now": "PRESENT_REF", "now": "PRESENT_REF", "currently": "PRESENT_REF", "current": "PRESENT_REF",
         "the present": "PRESENT_REF", "nowadays": "PRESENT_REF", "these days": "PRESENT_REF",
         "for the time being": "PRESENT_REF", "then current": "PAST_REF", "recently": "PAST_REF",
         "more recently": "PAST_REF", "recent": "PAST_REF", "the past": "PAST_REF"}


def _ref(m, ctx) -> Norm:
    w = re.sub(r"\s+", " ", m["w"].lower())
    return _REFS.get(w, "FUTURE_REF"), "ref", "DATE"


def _set(m, ctx) -> Norm:
    if m["w"]:
        return R.SET_WORDS[m["w"].lower()], "set", "SET"
    unit = (m["u"] or m["au"]).lower()
    if unit in R.WEEKDAYS:
        return f"XXXX-WXX-{R.WEEKDAYS[unit]}", "set", "SET"
    if unit in R.SEASONS:
        return "XXXX-" + R.SEASONS[unit], "set", "SET"
    if unit == "morning":
        return "XXXX-XX-XXTMO", "set", "SET"
    n = _count(m["n"]) if m["n"] else 1
    value = _unit_duration(n, "day" if unit == "night" else unit)[0]
    return value, "set", "SET"


def _holiday(m, ctx) -> Norm:
    spec = R.HOLIDAYS[re.sub(r"\s+", " ", m["h"].lower())]
    if not ctx.dct:
        return None, "day", "DATE"

    def in_year(y: int) -> dt.date:
        if len(spec) == 2:
            return dt.date(y, *spec)
        if spec[1] == 0:  # US election day: the Tuesday after the first Monday of November
            return _nth_weekday(y, 11, 1, 1) + dt.timedelta(days=1)
        return _nth_weekday(y, spec[0], spec[1], spec[2])

    rel = (m["rel"] or "").lower()
    here = in_year(ctx.dct.year)
    tense = "past" if rel == "last" else "future" if rel == "next" else ctx.tense(m.start(), m.end())
    if tense == "past" and here > ctx.dct:
        here = in_year(ctx.dct.year - 1)
    elif tense == "future" and here < ctx.dct:
        here = in_year(ctx.dct.year + 1)
    return _day(here), "day", "DATE"


def _end_of(m, ctx) -> Norm:
    w = m["w"].lower()
    if not ctx.dct:
        return None, "year", "DATE"
    if w.endswith("month"):
        return _ym(ctx.dct.year, ctx.dct.month), "month", "DATE"
    if w.endswith("week"):
        return _week(ctx.dct), "week", "DATE"
    if w.endswith("quarter"):
        return _q((ctx.dct.year, (ctx.dct.month - 1) // 3 + 1)), "quarter", "DATE"
    if "century" in w:
        return f"{ctx.dct.year // 100:02d}", "century", "DATE"
    return str(ctx.dct.year), "year", "DATE"


def _weekend(m, ctx) -> Norm:
    if not ctx.dct:
        return None, "week", "DATE"
    d = ctx.dct
    tense = ctx.tense(m.start(), m.end())
    if d.isoweekday() < 6:
        d = d + dt.timedelta(weeks=1) if tense == "future" else d - dt.timedelta(weeks=1)
    return _week(d) + "-WE", "week", "DATE"


_NORMALISERS = {
    "iso": _iso, "time": _time, "mdy": _mdy, "dmy": _mdy, "my": _my, "month": _month, "year": _year,
    "year_words": _year_words, "decade": _decade, "century": _century, "quarter": _quarter, "half": _half,
    "period": _period, "fiscal_year": _fiscal_year, "the_year": _the_year, "season": _season,
    "season_year": _season, "rel_unit": _rel_unit, "rel_wd": _rel_wd, "rel_tod": _rel_tod,
    "deictic": _deictic, "ago": _ago, "ago_year": _ago_year, "duration": _duration, "hyph_dur": _hyph_dur,
    "plural_unit": _plural_unit, "ref": _ref, "set": _set, "holiday": _holiday, "end_of": _end_of,
    "weekend": _weekend,
}
