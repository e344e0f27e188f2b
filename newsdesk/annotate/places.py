"""Places: toponyms recognised in a spaCy doc (NER plus gazetteer rules) and geocoded offline.

Owns `find_places`; names and coordinates come from `gazetteer.py`. Disambiguation uses the gazetteer's
population and feature prior, "City, State" qualifiers, and the countries and states the article is about.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.attrs import IDX, ORTH, SPACY, TAG

from newsdesk.annotate.gazetteer import Entry, Gazetteer, load_gazetteer, name_key
from newsdesk.kb import load_kb
from newsdesk.records import Place

__all__ = ["find_places"]

_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "sir", "lord", "lady", "judge", "president",
           "prof", "gen", "col", "capt", "sgt", "officer", "coach", "rev", "father", "saint", "st"}
_DEMONYM_ENDINGS = ("ian", "ians", "an", "ans", "ese", "ish", "i", "is", "ic", "ch", "ot", "ots")
_DIRECTIONS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "northern",
               "southern", "eastern", "western", "central", "upper", "lower", "greater", "downtown"}
_CONNECTORS = {"of", "de", "du", "la", "le", "del", "upon", "on", "the", "and", "-"}
_US_POSTAL = {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
              "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
              "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
              "WV", "WI", "WY"}
# Prior by feature (a city's is log10 of its population): a country outranks any city of the same name
# unless the article's context says otherwise.
_FEATURE_PRIOR = {"continent": 8.5, "country": 8.0, "admin1": 6.6, "region": 5.0, "landmark": 5.0,
                  "county": 4.5}
_MIN_SCAN_POP = 15000  # a capitalised name outside any entity is a place if this big (or in context)
_CAPITAL_BONUS = 1.0  # national capitals are named far more often than their namesakes
_CC_WEIGHT = 2.0  # times the share of the article's other place names that may lie in the same country
_A1_WEIGHT, _A1_CAP = 1.5, 2.0  # per other name that may lie in the same state, up to the cap
# Named buildings that stand for a government ("the White House said"): actors, not places.
_NOT_PLACES = {"white house", "kremlin", "pentagon", "downing street", "capitol hill", "wall street",
               "city hall", "state house", "elysee", "whitehall", "capitol"}
_NOT_PLACE_HEADS = {"day", "mass", "vigil", "way", "maneuver", "act", "award", "awards", "prize", "festival",
                    "cup", "games", "center", "centre", "church", "school", "university", "college"}


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    strong: bool = True  # found by NER as a place, or a strong gazetteer match
    qualifier: Entry | None = None  # the state or country written after it: "Athens, Ga."
    source: str = ""  # which rule found it (ner, ner-unknown, scan, weak, embedded, qualifier, ...)
    entry: Entry | None = None  # fixed by the pattern that found it (a postal code after "City,")


@dataclass
class _Group:
    key: str
    mentions: list[_Mention] = field(default_factory=list)
    candidates: list[Entry] = field(default_factory=list)
    choice: Entry | None = None


def find_places(doc, *, country_hints: Iterable[str] = ()) -> list[Place]:
    """Toponyms in `doc` (a spaCy Doc with NER), grouped per place, geocoded, in order of first mention.

    Args:
        doc: the article processed by `newsdesk.annotate.nlp.load_nlp()`; offsets index `doc.text`.
        country_hints: ISO-2 codes of countries the article is known to be about (from actors, the outlet).
    """
    if not len(doc):
        return []
    gaz = load_gazetteer()
    mentions = _recognise(doc, gaz)
    groups = _resolve(mentions, gaz, {c.upper() for c in country_hints if c})
    return _places(groups, gaz)


# --- recognition ------------------------------------------------------------------------------------------


def _trim(span, doc_text: str) -> tuple[int, int, str]:
    """Character span of an entity without a leading `the` and a trailing possessive or period."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].lower_ in ("the", "of", "in", "at") or \
            (start < end and not doc[start].text[:1].isalnum()):
        start += 1
    while end > start and (doc[end - 1].text in ("'s", "\u2019s", "'", "\u2019") or
                           not doc[end - 1].text[:1].isalnum() and doc[end - 1].text != "."):
        end -= 1
    if start >= end:
        return span.start_char, span.start_char, ""
    s, e = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
    return s, e, doc_text[s:e]


def _primary(entries: list[Entry], text: str) -> list[Entry]:
    """The entries whose own name (not an alternate spelling) is `text`."""
    key = name_key(text)
    return [e for e in entries if name_key(e.name) == key or e.feature not in ("city", "capital")]


def _strong(entries: list[Entry], min_pop: int) -> bool:
    return any(e.feature not in ("city", "capital", "county") or e.population >= min_pop for e in entries)


def _looks_demonym(text: str, entries: list[Entry] = ()) -> bool:
    """`Russian`, `Israelis`: an adjective or people, unless the name is a known country, state or big city."""
    return " " not in text and text.lower().endswith(_DEMONYM_ENDINGS) and \
        not _strong(_primary(list(entries), text), 100000)


def _odd(text: str) -> bool:
    """Not shaped like a place name: camel case (`UConn`), symbols, digits only, a dangling hyphen."""
    if len(text) < 2 or not text[0].isupper() or text[-1] in "-–":
        return True
    if any(not (c.isalpha() or c in " .'’-&") for c in text if not c.isdigit()):
        return True
    return any(w[1:] != w[1:].lower() and w != w.upper() for w in text.split() if w[:2] != "Mc")


@lru_cache(maxsize=4096)
def _demonym_country(text: str, gaz: Gazetteer) -> Entry | None:
    """The country a demonym or adjective names ("Georgian", "Lebanese", "South Ossetian" is none), via the KB."""
    countries = load_kb().countries
    iso3 = countries.resolve(text, metonyms=False, codes=False)
    cc = next((a2 for a2, a3 in countries.codes2.items() if a3 == iso3), None) if iso3 else None
    return gaz.country(cc) if cc else None


def _acronym(text: str) -> bool:
    return text.isupper() and "." not in text and len(text) <= 5


def _recognise(doc, gaz: Gazetteer) -> list[_Mention]:
    # token attributes as plain lists: creating a spaCy Token per word (as `doc.text` and iteration do)
    # costs more than everything else here together
    rows = doc.to_array([ORTH, SPACY, IDX, TAG]).tolist()
    strings = doc.vocab.strings
    words = [strings[r[0]] for r in rows]
    doc_text = "".join(w + " " if r[1] else w for w, r in zip(words, rows, strict=True))
    idx = [r[2] for r in rows]
    proper_tags = {strings[t] for t in ("NNP", "NNPS")}
    propers = [r[3] in proper_tags for r in rows]
    out: list[_Mention] = []
    taken = [False] * len(doc_text)
    ents = doc.ents
    people = [e for e in ents if e.label_ == "PERSON"]
    person_tokens = {t.lower_ for e in people for t in e if t.is_alpha}
    multi_person_tokens = {t.lower_ for e in people if len(e) > 1 for t in e if t.is_alpha}
    common = gaz.common_words

    def add(s: int, e: int, strong: bool = True, source: str = "") -> None:
        if e > s and not any(taken[s:e]):
            out.append(_Mention(s, e, doc_text[s:e], strong, source=source))
            for i in range(s, e):
                taken[i] = True

    in_ent = set()
    for ent in ents:
        in_ent.update(range(ent.start, ent.end))
        s, e, text = _trim(ent, doc_text)
        if not text or name_key(text) in _NOT_PLACES:
            continue
        hits = gaz.lookup(text)
        prev = doc[ent.start - 1].lower_.rstrip(".") if ent.start else ""
        single = " " not in text
        if ent.label_ in _PLACE_LABELS:
            if "," in text:  # "Springfield, Ill." as one entity
                for part in _split_commas(doc, ent):
                    if gaz.lookup(doc_text[part[0]:part[1]]):
                        add(*part, source="nercomma")
                continue
            if not hits:
                if _looks_demonym(text, hits) or _odd(text) or (single and text.lower() in person_tokens) or \
                        ent.label_ == "GPE" and text.split()[-1].lower() in _NOT_PLACE_HEADS:
                    continue
                add(s, e, source="ner-unknown")
            elif single and text.lower() in multi_person_tokens and not _strong(hits, 100000):
                continue
            else:
                add(s, e, source="ner")
        elif ent.label_ == "NORP" and (country := _demonym_country(text, gaz)) is not None:
            # "Georgian troops", "the Lebanese": a reference to the country, as toponym corpora annotate it
            out.append(_Mention(s, e, text, source="demonym", entry=country))
            taken[s:e] = [True] * (e - s)
        elif ent.label_ in ("PERSON", "NORP", "ORG") and hits and not _odd(text) and \
                (not _acronym(text) or any(h.feature in ("country", "region") for h in hits)):
            names = _primary(hits, text)
            if not names or prev in _TITLES or \
                    (single and text.lower() in multi_person_tokens and not _strong(names, 100000)):
                continue
            if _strong(names, 100000):
                add(s, e, source=ent.label_)
            elif ent.label_ == "ORG" and name_key(text) not in common:
                add(s, e, strong=False, source=ent.label_ + "-weak")
        elif ent.label_ == "ORG":
            for part in _embedded(doc, doc_text, ent, gaz, person_tokens):
                add(*part, source="embedded")
    # capitalised names the model left out, including all-caps datelines ("BEIRUT —")
    n_tok = len(words)

    def capital(w: str) -> bool:
        return w[:1].isupper() and (w.isalpha() or w.endswith(".") and w[:-1].isalpha())

    i = 0
    while i < n_tok:
        w = words[i]
        if i in in_ent or not capital(w) or not w.isalpha() or len(w) < 3:
            i += 1
            continue
        # the longest run of capitalised words (and connectors inside it) starting here, at most 4
        run = 1
        while run < 4 and i + run < n_tok and i + run not in in_ent and \
                (capital(words[i + run]) or words[i + run].lower() in _CONNECTORS):
            run += 1
        for n in range(run, 0, -1):
            last = words[i + n - 1]
            if not capital(last):
                continue
            span_text = doc_text[idx[i]:idx[i + n - 1] + len(last)]
            hits = _primary(gaz.lookup(span_text), span_text)
            if not hits:
                continue
            if n == 1 and (name_key(w) in common or w.lower() in person_tokens) and not _strong(hits, 100000):
                break
            proper = all(propers[j] or words[j].lower() in _CONNECTORS for j in range(i, i + n))
            dateline = w.isupper() and i + n < n_tok and words[i + n] in (",", "\u2014", "\u2013", "-", "(", "--")
            end = idx[i] + len(span_text)
            if (proper and _strong(hits, _MIN_SCAN_POP)) or (dateline and _strong(hits, 1000)):
                add(idx[i], end, source="scan")
            elif proper:
                add(idx[i], end, strong=False, source="weak")
            i += n - 1
            break
        i += 1
    _qualifiers(doc_text, words, idx, out, gaz, add)
    out.sort(key=lambda m: m.start)
    return out


def _split_commas(doc, ent):
    parts, start = [], ent.start
    for j in range(ent.start, ent.end + 1):
        if j == ent.end or doc[j].text == ",":
            if j > start:
                parts.append((doc[start].idx, doc[j - 1].idx + len(doc[j - 1].text)))
            start = j + 1
    return parts


def _embedded(doc, doc_text: str, ent, gaz: Gazetteer, person_tokens: set[str]):
    """Toponyms inside an organisation's name: `Texas` in "Texas Department of ...", `X County` after `of`."""
    toks = [t for t in ent if t.lower_ != "the"]
    while len(toks) > 1 and toks[0].lower_ in _DIRECTIONS:
        toks = toks[1:]

    def ok(span) -> bool:
        while len(span) > 1 and span[0].lower_ in _DIRECTIONS:
            span = span[1:]
        text = doc_text[span[0].idx:span[-1].idx + len(span[-1].text)]
        hits = _primary(gaz.lookup(text), text)
        return bool(hits) and all(t.is_alpha or t.text.endswith(".") for t in span) and text[0].isupper() \
            and not _looks_demonym(text, hits) and not _acronym(text) and name_key(text) not in gaz.common_words \
            and not (len(span) == 1 and span[0].lower_ in person_tokens) and _strong(hits, 20000)

    for n in range(min(4, len(toks) - 1), 0, -1):
        if ok(toks[:n]) and toks[n].text not in ("-", "\u2013", "&"):
            yield toks[0].idx, toks[n - 1].idx + len(toks[n - 1].text)
            break
    ofs = [k for k, t in enumerate(toks[:-1]) if t.lower_ == "of"]
    if ofs:  # the last "of": "Hospital of the University of Pennsylvania"
        rest = [t for t in toks[ofs[-1] + 1:] if t.lower_ != "the"]
        while len(rest) > 1 and rest[0].lower_ in _DIRECTIONS:
            rest = rest[1:]
        if rest and ok(rest):
            yield rest[0].idx, rest[-1].idx + len(rest[-1].text)


def _qualifiers(doc_text: str, words: list[str], idx: list[int], mentions: list[_Mention], gaz: Gazetteer,
                add) -> None:
    """`City, ST` / `City, State` / `City, Country`: record the qualifier and the state as a mention."""
    by_end = {m.end: m for m in mentions}
    for i, w in enumerate(words[:-1]):
        if w != "," or idx[i] not in by_end or not words[i + 1][:1].isupper():
            continue
        for n in (3, 2, 1):
            if i + n >= len(words):
                continue
            start, end = idx[i + 1], idx[i + n] + len(words[i + n])
            text = doc_text[start:end]
            entries = [e for e in gaz.lookup(text) if e.feature in ("admin1", "country", "region")]
            if not entries and n == 1 and text in _US_POSTAL:
                entries = [x for x in (gaz.admin1("US", text),) if x]
            if entries:
                by_end[idx[i]].qualifier = entries[0]
                add(start, end, source="qualifier")
                for m in mentions:
                    if m.start == start:
                        m.entry = entries[0]
                break


# --- resolution -------------------------------------------------------------------------------------------


def _prior(e: Entry, key: str) -> float:
    if e.feature in ("city", "capital"):
        p = math.log10(e.population + 10) + (_CAPITAL_BONUS if e.feature == "capital" else 0.0)
        own = name_key(e.name)
        # an alternate spelling is a weaker claim, unless it is the name cut short ("New York" City)
        return p if own == key or own.startswith(key + " ") else p - 1.0
    bonus = math.log10(e.population + 10) / 10 if e.population and e.feature != "admin1" else 0.0
    return _FEATURE_PRIOR.get(e.feature, 5.0) + bonus


def _fits(e: Entry, q: Entry) -> bool:
    if q.feature == "country":
        return e.cc == q.cc
    return e.cc == q.cc and e.admin1 == q.admin1


def _resolve(mentions: list[_Mention], gaz: Gazetteer, hints: set[str]) -> list[_Group]:
    """Choose one entry per name (one sense per discourse) by prior and by the article's geography.

    Each name spreads its weight over its candidates (softmax of their scores); a candidate gains from the
    weight other names put on its country and on its first-level region (state), so names that can share
    a state pull each other there ("Athens" with "Clarke County" and "Atlanta" -> Georgia).
    """
    groups: dict[str, _Group] = {}
    for m in mentions:
        key = name_key(m.text)
        g = groups.setdefault(key, _Group(key))
        g.mentions.append(m)
    for g in groups.values():
        fixed = [m.entry for m in g.mentions if m.entry]
        g.candidates = fixed[:1] or gaz.lookup(g.mentions[0].text)
        quals = [m.qualifier for m in g.mentions if m.qualifier]
        if quals:
            g.candidates = [e for e in g.candidates if _fits(e, quals[0])] or g.candidates
    live = [g for g in groups.values() if g.candidates]
    priors = {g.key: [_prior(e, g.key) for e in g.candidates] for g in live}
    probs = {g.key: _softmax(priors[g.key]) for g in live}
    for _ in range(3):
        cc_votes, a1_votes, total = _votes(live, probs, hints)
        new = {}
        for g in live:
            w = _weight(g)
            own_cc: Counter = Counter()
            own_a1: Counter = Counter()
            for e, p in zip(g.candidates, probs[g.key], strict=True):
                own_cc[e.cc] += w * p
                if e.admin1:
                    own_a1[(e.cc, e.admin1)] += w * p
            scores = []
            for e, prior in zip(g.candidates, priors[g.key], strict=True):
                cc = cc_votes[e.cc] - own_cc[e.cc] if e.cc else 0.0
                a1 = a1_votes[(e.cc, e.admin1)] - own_a1[(e.cc, e.admin1)] if e.admin1 else 0.0
                score = prior + _CC_WEIGHT * cc / max(total - w, 1.0) + _A1_WEIGHT * min(a1, _A1_CAP)
                scores.append(score + (0.5 if e.cc in hints else 0.0))
            new[g.key] = _softmax(scores)
            g.choice = g.candidates[max(range(len(scores)), key=scores.__getitem__)]
        probs = new
    # weak mentions (names outside place entities, small places) survive only inside the article's states
    _, a1_votes, _ = _votes([g for g in live if any(m.strong for m in g.mentions)], probs, hints)
    out = []
    for g in groups.values():
        if not any(m.strong for m in g.mentions):
            c = g.choice
            if c is None or (a1_votes[(c.cc, c.admin1)] < 0.5 and c.population < _MIN_SCAN_POP):
                continue
        out.append(g)
    return out


def _weight(g: _Group) -> float:
    return 1.0 + math.log(len(g.mentions))


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    ex = [math.exp(2.0 * (s - top)) for s in scores]
    total = sum(ex)
    return [x / total for x in ex]


def _votes(groups: Iterable[_Group], probs: dict[str, list[float]], hints: set[str]):
    cc_votes: Counter = Counter({cc: 2.0 for cc in hints})
    a1_votes: Counter = Counter()
    total = 2.0 * len(hints)
    for g in groups:
        w = _weight(g)
        for e, p in zip(g.candidates, probs[g.key], strict=True):
            if e.cc:
                cc_votes[e.cc] += w * p
                total += w * p
            if e.admin1:
                a1_votes[(e.cc, e.admin1)] += w * p
    return cc_votes, a1_votes, total


def _places(groups: list[_Group], gaz: Gazetteer) -> list[Place]:
    """Merge groups that resolved to the same entry; place counties and unknown names from context."""
    resolved = [g for g in groups if g.choice is not None]
    city_votes: Counter = Counter()
    for g in resolved:
        if g.choice.feature in ("city", "capital"):
            city_votes[g.choice] += len(g.mentions)
    focus = city_votes.most_common(1)[0][0] if city_votes else None
    merged: dict[object, list[_Group]] = defaultdict(list)
    for g in groups:
        merged[g.choice.id if g.choice else ("?", g.key)].append(g)
    places = []
    for gs in merged.values():
        ms = sorted((m for g in gs for m in g.mentions), key=lambda m: m.start)
        e = gs[0].choice
        if e is None:
            name, cc, lat, lon, gid, feature, score = ms[0].text, None, None, None, None, "landmark", 0.3
            if focus is not None:
                cc, lat, lon = focus.cc, focus.lat, focus.lon
        else:
            name, cc, lat, lon, gid, feature = e.name, e.cc or None, e.lat, e.lon, e.id if e.id > 0 else None, \
                e.feature
            score = 1.0
            if e.lat is None:  # a county: the article's main city in that state, else the state
                in_state = [c for c in city_votes if c.cc == e.cc and c.admin1 == e.admin1]
                anchor = max(in_state, key=city_votes.get) if in_state else gaz.admin1(e.cc, e.admin1)
                if anchor is not None:
                    lat, lon, score = anchor.lat, anchor.lon, 0.6
            feature = {"county": "region", "capital": "city"}.get(feature, feature)
        places.append(Place(name=name, country=cc, lat=lat, lon=lon, geoname_id=gid, feature=feature,
                            spans=tuple((m.start, m.end) for m in ms), mentions=tuple(m.text for m in ms),
                            score=score))
    places.sort(key=lambda p: p.spans[0])
    return places
