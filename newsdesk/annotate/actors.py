"""Actor resolution within an article: names, honorific and surname mentions, possessives and role phrases
are merged into one canonical actor each, resolved against the knowledge base at the article's date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from newsdesk.annotate.names import clean_name, name_key, surname
from newsdesk.annotate.roles import RoleMention, find_roles
from newsdesk.records import Actor, Mention

_PERSON_KINDS = {"person"}
_NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
_TITLE_BEFORE_NAME = re.compile(r" [A-Z][a-z]+ [A-Z][a-z]+")
_KIND_OF_LABEL = {"PERSON": "person", "ORG": "org", "GPE": "country"}


@dataclass
class _Cluster:
    key: str
    kind: str
    entry: object | None = None  # kb Entry
    names: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    country: str | None = None
    sector: str | None = None
    office: str | None = None


def actor_id(kind: str, entry, name: str) -> str:
    """KB id when known, else a stable id from the transliteration-folded name."""
    if entry is not None:
        return f"kb:{entry.id}"
    prefix = {"person": "p", "org": "o", "country": "c", "igo": "o"}.get(kind, "x")
    return f"{prefix}:" + name_key(name).replace(" ", "-")


def resolve_actors(doc, kb, date: str | None, matcher=None) -> tuple[list[Actor], list[Mention]]:
    """All actors of one spaCy doc. `date` (ISO) selects office holders; `matcher` is a KB PhraseMatcher."""
    text = doc.text
    spans = _name_spans(doc, matcher)
    clusters: dict[str, _Cluster] = {}
    by_span: dict[tuple[int, int], _Cluster] = {}

    def cluster_for(key: str, kind: str, entry=None) -> _Cluster:
        c = clusters.get(key)
        if c is None:
            c = clusters[key] = _Cluster(key, kind, entry)
        return c

    # 1. full names and organisations, KB first
    pending_surnames = []
    for start, end, label, entry_id in spans:
        start = _with_honorific(text, start)
        surface = text[start:end]
        name = clean_name(surface)
        if not name:
            continue
        entry = kb.get(entry_id) if entry_id else _lookup(kb, name, date)
        if label == "NORP" and (entry is None or entry.kind != "igo" and not (
                entry.kind == "org" and surface.endswith("s") and not _TITLE_BEFORE_NAME.match(text, end))):
            # a demonym alone is a modifier, not an actor; a party's members as a plural ("Republicans",
            # "Tories") are the party acting, unless they title the names that follow ("Democrats Nancy
            # Pelosi and Chuck Schumer")
            continue
        if len(name.split()) == 1 and _maybe_surname(label, entry) and not _titled_holder(kb, text, start, entry, date):
            pending_surnames.append((start, end, surface, name, label, entry))
            continue
        if entry is not None:
            kind = entry.kind
        else:
            kind = _KIND_OF_LABEL.get(label, "org")
            if kind == "country":
                iso = kb.country(name, metonyms=False)
                if not iso:
                    continue  # a city or region: the places stage owns it
                key = f"country:{iso}"
                c = cluster_for(key, "country")
                c.country = iso
                c.names.append(name)
                _add(c, by_span, Mention(start, end, surface, label))
                continue
        key = f"kb:{entry.id}" if entry is not None else f"{kind}:{name_key(name)}"
        c = cluster_for(key, kind, entry)
        c.names.append(name)
        _add(c, by_span, Mention(start, end, surface, label))

    # 2. surname-only and honorific mentions join the person the article names in full with that surname
    # ("Rep. Stephen Lynch ... Lynch said" is not the KB's better-known Loretta Lynch; "Pagliano", which
    # the tagger read as an organisation, is the aide Bryan Pagliano named before); else the KB's holder
    people = [c for c in clusters.values() if c.kind in _PERSON_KINDS]
    for start, end, surface, name, label, entry in pending_surnames:
        key = name_key(name)
        same = [c for c in people if any(_surname_key(n) == key for n in c.names)]
        if len(same) == 1:
            _add(same[0], by_span, Mention(start, end, surface, "PERSON"))
            continue
        if entry is None and label == "ORG":
            c = cluster_for(f"org:{key}", "org")
            c.names.append(name)
            _add(c, by_span, Mention(start, end, surface, label))
            continue
        c = cluster_for(f"kb:{entry.id}" if entry else f"person:{key}", entry.kind if entry else "person", entry)
        c.names.append(name)
        _add(c, by_span, Mention(start, end, surface, "PERSON" if label != "KB" else label))
        if c not in people:
            people.append(c)

    # 3. role phrases: linked to an adjacent name, else to the article's holder of that office, else the KB's
    # (characters inside a mention: a role starting or ending in one is part of a name, except in a country
    # name: "Ukraine's" in "Ukraine's envoy" does not block it)
    named = bytearray(len(text) + 1)
    for (s, e), c in by_span.items():
        if c.kind != "country":
            named[s:e] = b"\x01" * (e - s)
    for role in find_roles(text):
        if named[role.start] or (role.end > role.start and named[role.end - 1]):
            continue
        country = kb.country(role.modifier) if role.modifier else None
        target = _adjacent_person(role, text, by_span)
        if target is None:
            target = _holder_in_article(role, kb, date, country, people)
        if target is None and date:
            hit = _office_holder(kb, role.text, date, country)
            if hit is not None:
                entry, _office = hit
                target = cluster_for(f"kb:{entry.id}", entry.kind, entry)
                target.names.append(entry.name)
                people.append(target)
        if target is None:
            continue
        if target.entry is None:
            target.country = target.country or country
            target.sector = target.sector or role.sector
            target.office = target.office or role.text
        _add(target, by_span, Mention(role.start, role.end, role.text, "ROLE"))
        if target.kind != "country":
            named[role.start:role.end] = b"\x01" * (role.end - role.start)

    for c in people:  # "Rep. Trey Gowdy (R-S.C.)": a legislator, of the US when the party-state tag says so
        if c.entry is None and c.sector is None:
            for m in c.mentions:
                legislator, us = _legislator_tags(text, m.start, m.end)
                if legislator:
                    c.sector = "LEG"
                    c.country = c.country or ("USA" if us else None)
                    break

    actors, mentions = [], []
    for c in clusters.values():
        name = c.entry.name if c.entry is not None else max(c.names, key=len) if c.names else c.key
        aid = actor_id(c.kind, c.entry, name)
        country, sector, office = c.country, c.sector, c.office
        if c.entry is not None:
            country, sector = kb.actor_code(c.entry, date)
            roles = kb.roles_at(c.entry, date)
            office = roles[0].title if roles else None
            country = country or c.country
        surfaces = tuple(dict.fromkeys(_DET.sub("", m.text) for m in sorted(c.mentions, key=lambda m: m.start)))
        actors.append(Actor(id=aid, name=name, kind=c.kind, country=country, sector=sector, office=office,
                            kb_id=c.entry.id if c.entry is not None else None, mentions=surfaces))
        mentions.extend(Mention(m.start, m.end, m.text, m.label, aid) for m in c.mentions)
    mentions.sort(key=lambda m: m.start)
    actors.sort(key=lambda a: min((m.start for m in mentions if m.actor_id == a.id), default=0))
    return actors, mentions


# The same names, roles and dates recur within an article and across a day's articles, and a knowledge
# base is read-only once loaded (a reloaded one is another object, so another key): remember answers.
@lru_cache(maxsize=16384)
def _lookup(kb, name: str, date: str | None):
    return kb.lookup(name, date)


@lru_cache(maxsize=16384)
def _office_holder(kb, phrase: str, date: str | None, country: str | None):
    return kb.office_holder(phrase, date, country)


@lru_cache(maxsize=16384)
def _surname_key(name: str) -> str:
    return name_key(surname(name))


def _add(c: _Cluster, by_span: dict, m: Mention) -> None:
    c.mentions.append(m)
    by_span[(m.start, m.end)] = c


def _name_spans(doc, matcher) -> list[tuple[int, int, str, str | None]]:
    """(start, end, label, kb entry id or None): KB phrase matches win over overlapping NER entities."""
    out: list[tuple[int, int, str, str | None]] = []
    taken: list[tuple[int, int]] = []
    ents = doc.ents  # (a property that builds new spans on every access)
    if matcher is not None:
        matches = sorted(matcher(doc), key=lambda m: (-(m[2] - m[1]), m[1]))
        for match_id, s, e in matches:
            span = doc[s:e]
            a, b = span.start_char, span.end_char
            if any(a < y and x < b for x, y in taken) or span.text.islower():
                continue  # (lower case: the matcher ignores case, but "who" and "us" are not WHO and US)
            # a KB alias inside a longer entity ("UN" in "UN Human Rights Council") is not a match
            ent = next((x for x in ents if x.start_char <= a and b <= x.end_char), None)
            if ent is not None and (ent.end_char - ent.start_char) > (b - a) and ent.label_ in _NAME_LABELS:
                continue
            taken.append((a, b))
            label = ent.label_ if ent is not None else "KB"
            out.append((a, b, label, doc.vocab.strings[match_id]))
    for ent in ents:
        if ent.label_ not in _NAME_LABELS:
            continue
        a, b = ent.start_char, ent.end_char
        if "\n" in ent.text:
            # a name never runs across lines: "The Tweet\n\nKofod" is a heading and then "Kofod"
            a += ent.text.rindex("\n") + 1
            if not doc.text[a:b].strip():
                continue
        if any(a < y and x < b for x, y in taken):
            continue
        out.append((a, b, ent.label_, None))
    return sorted(out)


_GAP_RE = re.compile(r"^[\s,]*$")
_DET = re.compile(r"^[Tt]he\s+")  # "the UN Human Rights Council" is named "UN Human Rights Council"
_HONORIFIC_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame)\.?\s+$")


# a legislator's title before a name, and the party-state tag US news puts after a member of Congress or of
# a state legislature ("(R-Utah)", "(D-N.Y.)", "(I-Vt.)")
_LEGISLATOR_BEFORE = re.compile(r"\b(?:Sen|Rep|Del|Senator|Representative|Congressman|Congresswoman|"
                                r"Assemblyman|Assemblywoman|MP|MEP|Deputy|Lawmaker)\.?\s+$")
_PARTY_STATE_AFTER = re.compile(r"^,?\s*\((?:R|D|I)-[A-Z][A-Za-z. ]{0,14}\)")


def _legislator_tags(text: str, start: int, end: int) -> tuple[bool, bool]:
    """(a legislator?, of the US Congress or a US state?) from the words around a person's mention."""
    us = bool(_PARTY_STATE_AFTER.match(text[end:end + 20]))
    return us or bool(_LEGISLATOR_BEFORE.search(text[max(0, start - 16):start])), us


def _maybe_surname(label: str, entry) -> bool:
    """May a one-word name be the surname of a person the article names in full? A person's name the tagger
    found, one it read as an organisation's that the KB does not know, or a KB person's surname."""
    if entry is None:
        return label in ("PERSON", "ORG")
    return entry.kind in _PERSON_KINDS and label in ("PERSON", "KB")


_TITLE_WORDS = re.compile(r"(?:\b[A-Z][a-z]+\.? ){1,3}$")


def _titled_holder(kb, text: str, start: int, entry, date: str | None) -> bool:
    """Is the name titled by an office its KB holder holds at the date ("Attorney General Lynch", "President
    Trump")? Then it is that holder, whoever else of that surname the article names ("Rep. Lynch" is not)."""
    title = _TITLE_WORDS.search(text, max(0, start - 40), start) if entry is not None else None
    if title is None:
        return False
    words = [w.rstrip(".").lower() for w in title.group().split()]
    offices = [set(o.title.lower().split()) for o in kb.roles_at(entry, date) if o.title]
    return any(set(words[i:]) <= o for o in offices for i in range(len(words)))


def _with_honorific(text: str, start: int) -> int:
    """NER leaves "Mr" out of "Mr Lavrov"; the mention as written keeps it."""
    m = _HONORIFIC_BEFORE.search(text, max(0, start - 8), start)
    return m.start() if m else start


def _adjacent_person(role: RoleMention, text: str, by_span: dict) -> _Cluster | None:
    """A person named right before or after the role: "Foreign Secretary Liz Truss", "X, Ukraine's envoy"."""
    best = None
    for (s, e), c in by_span.items():
        if c.kind not in _PERSON_KINDS:
            continue
        if role.end <= s <= role.end + 3 and _GAP_RE.match(text[role.end:s]):
            best = c
        elif role.start - 3 <= e <= role.start and _GAP_RE.match(text[e:role.start]) and "," in text[e:role.start]:
            best = best or c
    return best


def _holder_in_article(role: RoleMention, kb, date, country, people: list[_Cluster]) -> _Cluster | None:
    """A person already in the article who holds (or held) the office this role phrase names."""
    for c in people:
        if c.entry is None:
            continue
        for office in kb.roles_at(c.entry, None):
            when = date if date and (office.start or "") <= date <= (office.end or "9999") else office.start
            hit = _office_holder(kb, role.text, when, country)
            if hit is not None and hit[0].id == c.entry.id:
                return c
    return None
