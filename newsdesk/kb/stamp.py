"""Which knowledge base an annotation was made with, and which stored annotations a KB change affects: the
stamp `newsdesk annotate` records per article and the test that picks the articles to annotate again."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from newsdesk.kb.names import fold
from newsdesk.kb.resolve import KnowledgeBase

_MARK = "+kb."
_MIN_SURNAME = 4  # a shorter surname alone ("Li", "Ng") would select half the articles


@dataclass(frozen=True)
class Stamp:
    """A parsed stamp: `builtin` and `version` are None when the annotation did not record its KB (an
    article annotated by `ingest`, which stores the annotator version alone)."""

    annotator: str
    builtin: str | None = None
    version: str | None = None


def annotation_stamp(kb: KnowledgeBase, annotator_version: str) -> str:
    """"<annotator version>+kb.<digest of the built-in data>.<digest of built-in and user data>"."""
    return f"{annotator_version}{_MARK}{kb.builtin_version}.{kb.version}"


def parse_stamp(text: str) -> Stamp:
    annotator, _, kb = text.partition(_MARK)
    builtin, _, version = kb.partition(".")
    return Stamp(annotator, builtin or None, version or None)


def affected_by_kb(kb: KnowledgeBase, annotator_version: str) -> Callable[[str | None, str], bool]:
    """A test `(stored stamp, article text) -> bool`: True when the article needs annotating again.

    It does when it was never annotated or by another annotator version; when the built-in KB changed
    since (an upgrade: anything may differ); and, when only the user files changed since (or the stamp
    does not say: annotated at ingest), when its text names an entry of a user file (name, alias or
    surname) or one of the offices those entries hold or the user files define. A user file removed by
    hand is not seen: `newsdesk annotate --all` re-annotates everything."""
    pattern = _user_pattern(kb)

    def affected(stored: str | None, text: str) -> bool:
        if not stored:
            return True
        stamp = parse_stamp(stored)
        if stamp.annotator != annotator_version:
            return True
        if stamp.builtin is not None and stamp.builtin != kb.builtin_version:
            return True
        if stamp.version == kb.version:
            return False
        return pattern is not None and pattern.search(fold(text)) is not None

    return affected


def _user_pattern(kb: KnowledgeBase) -> re.Pattern[str] | None:
    terms: set[str] = set()
    offices = set(kb.user_offices)
    for entry_id in kb.user_ids:
        entry = kb.get(entry_id)
        if entry is None:
            continue
        for form in (entry.name, *entry.aliases):
            terms.add(fold(form))
            if entry.kind == "person" and len(form.split()[-1]) >= _MIN_SURNAME:
                terms.add(fold(form.split()[-1]))
        offices |= {o.key for o in entry.offices}
    for key in offices:
        if key in kb.offices.defs:
            terms |= {fold(t) for t in kb.office_titles(key)}
    terms = {t.strip() for t in terms if len(t.strip()) >= 2}
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
