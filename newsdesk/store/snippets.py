"""Bounded search snippets: the part of an article a snippet is cut from. FTS5's snippet() and PostgreSQL's
ts_headline() cost grows faster than quadratically with the matches in one text (a 1 MB text repeating the
word took 50 s), so backends cut snippets from a short window around the first match, never the whole text."""

from __future__ import annotations

import re

SCAN_CHARS = 200_000  # how far into a text the first match is looked for (snippets of later matches show the start)
WINDOW_CHARS = 1_000  # the text a snippet is cut from: at most a few hundred matches, a few ms of snippet()
TITLE_CHARS = 1_000
ELLIPSIS = " … "
MAX_SEARCH_OFFSET = 10_000  # deeper search pages are refused: ranking reads every earlier match again

_WORD = re.compile(r"[^\W_]+(\*?)")
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def query_terms(query: str) -> list[tuple[str, bool]]:
    """The words of a full-text query as (word, is_prefix), without operators and column names: enough to find
    where a text matches (FTS5 and web-search syntax alike; `or` is web-search's operator)."""
    out: list[tuple[str, bool]] = []
    for m in _WORD.finditer(query):
        word = m.group(0).rstrip("*")
        if word in _OPERATORS or word == "or" or query[m.end():m.end() + 1] == ":":
            continue
        if (word, bool(m.group(1))) not in out:
            out.append((word, bool(m.group(1))))
    return out[:32]


def first_match(text: str, terms: list[tuple[str, bool]]) -> int | None:
    """Where the first whole word (or word prefix) of `terms` starts in `text`, ignoring case."""
    if not terms:
        return None
    alts = "|".join(re.escape(w) + (r"[^\W_]*" if prefix else r"(?![^\W_])") for w, prefix in terms)
    m = re.search(rf"(?<![^\W_])(?:{alts})", text, re.IGNORECASE)
    return m.start() if m else None


def window(text: str, query: str, size: int = WINDOW_CHARS) -> tuple[str, bool, bool]:
    """At most `size` characters of `text` around its first match of `query`, cut at spaces, and whether text
    was cut off before and after it."""
    if len(text) <= size:
        return text, False, False
    pos = first_match(text, query_terms(query)) or 0
    start = max(0, pos - size // 3)
    if start:
        space = text.find(" ", start, pos)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", max(pos, start + 1), end)
        end = space if space > start else end
    return text[start:end], start > 0, end < len(text)


def plain(text: str, words: int = 12) -> str:
    """A snippet without highlights (the window holds no match): the first words of the window."""
    parts = text.split()
    return " ".join(parts[:words]) + (ELLIPSIS if len(parts) > words else "")


def mark_cut(snippet: str, cut_before: bool, cut_after: bool) -> str:
    """snippet() sees only the window, so it cannot know the text went on before or after it."""
    if cut_before and not snippet.startswith(ELLIPSIS):
        snippet = ELLIPSIS + snippet
    if cut_after and not snippet.endswith(ELLIPSIS):
        snippet += ELLIPSIS
    return snippet


def or_query(query: str) -> str | None:
    """The query's words OR-ed (FTS5 syntax), for a window that holds some but not all of an AND query."""
    terms = query_terms(query)
    if not terms:
        return None
    return " OR ".join('"' + w.replace('"', '""') + '"' + (" *" if prefix else "") for w, prefix in terms)


def words_query(query: str) -> str | None:
    """The query's words AND-ed, each quoted (FTS5 syntax): what a query that is not valid FTS5 syntax
    (`don't`, `a (b`, `"unclosed`) is searched as, so any text typed in a search box finds its words."""
    terms = query_terms(query)
    if not terms:
        return None
    return " ".join('"' + w.replace('"', '""') + '"' + (" *" if prefix else "") for w, prefix in terms)
