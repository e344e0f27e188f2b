"""Time expressions, the calendar side: the publication date, calendar arithmetic (months, ISO weeks,
quarters, the nth weekday), the year of a month named without one, and the per-document `Context`
(tense of a clause, the last year and quarter mentioned) that relative expressions are resolved in."""

from __future__ import annotations

import datetime as dt
import re

Norm = tuple[str | None, str, str]  # value, granularity, TIMEX3 type

_CUE = re.compile(
    r"\b(?P<f>will|won't|wo|shall|going to|scheduled|expected|expects?|plans?|planned|planning|intends?|due|"
    r"set to|is to|are to|to be|would|upcoming|hopes? to)\b|(?P<f2>'ll)\b|"
    r"\b(?P<p>said|says|told|reported|announced|was|were|had|did|ago|last|earlier|yesterday|\w{3,}ed)\b", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|to|through|until|till|and|or)\s*(?:early\s+|late\s+|mid-?)?", re.I)
_SENT_END = re.compile(r"[.!?]['\"]?\s+(?=[A-Z`'\"])|\n")


def prev_word(text: str, i: int) -> str:
    m = re.search(r"([\w$%,.']+)\s*$", text[max(0, i - 30):i])
    return m.group(1).lower() if m else ""


# --- calendar ---------------------------------------------------------------------------------------------


def parse_date(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def add_months(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def year_month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def iso_day(d: dt.date) -> str:
    return d.isoformat()


def weekday_date(dct: dt.date, wd: int, direction: int, strict: bool) -> dt.date:
    """The weekday `wd` (1 = Monday) nearest `dct` in `direction` (-1 past, +1 future)."""
    diff = (wd - dct.isoweekday()) * direction % 7
    if diff == 0 and strict:
        diff = 7
    return dct + dt.timedelta(days=diff * direction)


def nth_weekday(y: int, month: int, wd: int, n: int) -> dt.date:
    if n > 0:
        first = dt.date(y, month, 1)
        return first + dt.timedelta(days=(wd - first.isoweekday()) % 7 + 7 * (n - 1))
    last = dt.date(*add_months(y, month, 1), 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.isoweekday() - wd) % 7)


def pick_year(dct: dt.date, month: int, day: int | None, tense: str | None) -> int:
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


class Context:
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
        return shift_quarter(self.dct.year, (self.dct.month - 1) // 3 + 1, -1)

    def tense(self, start: int, end: int) -> str | None:
        """'past' or 'future' from the verb cue nearest the expression within its sentence, else None."""
        text = self.text
        prev = prev_word(text, start)
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
        best: str | None = None
        best_d: float = 10 ** 9  # clause distances after a cue weigh 1.5
        for mm in _CUE.finditer(text, lo, hi):
            if start <= mm.start() < end:
                continue
            d = start - mm.end() if mm.end() <= start else (mm.start() - end) * 1.5
            if d < best_d:
                best_d, best = d, "future" if (mm.group("f") or mm.group("f2")) else "past"
        return best


def shift_quarter(y: int, q: int, k: int) -> tuple[int, int]:
    n = y * 4 + (q - 1) + k
    return n // 4, n % 4 + 1


def quarter_value(yq: tuple[int, int] | None) -> str | None:
    return f"{yq[0]:04d}-Q{yq[1]}" if yq else None
