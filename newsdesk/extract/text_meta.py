"""Header metadata of scraped plain text: the title, byline and dateline lines of an article.

Owns recognising those lines near the top of the text and parsing dates to ISO 8601 (stdlib only);
the body cleaner removes the lines this module points at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_TIME = r"(?:\s*(?:,|\bat\b|-|\|)?\s*(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?::\d{2})?\s*(?P<ampm>[ap]\.?m\.?)?|\s*,?\s*(?P<hh2>\d{1,2})\s*(?P<ampm2>[ap]\.?m\.?))"
_DATE_FORMS = [
    # 2022-03-01, 2022-03-01T14:46:00Z
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ](?P<hh>\d{2}):(?P<mm>\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?", re.I),
    # 14:46, 1 March 2022 (time first: tried before the day-first form it contains)
    re.compile(r"\b(?P<hh>\d{1,2})[:.](?P<mm>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}\s*)?[,|-]?\s*(?:\w+day,?\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>\d{4})", re.I),
    # 1 March 2022, 14:46 / Tue 1 Mar 2022 14.46 GMT
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(?P<y>\d{4})" + f"(?:{_TIME})?", re.I),
    # March 1, 2022 2:46 pm
    re.compile(r"\b" + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + f"(?:{_TIME})?", re.I),
]
# Words a dateline may hold besides its dates; anything else means the line is a sentence.
_DATELINE_FILLER = re.compile(
    r"\b(published|updated|last|modified|posted|first|on|at|and|am|pm|a\.m|p\.m|edt|est|cdt|cst|mdt|mst|pdt|pst|"
    r"gmt|bst|cet|cest|utc|et|pt|z|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|date|time|hours?|mins?|minutes?|ago|read)\b",
    re.I,
)
_YEAR = re.compile(r"\d{4}")  # every supported date form has a four-digit year: a cheap pre-check
_UPDATED = re.compile(r"\b(updated|modified|last update)", re.I)
_BYLINE = re.compile(r"^\s*(?:written\s+)?by[:\s]+(?P<names>.+?)\s*$", re.I)
_NAME = r"[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|de|da|van|von|der|del|la|le|bin|al|el))*"
_NAME_FULL = re.compile(_NAME)
_NAME_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+")
_OUTLET_SPLIT = re.compile(r"\s*(?:\||\s[-–—]\s|\bin\s|\bfor\s|\bat\s)\s*")
# Words of a job title, which ends the names in "By Jane Doe, Political Correspondent".
_ROLE_WORDS = frozenset(
    "correspondent editor reporter writer columnist staff contributor journalist analyst chief senior "
    "political foreign news bureau desk producer photographer critic associate deputy special press "
    "associated agency media wire service".split()
)


@dataclass
class HeaderInfo:
    """What the top of the article holds, with the indices of the lines that held it."""

    title: str | None = None
    byline: str | None = None
    published: str | None = None
    updated: str | None = None
    lines: dict[int, str] = field(default_factory=dict)  # line index -> reason ("title", "byline", "dateline")


def _iso(y: int, m: int, d: int, hh: str | None, mm: str | None, ampm: str | None) -> str | None:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    if hh is None:
        return day.isoformat()
    h = int(hh)
    if ampm:
        pm = ampm.lower().startswith("p")
        h = (h % 12) + (12 if pm else 0)
    minute = int(mm) if mm else 0
    if not (0 <= h < 24 and 0 <= minute < 60):
        return day.isoformat()
    return f"{day.isoformat()}T{h:02d}:{minute:02d}"


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, iso) of every date in `text`, leftmost first, overlapping matches dropped."""
    found: list[tuple[int, int, str]] = []
    for form in _DATE_FORMS:
        for m in form.finditer(text):
            g = m.groupdict()
            mon = _MONTHS.get(g["mon"].lower().rstrip(".")) if g.get("mon") else int(g["m"])
            hh = g.get("hh") or g.get("hh2")
            mm = g.get("mm") if g.get("hh") else ("00" if hh else None)
            ampm = g.get("ampm") or g.get("ampm2")
            iso = _iso(int(g["y"]), mon or 0, int(g["d"]), hh, mm, ampm) if mon else None
            if iso and not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), iso))
    return sorted(found)


def parse_dateline(line: str) -> tuple[str | None, str | None] | None:
    """(published, updated) when the line is a dateline, else None."""
    if len(line) > 160 or not _YEAR.search(line):
        return None
    dates = find_dates(line)
    if not dates:
        return None
    rest = line
    for s, e, _ in reversed(dates):
        rest = rest[:s] + " " + rest[e:]
    rest = _DATELINE_FILLER.sub(" ", rest)
    if len(re.findall(r"[^\W\d_]{2,}", rest)) > 2:
        return None
    published = updated = None
    for s, _e, iso in dates:
        if _UPDATED.search(line[max(0, s - 30) : s]) or (published is not None and updated is None):
            updated = updated or iso
        else:
            published = published or iso
    if published is None and updated is not None and not _UPDATED.search(line):
        published, updated = updated, None
    return published, updated


def parse_byline(line: str) -> str | None:
    """The author name(s) of a "By ..." line, without role or outlet; None when it is not a byline."""
    m = _BYLINE.match(line)
    if not m or len(line) > 120:
        return None
    # "Jane Doe, John Roe and Ann Poe" is a list of names; "Jane Doe, Political Correspondent" or
    # "Jane Doe in Kyiv" ends at the first part that is not a name.
    names: list[str] = []
    for part in _NAME_SPLIT.split(_OUTLET_SPLIT.split(m.group("names"), maxsplit=1)[0]):
        part = part.strip(" .")
        if not part:
            continue
        if not _NAME_FULL.fullmatch(part) or _ROLE_WORDS.intersection(part.lower().split()):
            break
        names.append(part)
    if not names or len(" ".join(names).split()) > 12:
        return None
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def looks_like_title(line: str) -> bool:
    """A heading: short-ish, not ending a sentence with a period, not a date or byline."""
    s = line.strip()
    words = s.split()
    if not (2 <= len(words) <= 30) or len(s) > 200:
        return False
    if re.search(r"[.;,:]$", s) and not s.endswith("..."):
        return False
    if s.startswith(("<", "!", "[", "(", "data:", "http")) or _BYLINE.match(s) or parse_dateline(s):
        return False
    return bool(re.match(r"^[\W\d]*[^\W\d_]", s))


def read_header(lines: list[str], *, scan: int = 40) -> HeaderInfo:
    """Find title, byline and dateline among the first `scan` non-empty lines (a web page's header is long)."""
    info = HeaderInfo()
    idx = [i for i, line in enumerate(lines) if line.strip()]
    if not idx:
        return info
    first = idx[0]
    if looks_like_title(lines[first]):
        info.title = lines[first].strip()
        info.lines[first] = "title"
    for i in idx[:scan]:
        line = lines[i].strip()
        if i in info.lines:
            continue
        if info.byline is None and (name := parse_byline(line)):
            info.byline = name
            info.lines[i] = "byline"
            continue
        parsed = parse_dateline(line)
        if parsed and (info.published is None or (info.updated is None and parsed[1])):
            pub, upd = parsed
            if info.published is None:
                info.published = pub
            elif pub and upd is None and _UPDATED.search(line):
                upd = pub
            info.updated = info.updated or upd
            info.lines[i] = "dateline"
    return info
