"""Lexicons and regular expressions of the time-expression tagger (`timex.py` normalises what they find).

Spans follow the TimeML/TIMEX3 guidelines: determiners and modifiers ("the", "last", "nearly", "early")
belong to the expression, prepositions ("on", "in", "since") and possessive "'s" do not.
"""

from __future__ import annotations

import re

MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
          "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3,
          "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
SEASON_MONTH = {"SP": 4, "SU": 7, "FA": 10, "WI": 1}  # a representative month, to place a season in a year
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "midday": "T12:00",
                "noon": "T12:00", "midnight": "T24:00"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
            "final": 4, "last": 4}
UNITS = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "M", "second": "S",
         "decade": "E", "century": "C", "quarter": "Q", "weekend": "WE", "night": "D"}
SET_WORDS = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
             "hourly": "PT1H", "nightly": "P1D"}
# (month, day) or (month, weekday, n-th) — n = -1 for "last"
HOLIDAYS = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
            "new year's day": (1, 1), "new year's eve": (12, 31), "independence day": (7, 4),
            "valentine's day": (2, 14), "halloween": (10, 31), "thanksgiving": (11, 4, 4),
            "thanksgiving day": (11, 4, 4), "labor day": (9, 1, 1), "memorial day": (5, 1, -1),
            "election day": (11, 0, 0)}

_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS = {w: i for i, w in enumerate(_SMALL)}
NUMBER_WORDS.update({w: 10 * i for i, w in enumerate(_TENS) if w})
NUMBER_WORDS.update({"a": 1, "an": 1, "hundred": 100, "a hundred": 100, "one hundred": 100, "dozen": 12,
                     "a dozen": 12, "thousand": 1000, "a thousand": 1000})


def word_number(text: str) -> float | None:
    """'forty-five' -> 45, '5 1/2' -> 5.5, '18' -> 18, 'a' -> 1; None when not a number."""
    t = text.lower().replace("-", " ").strip()
    t = re.sub(r"\s+", " ", t)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?: ?(1/2|½))?", t)
    if m:
        return float(m.group(1)) + (0.5 if m.group(2) else 0)
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    parts = t.split(" ")
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        a, b = NUMBER_WORDS[parts[0]], NUMBER_WORDS[parts[1]]
        if a >= 20 and b < 10:
            return float(a + b)
        if b == 100:
            return float(a * 100)
    return None


def spelled_year(text: str) -> int | None:
    """'nineteen ninety-six' -> 1996, 'two thousand' -> 2000, 'two thousand and one' -> 2001."""
    t = text.lower().replace("-", " ")
    m = re.fullmatch(r"two thousand(?: (?:and )?(\w+(?: \w+)?))?", t)
    if m:
        rest = word_number(m.group(1)) if m.group(1) else 0
        return None if rest is None else 2000 + int(rest)
    m = re.fullmatch(r"(nineteen|eighteen) (\w+(?: \w+)?)", t)
    if m:
        rest = word_number(m.group(2))
        if rest is not None and 10 <= rest < 100:
            return (1900 if m.group(1) == "nineteen" else 1800) + int(rest)
    return None


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_NUMW = r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|" \
        r"seven|eight|nine))?|" + _alt(_SMALL[1:]) + r"|(?:a|one) hundred|hundred|a dozen|dozen)"
NUM = r"(?:\d+(?:\.\d+)?(?: 1/2)?|" + _NUMW + r")"
VAGUE = r"(?:several|a few|few|many|some|a couple of|a couple|couple of)"
MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
      r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.|Sept\b|Jan\b|Feb\b|Aug\b|" \
      r"Oct\b|Nov\b|Dec\b)"
WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
UNIT = r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|century|centuries|quarters?)"
HUNIT = r"(?:year|month|week|day|hour|minute|second|decade|quarter)"  # in "10-year", "two-day"
YEAR = r"(?:1[6-9]\d\d|20\d\d)"
DAYN = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
TOD = r"(?:morning|afternoon|evening|night)"
APPROX = r"(?:nearly|almost|roughly|approximately|more than|less than|fewer than|at least|at most|up to)"
REL = r"(?:last|this|next|the past|the last|the next|the previous|the following|the coming|the same|" \
      r"this past|the current|coming|past|previous|following)"
SEASON = r"(?:spring|summer|fall|autumn|winter)"
EDGE = r"(?:early|mid|late|the end of|the beginning of|the start of|the middle of|the first half of|" \
       r"the second half of|the rest of|end of|the early|the late|the mid)"
TZ = r"(?:[ECMP][SD]T|GMT|UTC)"
HOLIDAY = r"(?:" + _alt(HOLIDAYS) + r")"

# (rule name, pattern). The longest match wins, then the earlier rule; `timex.py` has a normaliser per name.
RULES: list[tuple[str, str]] = [
    ("iso", r"\b(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:T(?P<H>\d\d):(?P<M>\d\d))?\b"),
    ("iso", r"\b(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>(?:1[89]|20)\d\d)\b(?P<H>)(?P<M>)"),  # US order
    ("time", r"\b(?P<h>[01]?\d)(?::(?P<min>[0-5]\d))?\s*(?P<ap>a\.m\.|p\.m\.|am\b|pm\b)(?:\s+(?P<tz>" + TZ +
     r"))?(?:,?\s+(?:on\s+)?(?P<wd>" + WD + r")|,?\s+(?P<rel>today|yesterday|tomorrow))?(?:,?\s+(?P<mon>" + MON +
     r")\s+(?P<d>" + DAYN + r"))?"),
    ("time", r"\b(?P<h>[01]?\d)(?::(?P<min>[0-5]\d))?\s+(?P<tod>in the (?:morning|afternoon|evening))"),
    ("time", r"\b(?P<h>[012]?\d):(?P<min>[0-5]\d)\s+(?P<tz>" + TZ + r")"),
    ("mdy", r"(?:\b(?P<wd>" + WD + r"),?\s+)?\b(?P<mon>" + MON + r")\s+(?P<d>" + DAYN + r")\b(?!,\d|\d)(?:,?\s+(?P<y>"
     + YEAR + r")\b)?"),
    ("dmy", r"(?:\b(?P<wd>" + WD + r"),?\s+)?\b(?P<d>" + DAYN + r")\s+(?:of\s+)?(?P<mon>" + MON + r")(?:,?\s+(?P<y>"
     + YEAR + r")\b)?"),
    ("my", r"(?:\b(?P<edge>" + EDGE + r")[- ]?)?\b(?P<mon>" + MON + r"),?\s+(?:of\s+)?(?P<y>" + YEAR +
     r"|nineteen[- ]\w+(?:[- ]\w+)?)\b"),
    ("month", r"(?:\b(?P<rel>last|this|next|this past|(?:early|late|mid|later|earlier)\s+(?:this|next|last))\s+|"
     r"\b(?P<edge>" + EDGE + r")[- ]?)?\b(?P<mon>January|February|March|April|May|June|July|August|September|"
     r"October|November|December|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.)(?!\s*\d)(?:\s+(?P<rel2>this|last|next)"
     r"\s+year)?"),
    ("year", r"(?:\b(?P<pre>fiscal|the (?:fiscal )?year|calendar|the end of|the beginning of|the start of|the "
     r"middle of|the rest of|year-end|the early|the late|early|late|mid)"
     r"[- ])?\b(?P<y>" + YEAR + r")\b(?![-./,]\d|\s*%|\s+percent|[-\d]|\s*-\s*(?:year|month))(?:\s+(?P<post>"
     r"or later|and beyond))?"),
    ("year_words", r"\b(?:the year\s+)?(?P<w>nineteen[- ](?:" + _NUMW + r")|two thousand(?:\s+and\s+\w+)?)\b"),
    ("decade", r"(?:\b(?:the\s+)?(?P<edge>early|mid|late)[- ]?|\bthe\s+)?(?:\b(?P<c>1[6-9]|20)(?P<d>\d)0['’]?s\b|['’]"
     r"(?P<d2>\d)0s\b|\b(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b)"),
    ("century", r"\b(?:the\s+)?(?P<n>\d{1,2})(?:st|nd|rd|th)[- ]century\b|\bthis century\b"),
    ("quarter", r"(?:\b(?P<det>the|this|last|next|this year's|last year's|next year's|the year-ago|the year-"
     r"earlier|the same)\s+(?:(?:\w+ly|flat|strong|weak|seasonally slow|slow|disappointing)\s+)?)?(?:\b(?P<fy>"
     r"\d{4})\s+)?\b(?:fiscal[- ])?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[- ](?:fiscal[- ])?quarter"
     r"(?!s)\b(?:\s+of\s+(?:fiscal\s+)?(?P<y>" + YEAR + r"))?"),
    ("half", r"\b(?:the\s+)?(?P<ord>first|second|last)\s+half\s+of\s+(?:fiscal\s+)?(?P<y>" + YEAR + r"|the\s+'"
     r"(?P<d>\d)0s)\b|\bthe\s+first\s+two\s+quarters\s+of\s+(?P<y2>" + YEAR + r")\b"),
    ("period", r"\b(?:the\s+)?(?P<k>latest|current|same|year-ago|year-earlier|corresponding|comparable|"
     r"previous|prior|\d{4})(?:\s+(?P<fy>fiscal|second|third|first|fourth))?\s+(?P<u>period|quarter|fiscal "
     r"year|year|half)\b(?:\s+(?P<tail>last year|a year (?:ago|earlier)))?|\bthe\s+quarter\b(?!s)|\bthis\s+"
     r"quarter\b"),
    ("fiscal_year", r"\b(?:the\s+)?(?P<k>current|latest|last|previous|next|this|the)?\s*fiscal\s+year\b"),
    ("the_year", r"\b(?:the|that)\s+(?P<u>year)\b(?!\s*(?:-|'s\b|\d))"),
    ("season", r"(?:\b(?P<rel>last|this|next|this past|the|early|late|(?:early|late)\s+(?:this|last|next))\s+|\b"
     r"(?P<edge>the early|the late|the end of the|the middle of the)\s+)(?P<s>" + SEASON + r")\b(?:\s+of\s+(?P<y>"
     + YEAR + r"|nineteen[- ]\w+(?:[- ]\w+)?))?"),
    ("season_year", r"\b(?P<s>spring|summer|fall|autumn|winter)\s+(?:of\s+)?(?P<y>" + YEAR + r")\b"),
    ("rel_unit", r"\b(?P<rel>" + REL + r"|(?:early|late|earlier|later)(?:\s+(?:this|next|last))?|"
     r"(?:this|last|next)\s+(?:year's|month's|week's))\s+(?P<u>year|month|week|weekend|quarter|century|decade)\b"),
    ("rel_wd", r"(?:\b(?P<rel>last|next|this|this past|this coming|the previous|the following|the next|early|"
     r"late)\s+)?\b(?P<wd>" + WD + r")(?P<pl>s)?(?:[, ]+(?P<tod>" + TOD + r"s?))?\b"),
    ("rel_tod", r"\b(?P<rel>this|last|tomorrow|yesterday|early this|late last|late this|earlier this|later "
     r"this|early|late)\s+(?P<tod>" + TOD + r"|midday)\b|\b(?P<w>tonight|overnight|midday)\b"),
    ("deictic", r"\b(?P<pre>(?:early|late)\s+)?(?P<w>today|yesterday|tomorrow)\b(?!'s\s+\w+day)"),
    ("ago", r"\b(?:(?P<approx>" + APPROX + r")\s+)?(?P<n>" + NUM + r"|" + VAGUE + r"|an?)\s+(?P<u>" + UNIT +
     r")\s+(?P<dir>ago|earlier|later|from now|hence)\b"),
    ("ago_year", r"\b(?P<w>year-earlier|year-ago)\b"),
    ("duration", r"\b(?:(?P<approx>" + APPROX + r")\s+(?:the\s+)?)?(?:(?P<det>the|these|those|its|their|his|her"
     r")\s+)?(?:(?P<rel>past|last|next|first|previous|coming|following|latest|final|initial|remaining|same|"
     r"ensuing|succeeding)\s+)?(?P<n>" + NUM + r"|" + VAGUE + r"|a|an)\s+(?:(?:more|additional|full|straight|"
     r"consecutive|long|short|separate)\s+)?(?P<u>" + UNIT + r")\b(?!\s+old\b|-old\b)(?:\s+and\s+a\s+half)?"),
    ("duration", r"\b(?:the\s+)?(?:past|last|next|first|latest|previous|coming)\s+(?P<u2>year|month|week|"
     r"decade|century)\b"),
    ("hyph_dur", r"\b(?P<n>\d+(?:\.\d+)?|" + _NUMW + r")[- ](?P<u>" + HUNIT + r")\b(?!s)(?![- ]old)"),
    ("plural_unit", r"(?:\b(?P<pre>recent|coming|the coming|the past|past)\s+)?"
     r"\b(?P<u>years|months|weeks|days|decades|centuries|quarters)\b(?!\s+(?:old|of age))(?P<post>\s+ahead)?"),
    ("ref", r"\b(?P<w>right now|now|currently|current|then current|recently|more recently|recent|the past|the "
     r"future|the near future|the distant future|(?<=in )future|the present|nowadays|these days|"
     r"for the time being|the short term|the long term|the near term)\b(?!-)"),
    ("set", r"\b(?P<w>daily|weekly|monthly|annually|yearly|hourly|nightly)\b|\b(?:every|each|per)\s+"
     r"(?:(?P<n>" + NUM + r")\s+)?(?P<u>year|month|week|day|hour|minute|night|morning|summer|winter|spring|"
     r"fall|" + WD[3:-1] + r")s?\b|(?<=[\w,$%] )\b(?P<aa>a|an)\s+(?P<au>year|month|week|day)\b(?!\s+(?:ago|"
     r"earlier|later|or|and|before|after))"),
    ("holiday", r"\b(?:(?P<rel>last|next|this)\s+)?(?P<h>" + HOLIDAY + r")\b"),
    ("weekend", r"\b(?:the|this past)\s+weekend\b"),
    ("end_of", r"\b(?P<w>year[- ]end|the end of the (?:year|month|week|quarter)|the end of this (?:year|"
     r"month|week|quarter)|end of the (?:year|month)|mid-?year|the turn of the century|around year end)\b"),
]

COMPILED = [(name, re.compile(pattern, re.I)) for name, pattern in RULES]

# Anchors: a rule is only run near a token it cannot match without (speed: most text holds no time
# expression). Keys are lower-case words, "MON" / "WD" (capitalised month / weekday names), "D4" (4-digit
# numbers) and "Ds" (numbers followed by "s", as in "1990s").
_UNIT_WORDS = ["year", "month", "week", "day", "hour", "minute", "second", "decade", "quarter", "century"]
_UNITS_ALL = _UNIT_WORDS + [u + "s" for u in _UNIT_WORDS] + ["centuries"]
_SEASON_WORDS = list(SEASONS)
RULE_ANCHORS: dict[str, list[str]] = {
    "iso": ["D4"], "time": ["m", "am", "pm", "morning", "afternoon", "evening", "est", "edt", "cst", "cdt",
                            "mst", "mdt", "pst", "pdt", "gmt", "utc"], "mdy": ["MON"], "dmy": ["MON"], "my": ["MON"], "month": ["MON"],
    "year": ["D4"], "year_words": ["nineteen", "thousand"],
    "decade": ["Ds", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
               "nineties"],
    "century": ["century"], "quarter": ["quarter"], "half": ["half", "quarters"],
    "period": ["period", "quarter", "year", "half"], "fiscal_year": ["fiscal"], "the_year": ["year"],
    "season": _SEASON_WORDS, "season_year": _SEASON_WORDS,
    "rel_unit": ["year", "month", "week", "weekend", "quarter", "century", "decade"], "rel_wd": ["WD"],
    "rel_tod": ["morning", "afternoon", "evening", "night", "midday", "noon", "tonight", "overnight"],
    "deictic": ["today", "yesterday", "tomorrow"],
    "ago": ["ago", "earlier", "before", "later", "after", "hence", "now"], "ago_year": ["year"],
    "duration": _UNITS_ALL, "hyph_dur": _UNIT_WORDS, "plural_unit": _UNITS_ALL,
    "ref": ["now", "currently", "current", "recently", "recent", "past", "future", "present", "nowadays",
            "days", "time", "term"],
    "set": list(SET_WORDS) + ["every", "each", "per"] + _UNIT_WORDS,
    "holiday": ["christmas", "new", "independence", "valentine", "halloween", "thanksgiving", "labor",
                "memorial", "election"],
    "weekend": ["weekend"],
    "end_of": ["year", "end", "month", "week", "quarter", "century", "midyear", "mid"],
}
# How far (characters) a rule's match can reach before and after its anchor token.
_REACH = {"time": (16, 40), "mdy": (40, 24), "dmy": (40, 24), "my": (40, 24), "month": (40, 24),
          "year": (32, 16), "decade": (16, 4), "rel_wd": (24, 24), "ref": (24, 24), "deictic": (24, 24),
          "rel_tod": (24, 24), "holiday": (24, 24), "season": (40, 24), "season_year": (8, 16), "iso": (4, 24),
          "ago": (64, 12)}
ANCHOR_KEYS: list[tuple[int, tuple[str, ...], tuple[int, int]]] = [
    (i, tuple(RULE_ANCHORS[name]), _REACH.get(name, (64, 32))) for i, (name, _p) in enumerate(RULES)]
ANCHOR_WORDS = frozenset(k for _i, keys, _reach in ANCHOR_KEYS for k in keys)
