"""Role phrases ("Russia's foreign minister", "the Danish foreign minister, Jeppe Kofod", "Foreign Secretary
Liz Truss"): where they are, which country they name, which CAMEO sector the role belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from newsdesk.kb.sectors import sector_table


@lru_cache(maxsize=1)
def role_re() -> re.Pattern[str]:
    """The office titles of the one role -> sector table, longest first so "foreign minister" wins over
    "minister", after an optional determiner and up to three capitalised modifier words (country, demonym,
    "UK's"); built on first use, not at import."""
    alt = "|".join(re.escape(r) for r in sorted(sector_table().titles, key=len, reverse=True))
    return re.compile(
        r"(?P<det>\b[Tt]he\s+)?"
        r"(?P<mod>(?:(?-i:[A-Z])[\w\-]*(?:['\u2019]s)?\s+){0,3})"
        r"(?P<role>\b(?:" + alt + r"))\b",
        re.IGNORECASE,
    )


@dataclass(frozen=True)
class RoleMention:
    start: int
    end: int
    text: str
    role: str  # the role noun, lower-cased
    modifier: str  # "Russia's", "Danish", "UK's" ... as written, may be ""
    sector: str
    titled: bool  # capitalised title ("Foreign Secretary") rather than a description ("foreign minister")


def find_roles(text: str) -> list[RoleMention]:
    out = []
    for m in role_re().finditer(text):
        role = m.group("role")
        mod = m.group("mod").strip()
        start = m.start("det") if m.group("det") else m.start("mod") if mod else m.start("role")
        out.append(RoleMention(start, m.end("role"), text[start:m.end("role")], role.lower(), mod,
                               sector_table().sectors[role.lower()], role[:1].isupper()))
    return out
