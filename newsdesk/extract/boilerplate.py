"""Line-level boilerplate scoring for scraped plain text: which lines are article body.

Owns the jusText-style classifier (length, stopword density, sentence shape, context smoothing)
and the choice of the densest body region; knows nothing about titles, dates or captions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_CLOSERS = "\"'”’»)] \t"
_ENDS = frozenset(".!?。！？…:;")
_QUOTES = frozenset('"”»')


def ends_sentence(text: str, ends: frozenset[str] = _ENDS) -> bool:
    """Whether a line ends in terminal punctuation, possibly followed by closing quotes or brackets.

    A plain string check, not a regex: a `$`-anchored search rescans every position of a long line.
    """
    s = text.rstrip()
    return s[-1:] in _QUOTES or s.rstrip(_CLOSERS)[-1:] in ends
# Generic web furniture, as words and word pairs (set look-ups, far cheaper than a regex per line);
# matched only on short lines, so a body sentence mentioning "cookies" survives.
_FURNITURE_WORDS = frozenset(
    "cookie cookies subscribe subscription subscriptions newsletter newsletters register advertisement "
    "advertising advertisements sponsored copyright comment comments reply trending recommended login "
    "logout signin signup unsubscribe".split()
)
_FURNITURE_PAIRS = frozenset(
    tuple(p.split())
    for p in (
        "sign in", "sign up", "log in", "log out", "share this", "share on", "share via", "follow us",
        "rights reserved", "terms of", "terms and", "privacy policy", "privacy notice", "skip to", "jump to",
        "click here", "most read", "most popular", "most viewed", "also like", "related stories",
        "related articles", "related content", "related topics", "more from", "back to", "print this",
        "email this", "contact us", "about us", "our app", "the app",
    )
)
# Words that may open a timestamp or comment-metadata line; the regex below runs only when one is there.
_SEPARATOR_HINTS = frozenset(
    "ago yesterday today says said wrote writes reply report flag like likes vote votes rating permalink "
    "share jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july "
    "august september october november december".split()
)


# Comment and teaser-list metadata: timestamps, "N hours ago", "jane says:", vote counts. A body never
# has these between its paragraphs, so they cut regions apart.
_SEPARATOR = re.compile(
    r"\b\d+\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|months?|years?)\s+ago\b|"
    r"\b(yesterday|today) at\b|^\s*\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?\s*$|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|"
    r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|"
    r"\b(says|said|wrote|writes):\s*$|^\s*(reply|report|flag|like|likes|votes?|rating|permalink|share)\b",
    re.IGNORECASE,
)
# The heading of a comment section: comments follow the article, so the body ends before it.
_COMMENTS_HEAD = re.compile(
    r"^\W*(\d+\s+(comments?|replies|responses)|(comments?|replies|responses)\s*\(?\d+\)?|"
    r"(top|all|view|read|show|load|leave|post|add|write|join)\b.{0,20}\b(comments?|reply|replies|discussion|conversation)|"
    r"comments?|discussion|(\d+\s+)?thoughts? on\b.*)\W*$",
    re.IGNORECASE,
)
# Legal footers are long sentences, so length alone would keep them.
# "All rights reserved" in the languages of the news we read (shared with the HTML post-filter)
RESERVED = (
    r"\b(all rights reserved|tous droits réservés|alle rechte vorbehalten|todos los derechos reservados"
    r"|todos os direitos reservados|tutti i diritti riservati|alle rechten voorbehouden|alla rättigheter förbehållna"
    r"|alle rettigheder forbeholdes|alle rettigheter reservert|wszelkie prawa zastrzeżone|všechna práva vyhrazena"
    r"|minden jog fenntartva|toate drepturile rezervate|tüm hakları saklıdır|все права защищены|усі права захищені"
    r"|всички права запазени|hak cipta dilindungi|جميع الحقوق محفوظة|כל הזכויות שמורות)"
    r"|版权所有|版權所有|無断転載|무단 전재|무단전재"
)
_LEGAL = re.compile(r"©|\(c\) \d{4}|\bregistered (office|trademarks?)\b|" + RESERVED, re.IGNORECASE)
_LEGAL_HINTS = ("©", "right", "regist", "(c)", "(C)", "echte", "echos", "ireitos", "iritti", "rettighe", "hak cipta",
                "jog fenn", "drepturile", "vorbehouden")
_BULLET = re.compile(r"^\s*([•·▪►▶◦‣*-]|\d{1,2}[.)])\s+")

GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"
GOOD_LEN = 100
SEP_COST = 150.0
COMMENTS_MIN_BODY = 400.0


@dataclass(slots=True)
class LineInfo:
    """Features of one non-empty line and its class before and after context smoothing."""

    text: str
    words: list[str]
    length: float  # CJK characters weigh more, since one carries about a word
    stop_ratio: float
    terminal: bool
    furniture: bool
    bullet: bool
    separator: bool
    cls: str = BAD
    final: str = BAD


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, tuple[str, ...]]:
    """jusText's stoplists, most frequent word first (justext ships with trafilatura); loaded once."""
    try:
        from importlib.resources import files

        import justext  # noqa: F401 - only to locate its data

        root = files("justext") / "stoplists"
        out = {}
        for entry in root.iterdir():
            if entry.name.endswith(".txt"):
                words = entry.read_text(encoding="utf-8").split()
                out[entry.name[:-4]] = tuple(dict.fromkeys(w.lower() for w in words))
        return out
    except Exception:  # pragma: no cover - the fallback keeps English working without justext
        return {
            "English": tuple(
                "the of and in to a was is for as on with by that from at his an he are were which be has "
                "it or also had not but have who its this been her they into after all when more would she "
                "can over their there than what about will said".split()
            )
        }


@lru_cache(maxsize=1)
def _word_langs() -> dict[str, tuple[str, ...]]:
    """Each language's 150 most frequent stopwords -> languages: big lists of minor languages
    borrow English words further down, so only the head of a list identifies its language."""
    index: dict[str, list[str]] = {}
    for lang, words in _stoplists().items():
        for w in words[:150]:
            index.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in index.items()}


@cache
def _stopset(lang: str) -> frozenset[str]:
    return frozenset(_stoplists()[lang])


def pick_stoplist(words: list[str]) -> frozenset[str]:
    """The stoplist covering the most tokens of the page: a language guess without a model."""
    index = _word_langs()
    hits: Counter[str] = Counter()
    words = words[:2000]  # plenty to tell the language
    # Counting distinct words once each keeps this cheap on long pages.
    for w, n in Counter(words).items():
        for lang in index.get(w, ()):
            hits[lang] += n
    if not hits:
        return frozenset()
    lang, n = hits.most_common(1)[0]
    if n < 0.1 * len(words):
        return frozenset()
    return _stopset(lang)


def _is_furniture(words: list[str], text: str) -> bool:
    if "©" in text or not _FURNITURE_WORDS.isdisjoint(words):
        return True
    return not _FURNITURE_PAIRS.isdisjoint(zip(words, words[1:], strict=False))


def _is_separator(words: list[str], text: str) -> bool:
    if not words or (_SEPARATOR_HINTS.isdisjoint(words) and not any(w[0].isdigit() for w in words)):
        return False
    return bool(_SEPARATOR.search(text))


def _maybe_legal(text: str) -> bool:
    return not text.isascii() or any(h in text for h in _LEGAL_HINTS)


def line_info(text: str, stop: frozenset[str], words: list[str] | None = None) -> LineInfo:
    """Features of one line; `words` are its lowercased \\w+ tokens when the caller has them already."""
    if words is None:
        words = _WORD.findall(text.lower())
    n = len(words)
    length = float(len(text)) if text.isascii() else len(text) + 1.5 * len(_CJK.findall(text))
    stop_ratio = sum(map(stop.__contains__, words)) / n if n and stop else 0.0
    return LineInfo(
        text=text,
        words=words,
        length=length,
        stop_ratio=stop_ratio,
        terminal=ends_sentence(text),
        furniture=(n <= 14 and _is_furniture(words, text)) or (_maybe_legal(text) and bool(_LEGAL.search(text))),
        separator=n <= 10 and _is_separator(words, text),
        bullet=not text[:1].isalpha() and bool(_BULLET.match(text)),
    )


def classify(info: LineInfo, has_stoplist: bool) -> str:
    """Context-free class, after jusText: short / bad / near-good / good."""
    if info.furniture or info.separator:
        return BAD
    if info.length < 70:
        return SHORT
    if not has_stoplist:
        # No stoplist (e.g. Japanese): rely on length and sentence punctuation alone.
        if info.terminal and info.length >= 140:
            return GOOD
        return NEAR if info.terminal else SHORT
    if not info.terminal and info.length < 200:
        # Headline-shaped: teaser titles are long but never end a sentence.
        return SHORT if info.stop_ratio >= 0.2 else BAD
    # jusText wants 200 characters; one-sentence-per-line pages (tabloids) need less when the line ends a sentence.
    if info.stop_ratio >= 0.32 and (info.length >= 200 or (info.terminal and info.length >= GOOD_LEN)):
        return GOOD
    if info.stop_ratio >= 0.30 or (info.stop_ratio >= 0.22 and info.terminal):
        return NEAR
    return BAD


def _nearest(classes: list[str], skip: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """For each index, the nearest class before and after it that is not in `skip` (edges count as bad)."""
    n = len(classes)
    prev, nxt = [BAD] * n, [BAD] * n
    last = BAD
    for i in range(n):
        prev[i] = last
        if classes[i] not in skip:
            last = classes[i]
    last = BAD
    for i in range(n - 1, -1, -1):
        nxt[i] = last
        if classes[i] not in skip:
            last = classes[i]
    return prev, nxt


def smooth(infos: list[LineInfo]) -> None:
    """Resolve near-good and short lines by their neighbours (jusText's context pass)."""
    classes = [x.cls for x in infos]
    prev, nxt = _nearest(classes, (SHORT, NEAR))
    for i, info in enumerate(infos):
        info.final = info.cls
        if info.cls == NEAR:
            info.final = GOOD if GOOD in (prev[i], nxt[i]) else BAD
    prev, nxt = _nearest([x.final for x in infos], (SHORT,))
    for i, info in enumerate(infos):
        if info.cls == SHORT:
            if prev[i] == GOOD and nxt[i] == GOOD:
                info.final = GOOD
            elif prev[i] == GOOD and info.terminal and len(info.words) >= 2:
                info.final = GOOD
            else:
                info.final = BAD


def densest_region(infos: list[LineInfo]) -> tuple[int, int]:
    """Indices [start, end) of the max-sum run of lines: good lines gain, the rest cost."""
    best, best_span = 0.0, (0, 0)
    run, start = 0.0, 0
    for i, info in enumerate(infos):
        if info.final == GOOD:
            # Short lines made good by their context carry no weight of their own.
            w = info.length if info.cls != SHORT else 0.0
        elif info.furniture or info.separator:
            w = -SEP_COST
        else:
            w = -(20.0 + 0.5 * info.length)
        if run <= 0:
            run, start = 0.0, i
        run += w
        if run > best:
            best, best_span = run, (start, i + 1)
    return best_span


def page_stoplist(lines: list[str], words: list[list[str]] | None = None) -> frozenset[str]:
    """The stoplist of the page's language, guessed from its sentence-length lines."""
    if words is None:
        words = [_WORD.findall(line.lower()) for line in lines]
    return pick_stoplist([w for line, ws in zip(lines, words, strict=True) if len(line) > 60 for w in ws])


def comments_start(infos: list[LineInfo]) -> int:
    """Index of the first comment-section heading that follows some body text, else len(infos)."""
    good = 0.0
    for i, info in enumerate(infos):
        if info.final == GOOD and info.cls != SHORT:
            good += info.length
        elif good >= COMMENTS_MIN_BODY and len(info.words) <= 8 and _COMMENTS_HEAD.match(info.text):
            return i
    return len(infos)


def body_mask(lines: list[str], stop: frozenset[str], words: list[list[str]] | None = None) -> list[bool]:
    """For each line, whether it looks like article body text (`words`: each line's lowercased tokens)."""
    if words is None:
        words = [_WORD.findall(line.lower()) for line in lines]
    infos = [line_info(line, stop, ws) for line, ws in zip(lines, words, strict=True)]
    for info in infos:
        info.cls = classify(info, bool(stop))
    smooth(infos)
    start, end = densest_region(infos[: comments_start(infos)])
    return [start <= i < end and info.final == GOOD for i, info in enumerate(infos)]
