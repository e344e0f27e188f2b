"""Time expressions, normalisers of absolute and calendar expressions: ISO dates, month-day-year, months,
years, decades, centuries, quarters, halves, fiscal years, seasons and holidays (one function per rule of
`timex_rules`, each `(match, Context) -> (value, granularity, type)` or None)."""

from __future__ import annotations

import datetime as dt
import re

from newsdesk.annotate import timex_rules as R
from newsdesk.annotate.timex_context import (
    Norm,
    iso_day,
    nth_weekday,
    pick_year,
    quarter_value,
    shift_quarter,
)


def _iso(m, ctx) -> Norm | None:
    try:
        v = dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
    except ValueError:
        return None
    return (f"{v}T{m['H']}:{m['M']}", "time", "TIME") if m["H"] else (v, "day", "DATE")


def month_day(ctx, month: int, day: int, year: int | None, m) -> str | None:
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
        year = pick_year(ctx.dct, month, day, ctx.tense(m.start(), m.end()))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _mdy(m, ctx) -> Norm | None:
    month = R.MONTHS[m["mon"].lower().rstrip(".")]
    day = int(re.sub(r"\D", "", m["d"]))
    if not 1 <= day <= 31:
        return None
    return month_day(ctx, month, day, int(m["y"]) if m["y"] else None, m), "day", "DATE"


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
        y = pick_year(ctx.dct, month, None, ctx.tense(m.start(), m.end()))
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
        return quarter_value((ctx.dct.year, (ctx.dct.month - 1) // 3 + 1)), "quarter", "DATE"
    yq = ctx.reported_quarter(m.start()) if k != "latest" else \
        shift_quarter(ctx.dct.year, (ctx.dct.month - 1) // 3 + 1, -1)
    ctx.shifted = bool(back or k in ("previous", "prior"))
    if back and yq:
        yq = (yq[0] - 1, yq[1])
    elif k in ("previous", "prior") and yq:
        yq = shift_quarter(*yq, -1)
    return quarter_value(yq), "quarter", "DATE"


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
    return pick_year(dct, rep, None, ctx.tense(m.start(), m.end()))


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


def _holiday(m, ctx) -> Norm:
    spec = R.HOLIDAYS[re.sub(r"\s+", " ", m["h"].lower())]
    if not ctx.dct:
        return None, "day", "DATE"

    def in_year(y: int) -> dt.date:
        if len(spec) == 2:
            return dt.date(y, *spec)
        if spec[1] == 0:  # US election day: the Tuesday after the first Monday of November
            return nth_weekday(y, 11, 1, 1) + dt.timedelta(days=1)
        return nth_weekday(y, spec[0], spec[1], spec[2])

    rel = (m["rel"] or "").lower()
    here = in_year(ctx.dct.year)
    tense = "past" if rel == "last" else "future" if rel == "next" else ctx.tense(m.start(), m.end())
    if tense == "past" and here > ctx.dct:
        here = in_year(ctx.dct.year - 1)
    elif tense == "future" and here < ctx.dct:
        here = in_year(ctx.dct.year + 1)
    return iso_day(here), "day", "DATE"


ABSOLUTE = {
    "iso": _iso, "mdy": _mdy, "dmy": _mdy, "my": _my, "month": _month, "year": _year, "year_words": _year_words,
    "decade": _decade, "century": _century, "quarter": _quarter, "half": _half, "period": _period,
    "fiscal_year": _fiscal_year, "the_year": _the_year, "season": _season, "season_year": _season,
    "holiday": _holiday,
}
