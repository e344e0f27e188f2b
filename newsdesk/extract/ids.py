"""Stable article ids: a hash of the normalised text, so the same text gets the same id in any format."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Unicode NFKC, typographic quotes and dashes folded, whitespace collapsed, case folded."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).translate(_QUOTES)).strip().casefold()


def article_id(text: str) -> str:
    """16 hex digits of SHA-256 over the normalised text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]
