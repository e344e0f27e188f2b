"""Headline case: "Pence Endorses Paul Ryan With Trump's Blessing" opens many article texts, and the tagger
reads every capitalised word of it as a proper noun, so the headline's event has no verb. The text the NLP
pipeline reads gets that line in sentence case — a word is lower-cased unless the article's body writes it
capitalised mid-sentence, or only capitalised (a name) — with every character at its offset (only case changes), so all
annotation spans still index the article's own text. An ALL-CAPS headline ("U.S. LIFTS BAN ON GRAIN") is read the
same way, except that a word keeps its capitals only when the body writes it so (an acronym) and takes an initial
capital when the body only ever writes it capitalised (a name)."""

from __future__ import annotations

import re

from newsdesk.records import Article

__all__ = ["is_headline_case", "nlp_text", "sentence_case"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")
_MID_SENTENCE_CAPS = re.compile(r"(?<=[a-z,;:] )[A-Z][A-Za-z'\u2019]*")
_MIN_WORDS = 3  # of 4+ letters: a shorter line is a label, not a headline
_HEADLINE_SHARE = 0.75  # of its 4+-letter words capitalised


def _headline_end(article: Article) -> int:
    """The end of a Title Case first line that is the article's title (0 when there is none)."""
    text, title = article.text, (article.title or "").strip()
    end = text.find("\n")
    end = len(text) if end < 0 else end
    line = text[:end].strip()
    if not title or not line or line.rstrip(".;:!") != title.rstrip(".;:!"):
        return 0
    return end if is_headline_case(line) else 0


def _bare(word: str) -> str:
    """The word without a possessive ending ("Trump's" -> "Trump")."""
    return re.sub(r"['\u2019]s?$", "", word)


def is_headline_case(line: str) -> bool:
    """Are most of the line's longer words capitalised, as in a Title Case headline?"""
    long = [w for w in _WORD.findall(line) if len(w) >= 4]
    return len(long) >= _MIN_WORDS and sum(w[0].isupper() for w in long) >= _HEADLINE_SHARE * len(long)


def _all_caps(line: str) -> bool:
    """Is the line written in capitals throughout ("U.S. LIFTS BAN ON RUSSIAN GRAIN")?"""
    long = [w for w in _WORD.findall(line) if len(w) >= 4]
    return len(long) >= _MIN_WORDS and sum(w.isupper() for w in long) >= _HEADLINE_SHARE * len(long)


def _is_name(bare: str, names: set[str], capital: set[str], lower: set[str]) -> bool:
    """Does the body write this word capitalised mid-sentence, or only ever capitalised?"""
    return bare in names or (bare in capital and bare.lower() not in lower and f"{bare.lower()}'s" not in lower)


def sentence_case(line: str, body: str) -> str:
    """`line` in sentence case, same length: a word is lower-cased unless `body` (the article's other text)
    capitalises it mid-sentence, or only ever capitalises it (a name), or it is an acronym."""
    names = {_bare(w) for w in _MID_SENTENCE_CAPS.findall(body)}
    words = _WORD.findall(body)
    lower = {w for w in words if w[0].islower()}
    capital = {_bare(w) for w in words if w[0].isupper()}
    if _all_caps(line):
        return _from_capitals(line, names, capital, lower)
    out = list(line)
    for i, m in enumerate(_WORD.finditer(line)):
        word, bare = m.group(), _bare(m.group())
        if i == 0 or not word[0].isupper() or bare.isupper() or _is_name(bare, names, capital, lower):
            continue
        out[m.start()] = word[0].lower()
    return "".join(out)


def _from_capitals(line: str, names: set[str], capital: set[str], lower: set[str]) -> str:
    """An ALL-CAPS line in sentence case: acronyms the body writes in capitals stay, names the body writes
    capitalised take an initial capital, the first word is capitalised, every other word is lower-cased."""
    out = list(line)
    for i, m in enumerate(_WORD.finditer(line)):
        word = m.group()
        bare = _bare(word)
        if bare in capital and bare.isupper():  # the body writes it in capitals too: an acronym ("NATO")
            continue
        titled = bare[:1] + bare[1:].lower()
        keep_initial = i == 0 or _is_name(titled, names, capital, lower)
        out[m.start():m.end()] = (word[:1] if keep_initial else word[:1].lower()) + word[1:].lower()
    return "".join(out)


def nlp_text(article: Article) -> str:
    """The article's text as the NLP pipeline should read it: a Title Case headline line in sentence case."""
    end = _headline_end(article)
    if not end:
        return article.text
    return sentence_case(article.text[:end], article.text[end:]) + article.text[end:]
