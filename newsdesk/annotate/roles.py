"""Role phrases ("Russia's foreign minister", "the Danish foreign minister, Jeppe Kofod", "Foreign Secretary
Liz Truss"): where they are, which country they name, which CAMEO sector the role belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass

# role noun -> CAMEO-style sector; longest first so "foreign minister" wins over "minister"
ROLE_SECTORS = {
    "permanent representative": "DIP", "human rights ambassador": "DIP", "deputy ambassador": "DIP",
    "ambassador": "DIP", "envoy": "DIP",
    "diplomat": "DIP", "consul": "DIP", "high representative": "GOV", "secretary-general": "IGO",
    "secretary general": "IGO", "foreign secretary": "GOV", "foreign minister": "GOV",
    "secretary of state": "GOV", "home secretary": "GOV", "defence secretary": "GOV", "defense secretary": "GOV",
    "defence minister": "GOV", "defense minister": "GOV", "interior minister": "GOV", "finance minister": "GOV",
    "prime minister": "GOV", "deputy prime minister": "GOV", "chancellor": "GOV", "president": "GOV",
    "vice president": "GOV", "vice-president": "GOV", "premier": "GOV", "minister": "GOV", "king": "GOV",
    "queen": "GOV", "foreign ministry spokesman": "GOV", "foreign ministry spokeswoman": "GOV",
    "spokesman": "GOV", "spokeswoman": "GOV", "spokesperson": "GOV", "leader": "GOV", "head of state": "GOV",
    "army chief": "MIL", "defence chief": "MIL", "general": "MIL", "commander": "MIL", "admiral": "MIL",
    "senator": "LEG", "lawmaker": "LEG", "mp": "LEG", "speaker": "LEG", "opposition leader": "OPP",
    "judge": "JUD", "prosecutor": "JUD", "police chief": "COP",
}
_ROLE_ALT = "|".join(re.escape(r) for r in sorted(ROLE_SECTORS, key=len, reverse=True))
# an optional determiner, up to three capitalised modifier words (country, demonym, "UK's"), then the role
ROLE_RE = re.compile(
    r"(?P<det>\b[Tt]he\s+)?"
    r"(?P<mod>(?:(?-i:[A-Z])[\w\-]*(?:['\u2019]s)?\s+){0,3})"
    r"(?P<role>\b(?:" + _ROLE_ALT + r"))\b",
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
    for m in ROLE_RE.finditer(text):
        role = m.group("role")
        mod = m.group("mod").strip()
        start = m.start("det") if m.group("det") else m.start("mod") if mod else m.start("role")
        out.append(RoleMention(start, m.end("role"), text[start:m.end("role")], role.lower(), mod,
                               ROLE_SECTORS[role.lower()], role[:1].isupper()))
    return out
