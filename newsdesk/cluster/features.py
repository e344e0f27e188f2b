"""What the clusterer compares: a weighted term vector (names and numbers boosted, the lead weighing more
than the tail, IDF from a packaged word-frequency table so no corpus refit is ever needed), years named in
the text, the article's date and whether it is a publication date, its people, places and the CAMEO roots of
its main coded events."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from newsdesk.extract.boilerplate import ends_sentence

TOKEN = re.compile(r"[^\W\d_][\w'\-]*|\d+(?:[.,]\d+)?", re.UNICODE)
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_STOP = frozenset("""a an the and or but of to in on for with at by from as is was were be been being are am this that
these those it its he she they we you i his her their our your them him us me said says say will would could
should can may might has have had do does did not no yes so than then there here what which who whom whose
when where why how all any both each few more most other some such only own same too very just also into over
after before about up down out off again further once during while because until against between through
mr mrs ms dr""".split())
_FULL_STOPS = frozenset(".!?")


def is_sentence(line: str) -> bool:
    """Five words or more ending in a full stop, question or exclamation mark."""
    return len(line.split()) >= 5 and ends_sentence(line, _FULL_STOPS)

TOP_TERMS = 200  # terms kept per vector: enough for cosine, bounded for storage
# Set on the first half of the ECB+ dev split (README "Clustering"): a word's weight falls as
# 1 / (1 + pos / LEAD_WORDS) with its position in words, since the lead says who, where and when and the tail
# drifts into background the reports of a related event share; a number (a toll, an age, a score) tells one
# event from another nearly as well as a name does.
NAME_BOOST = 3.0
NUMBER_BOOST = 5.0
LEAD_WORDS = 30.0
LEAD_EVENTS = 3  # the coded events of an article's first sentences say what it mainly reports
# A lead name is a word capitalised in the title or the first sentence that is rare in English (Zipf below 3:
# 'Rahman', 'Mannheim', 'WBA', not 'Thompson' or 'Saturday'): who or where the report is mainly about.
LEAD_NAME_IDF = 5.0


@lru_cache(maxsize=200_000)
def idf(word: str) -> float:
    """Inverse frequency from wordfreq's Zipf scale: 'the' ~0.3, a rare name ~8."""
    from wordfreq import zipf_frequency

    return max(0.3, 8.0 - zipf_frequency(word, "en"))


@dataclass(frozen=True)
class Happening:
    """What a report's main coded event (`consolidate.ballot`) says took place: the kind of action, who did it
    to whom, where and when."""

    family: str | None  # "cooperation" (CAMEO roots 03-08) or "conflict" (09-20); None for statements and appeals
    source: str | None
    target: str | None
    country: str | None  # where it took place
    day: str | None = None  # YYYY-MM-DD the text gives for it
    people: frozenset[str] = frozenset()  # the ids of the persons among its source and target


def family(root: str) -> str | None:
    """The side of the CAMEO scale a root lies on; a statement (01) or an appeal (02) says too little."""
    n = int(root)
    return None if n <= 2 else "cooperation" if n <= 8 else "conflict"


@dataclass(frozen=True)
class Features:
    vector: dict[str, float]  # L2-normalised
    years: frozenset[str]
    date: str | None  # YYYY-MM-DD: the article's publication date, else the first date coded from its text
    actors: frozenset[str]
    places: frozenset[str]
    published: bool = False  # `date` is a publication (or dateline) date, not one read from the text
    roots: frozenset[str] = frozenset()  # CAMEO roots of the article's first coded events
    scenes: frozenset[str] = frozenset()  # countries where those events took place
    lead_names: frozenset[str] = frozenset()  # rare capitalised words of the title and first sentence
    words: frozenset[str] = frozenset()  # every word of the text, lower-cased
    happened: str | None = None  # YYYY-MM-DD the text gives for its main happening (`Happening.day`)
    main: Happening | None = None  # its main coded event (`main_happening`)
    embedding: Any = None  # a unit-length sentence embedding of the lead (numpy), when enabled (embed.py)


def term_vector(text: str, *, name_boost: float = 3.0, number_boost: float = 1.5,
                lead_words: float | None = None) -> dict[str, float]:
    """L2-normalised term weights: sublinear term frequency times IDF, the top `TOP_TERMS` kept.

    Args:
        text: lines of text (a line break starts a sentence, so its first word is not taken for a name).
        name_boost: weight of a capitalised word inside a line.
        number_boost: weight of a number.
        lead_words: when given, the word at position p counts 1 / (1 + p / lead_words).
    """
    tf: Counter[str] = Counter()
    pos = 0
    for line in text.split("\n"):
        tokens = TOKEN.findall(line)
        for i, tok in enumerate(tokens):
            weight = 1.0 / (1.0 + pos / lead_words) if lead_words else 1.0
            pos += 1
            low = tok.lower()
            if low in _STOP or len(low) < 2:
                continue
            # a capitalised word inside a sentence is a name: names tell one event from another
            boost = name_boost if (i > 0 and tok[0].isupper()) else number_boost if tok[0].isdigit() else 1.0
            tf[low] += boost * weight
    # sublinear above one occurrence; a single late, down-weighted occurrence stays below one
    weighted = {w: (1 + math.log(c) if c > 1 else c) * idf(w) for w, c in tf.items()}
    top = dict(sorted(weighted.items(), key=lambda kv: -kv[1])[:TOP_TERMS])
    return normalise(top)


def lead_names(title: str | None, text: str) -> frozenset[str]:
    """Rare capitalised words (lower-cased) of the title and of the text's first line that is not the title."""
    first = next((line for line in text.split("\n") if line.strip() and line.strip() != (title or "").strip()), "")
    names: set[str] = set()
    for k, line in enumerate(x for x in (title, first) if x):
        for i, tok in enumerate(TOKEN.findall(line)):
            low = tok.lower()
            # a headline's first word may be a name; a sentence's first word is capitalised anyway
            capitalised = tok[0].isupper() and (i > 0 or (k == 0 and bool(title)))
            if capitalised and low not in _STOP and idf(low) >= LEAD_NAME_IDF:
                names.add(low)
    return frozenset(names)


# Names a whole period of coverage shares (every campaign story names Trump and Clinton) say nothing of which
# happening a report is about: beside the language's IDF, a term found in more than STORE_DF_FLOOR of the N
# reports compared weighs log(N / df) / log(N / STORE_DF_FLOOR) of its weight (at least STORE_DF_MIN_WEIGHT), so
# the words a few reports share count in full and those most of the store shares next to nothing. README
# "Clustering".
STORE_DF_FLOOR = 5
STORE_DF_MIN_WEIGHT = 0.05


def base_term(term: str) -> str:
    """A term without its possessive ending ("trump's", "sanders'" -> "trump", "sanders"): the term vectors
    keep the two apart, but how many reports name someone counts either form."""
    return term[:-2] if term.endswith("'s") else term.rstrip("'")


def document_frequency(vectors: Iterable[Iterable[str]]) -> dict[str, int]:
    """How many of the term vectors carry each term (`base_term`: a possessive counts as its name)."""
    df: dict[str, int] = {}
    for terms in vectors:
        for w in {base_term(t) for t in terms}:
            df[w] = df.get(w, 0) + 1
    return df


def store_weights(df: dict[str, int], n: int) -> dict[str, float]:
    """The multiplier of each term found in more than `STORE_DF_FLOOR` of `n` reports (`df`: term -> reports
    carrying it, as `document_frequency` counts them); terms not returned weigh in full."""
    if n <= STORE_DF_FLOOR:
        return {}
    scale = math.log(n / STORE_DF_FLOOR)
    return {w: max(STORE_DF_MIN_WEIGHT, math.log(n / d) / scale) for w, d in df.items() if d > STORE_DF_FLOOR}


def reweight(v: dict[str, float], weights: dict[str, float]) -> dict[str, float]:
    """`v` with each term's weight multiplied by that of its `base_term` in `weights` (1 when absent),
    L2-normalised again."""
    if not weights:
        return v
    return normalise({w: x * weights.get(base_term(w), 1.0) for w, x in v.items()})


def normalise(v: dict[str, float]) -> dict[str, float]:
    n = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {w: x / n for w, x in v.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def report_date(article: dict[str, Any]) -> tuple[str | None, bool]:
    """The day (YYYY-MM-DD) a stored article is placed at, and whether it is its publication date."""
    # The publication date (the dateline's, for plain text) is when the report was filed; a date coded from
    # the text may be a birth date or an anniversary, so it only stands in when there is none. Only
    # day-precise dates place an article in time; "2022-02" or "2022" says too little.
    published = article.get("published") or ""
    if DAY.match(published):
        return published[:10], True
    dates = [e["date"] for e in article.get("events") or []
             if DAY.match(e.get("date") or "") and not e.get("date_inferred")]
    return (dates[0][:10] if dates else None), False
