"""Name normalisation for the knowledge base: case, diacritics, apostrophes, "the", possessives, and a
transliteration skeleton under which "Sergei/Sergey/Sergej", "Zelensky/Zelenskyy/Zelenskiy" coincide."""

from __future__ import annotations

import re
import unicodedata

# letters NFKD does not decompose
_SPECIAL = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss",
                          "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i", "þ": "th", "Þ": "th",
                          "ð": "d", "Ð": "d", "ħ": "h"})
_APOSTROPHES = re.compile("[\u2019\u2018\u02bc\u02bb`\u00b4\u2032]")
_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=s)'(?=\s|$)")
_DROP = re.compile(r"[^\w\s'&+-]")  # "+" kept: "OPEC+" is not "OPEC"
_SPACES = re.compile(r"[\s_-]+")

# transliteration rules, applied in order to a normalised name; each folds spellings that English-language
# news uses interchangeably for Cyrillic, Arabic, Persian and Korean names
_SKELETON_RULES = [
    (re.compile(r"dzh|dj"), "j"), (re.compile(r"kh"), "h"), (re.compile(r"ph"), "f"), (re.compile(r"ck"), "k"),
    (re.compile(r"ou"), "u"), (re.compile(r"w"), "v"), (re.compile(r"[yj]"), "i"), (re.compile(r"ie(?=\b)"), "i"),
    (re.compile(r"(?<=[^aeiou\s])i(?=[aou])"), ""), (re.compile(r"(.)\1+"), r"\1"),
]


def fold(text: str) -> str:
    """Lower case without diacritics; every apostrophe becomes ASCII."""
    if text.isascii():
        return text.lower()
    text = _APOSTROPHES.sub("'", text.translate(_SPECIAL))
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def normalise(text: str) -> str:
    """The key every alias is indexed under: folded, possessives and full stops dropped ("U.S." -> "us"),
    hyphens as spaces, a leading "the" removed. `normalise("Russia’s") == normalise("russia") == "russia"`."""
    text = fold(text).replace(".", "")
    text = _POSSESSIVE.sub("", text)
    text = _DROP.sub(" ", text).replace("'", "")
    text = _SPACES.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def skeleton(text: str) -> str:
    """Transliteration-folded form of a normalised name, for matching variant spellings of one name."""
    text = normalise(text)
    for pattern, repl in _SKELETON_RULES:
        text = pattern.sub(repl, text)
    return text


def slug(text: str) -> str:
    """An id from a name: "Sergey Lavrov" -> "sergey-lavrov"."""
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-")
