"""Name normalisation for actor matching: folding of case, diacritics, honorifics and transliteration
variants, so "Sergei Lavrov" and "Sergey Lavrov", or "Zelenskyy" and "Zelensky", get the same key."""

from __future__ import annotations

import re
import unicodedata

HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "mx", "gen", "col", "capt",
              "sen", "rep", "gov", "president", "minister", "ambassador", "secretary", "chancellor", "king",
              "queen", "prince", "princess", "sheikh", "pope", "premier", "judge", "justice"}

_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
# ordered rewrites that make common romanisations of Slavic, Arabic and other names coincide
_TRANSLIT = [("yy", "y"), ("iy", "y"), ("yi", "y"), ("ij", "y"), ("kh", "h"), ("ph", "f"), ("w", "v"),
             ("j", "y"), ("ya", "a"), ("yu", "u"), ("ia", "a"), ("y", "i"), ("ck", "k"), ("ks", "x")]


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def clean_name(text: str) -> str:
    """Surface form without possessive, leading article and honorifics: "Mr Lavrov's" -> "Lavrov"."""
    t = text.translate(_APOS).strip()
    t = re.sub(r"'s?$", "", t)
    words = t.split()
    while words and words[0].lower().rstrip(".") in HONORIFICS | {"the"}:
        words = words[1:]
    return " ".join(words) if words else t


def name_key(text: str) -> str:
    """Transliteration-insensitive key of a name, e.g. both "Kyslytsya" and "Kislitsa" -> "kislitsa"."""
    t = ascii_fold(clean_name(text)).lower()
    t = re.sub(r"[^a-z ]+", "", t)
    for a, b in _TRANSLIT:
        t = t.replace(a, b)
    t = re.sub(r"(.)\1+", r"\1", t)  # doubled letters
    return re.sub(r"\s+", " ", t).strip()


def surname(text: str) -> str:
    parts = clean_name(text).split()
    return parts[-1] if parts else ""
