"""Time expressions, normalisers of relative expressions: "last month", "on Friday", "this morning",
"two years ago", durations, sets, "the end of the month" and the weekend, resolved against the
publication date in the tense of their clause."""

from __future__ import annotations

import datetime as dt
import re

from newsdesk.annotate import timex_rules as R
from newsdesk.annotate.timex_absolute import month_day
from newsdesk.annotate.timex_context import (
    Norm,
    add_months,
    iso_day,
    iso_week,
    quarter_value,
    shift_quarter,
    weekday_date,
    year_month,
)


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
        return quarter_value((ctx.dct.year + shift, yq[1]) if yq else None), "quarter", "DATE"
    d = ctx.dct
    if words[-1] in ("previous", "following") and ctx.year and unit == "year":
        return str(ctx.year + shift), "year", "DATE"
    if unit == "year":
        return str(d.year + shift), "year", "DATE"
    if unit == "month":
        return year_month(*add_months(d.year, d.month, shift)), "month", "DATE"
    if unit in ("week", "weekend"):
        v = iso_week(d + dt.timedelta(weeks=shift))
        return (v + "-WE" if unit == "weekend" else v), "week", "DATE"
    if unit == "quarter":
        return quarter_value(shift_quarter(d.year, (d.month - 1) // 3 + 1, shift)), "quarter", "DATE"
    if unit == "decade":
        return str(d.year // 10 + shift), "decade", "DATE"
    return str(d.year // 100 + shift), "century", "DATE"


def _weekday(ctx, m, wd: int, rel: str | None) -> str | None:
    if not ctx.dct:
        return None
    rel = (rel or "").lower()
    if rel == "last":
        # news names a day of the past week by itself ("on Monday"); "last Monday" on a Wednesday is the
        # Monday of the week before, not the one two days back
        monday = ctx.dct - dt.timedelta(days=ctx.dct.isoweekday() - 1)
        return iso_day(monday - dt.timedelta(days=7 - (wd - 1)))
    if rel in ("the previous", "this past"):
        return iso_day(weekday_date(ctx.dct, wd, -1, True))
    if rel in ("next", "this coming", "the following", "the next"):
        return iso_day(weekday_date(ctx.dct, wd, 1, True))
    tense = ctx.tense(m.start(), m.end())
    return iso_day(weekday_date(ctx.dct, wd, 1 if tense == "future" else -1, False))


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
    return iso_day(ctx.dct + dt.timedelta(days=shift))


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
        return year_month(*add_months(d.year, d.month, k)), "month", "DATE"
    if unit == "week":
        return iso_week(d + dt.timedelta(weeks=k)), "week", "DATE"
    if unit == "day":
        return iso_day(d + dt.timedelta(days=k)), "day", "DATE"
    if unit == "quarter":
        return quarter_value(shift_quarter(d.year, (d.month - 1) // 3 + 1, k)), "quarter", "DATE"
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
            return quarter_value((yq[0] - 1, yq[1])), "quarter", "DATE"
    if direction in ("later", "after") and ctx.year and unit == "year":
        return str(ctx.year + int(n)), "year", "DATE"
    return _shift_date(ctx, unit, sign * int(n))


def _ago_year(m, ctx) -> Norm:
    if not ctx.dct:
        return None, "year", "DATE"
    yq = ctx.recent_quarter(m.start())
    ctx.shifted = True
    if yq:
        return quarter_value((yq[0] - 1, yq[1])), "quarter", "DATE"
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


def _end_of(m, ctx) -> Norm:
    w = m["w"].lower()
    if not ctx.dct:
        return None, "year", "DATE"
    if w.endswith("month"):
        return year_month(ctx.dct.year, ctx.dct.month), "month", "DATE"
    if w.endswith("week"):
        return iso_week(ctx.dct), "week", "DATE"
    if w.endswith("quarter"):
        return quarter_value((ctx.dct.year, (ctx.dct.month - 1) // 3 + 1)), "quarter", "DATE"
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
    return iso_week(d) + "-WE", "week", "DATE"


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
        day = month_day(ctx, R.MONTHS[m["mon"].lower().rstrip(".")], int(re.sub(r"\D", "", m["d"])), None, m)
    elif gd.get("wd"):
        day = _weekday(ctx, m, R.WEEKDAYS[m["wd"].lower()], None)
    elif gd.get("rel"):
        day = _deictic_date(ctx, m["rel"])
    elif ctx.dct:
        day = iso_day(ctx.dct)
    return (day + clock if day else None), "time", "TIME"


RELATIVE = {
    "time": _time, "rel_unit": _rel_unit, "rel_wd": _rel_wd, "rel_tod": _rel_tod, "deictic": _deictic, "ago": _ago,
    "ago_year": _ago_year, "duration": _duration, "hyph_dur": _hyph_dur, "plural_unit": _plural_unit, "ref": _ref,
    "set": _set, "end_of": _end_of, "weekend": _weekend,
}
