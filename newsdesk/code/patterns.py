"""The event pattern dictionary (`data/patterns.yaml`): loading, inflection of its base forms, and matching
of patterns against the tokens of one sentence (tagger output only, no parse needed)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from newsdesk.code.ontology import family_code
from newsdesk.kb.sectors import sector_table

__all__ = ["Cue", "Lexicon", "Pattern", "find_cues", "inflect", "lexicon", "lemmas"]

GAP = 6  # how many words a "*" may stand for
_STOP = {".", ";", ":", "?", "!", "\u201c", "\u201d", '"'}
_IRREGULAR = {
    "meet": ["met"], "hold": ["held"], "withdraw": ["withdrew", "withdrawn"], "take": ["took", "taken"],
    "give": ["gave", "given"], "send": ["sent"], "break": ["broke", "broken"], "shoot": ["shot"],
    "fight": ["fought"], "seek": ["sought"], "make": ["made"], "go": ["went", "gone"], "come": ["came"],
    "leave": ["left"], "beat": ["beaten"], "bring": ["brought"], "lead": ["led"], "strike": ["struck"],
    "swear": ["swore", "sworn"], "speak": ["spoke", "spoken"], "tell": ["told"], "begin": ["began", "begun"],
    "blow": ["blew", "blown"], "throw": ["threw", "thrown"], "forbid": ["forbade", "forbidden"],
    "stand": ["stood"], "win": ["won"], "undertake": ["undertook", "undertaken"], "overrun": ["overran"],
    "lay": ["laid"], "pay": ["paid"], "say": ["said"], "buy": ["bought"], "sell": ["sold"], "fly": ["flew", "flown"],
    "forgive": ["forgave", "forgiven"], "have": ["had", "has"], "be": ["is", "was", "were", "are", "been", "am"],
    "set": ["set"], "cut": ["cut"], "put": ["put"], "shut": ["shut"], "hit": ["hit"],
    "run": ["ran"], "lend": ["lent"], "build": ["built"], "deal": ["dealt"], "hang": ["hung", "hanged"],
    "rebuild": ["rebuilt"], "slay": ["slew", "slain"], "stick": ["stuck"], "sit": ["sat"], "draw": ["drew", "drawn"],
    "drive": ["drove", "driven"], "freeze": ["froze", "frozen"], "shake": ["shook", "shaken"], "steal": ["stole", "stolen"],
    "hurt": ["hurt"], "spread": ["spread"], "bid": ["bid"], "rise": ["rose", "risen"], "feel": ["felt"],
    "keep": ["kept"], "find": ["found"], "fall": ["fell", "fallen"], "bear": ["bore", "borne"], "mistake": [],
    "retake": ["retook", "retaken"], "withhold": ["withheld"], "write": ["wrote", "written"], "tear": ["tore", "torn"],
    "show": ["shown"], "uphold": ["upheld"], "overthrow": ["overthrew", "overthrown"],
    # a final consonant doubles after a stressed single vowel the spelling rule below cannot see
    "acquit": ["acquitted", "acquitting"], "quit": ["quit", "quitting"], "equip": ["equipped", "equipping"],
    "veto": ["vetoes"], "embargo": ["embargoes"],
    "troops": ["troops"], "police": ["police"], "talks": ["talks"], "arm": ["arms"], "hostilities": ["hostilities"],
}


def inflect(word: str) -> set[str]:
    """Base form -> the forms it takes as a verb or noun (over-generating is harmless)."""
    w = word
    out = {w, *_IRREGULAR.get(w, [])}
    if w.endswith(("s", "x", "z", "ch", "sh")):
        out |= {w + "es", w + "ed", w + "ing"}
    elif w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        out |= {w[:-1] + "ies", w[:-1] + "ied", w + "ing"}
    elif w.endswith("ie"):
        out |= {w + "s", w + "d", w[:-2] + "ying"}
    elif w.endswith("ee"):
        out |= {w + "s", w + "d", w + "ing"}
    elif w.endswith("e"):
        out |= {w + "s", w + "d", w[:-1] + "ing"}
    else:
        out |= {w + "s", w + "ed", w + "ing"}
        if len(w) >= 3 and w[-1] not in "aeiouwxy" and w[-2] in "aeiou" and w[-3] not in "aeiou":
            out |= {w + w[-1] + "ed", w + w[-1] + "ing"}  # ban -> banned, expel -> expelled
    # British spellings: -ise / -yse forms of -ize verbs
    if "iz" in w:
        out |= {f.replace("iz", "is") for f in list(out)}
    return out


@dataclass(frozen=True)
class Pattern:
    code: str
    kind: str  # "v", "n", "nw" (weak noun), "a"
    words: tuple[str, ...]
    gaps: tuple[bool, ...]  # gaps[i]: a "*" stands before words[i]
    text: str
    family: str | None = None  # governor family (intent, commit, threaten, demand, appeal, reject, enact)

    @property
    def specificity(self) -> int:
        return len(self.words)


@dataclass(frozen=True)
class Cue:
    """One pattern match in a sentence; token indices are relative to the sentence."""

    pattern: Pattern
    head: int
    tokens: tuple[int, ...]

    @property
    def code(self) -> str:
        return self.pattern.code


@dataclass
class Lexicon:
    version: int
    by_head: dict[str, list[Pattern]]
    forms: dict[str, set[str]]  # surface (lower-case) -> base forms
    support_verbs: set[str]
    venue_nouns: set[str]
    irrealis: set[str]
    sectors: dict[str, str]  # head noun base form -> sector
    n_patterns: int


_FAMILY_ROOTS = {"intent": "03", "commit": "03", "threaten": "13", "demand": "10", "appeal": "02", "reject": "12",
                 "enact": "10"}


def _governed_code(code: str, family: str | None) -> str:
    """A pattern headed by a governor names the governed action ("agree to * ceasefire" is listed under
    0871): its code is the family's code for that action (0356, intent to de-escalate)."""
    if family is None or code[:2] in (_FAMILY_ROOTS[family], "13"):
        return code
    if family == "commit":
        family = "threaten" if code[:2] >= "14" else "intent" if code[:2] < "09" else None
    return family_code(family, code) if family else code


def _split(text: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    words, gaps, gap = [], [], False
    for w in text.replace("-", " ").lower().split():
        if w == "*":
            gap = True
            continue
        words.append(w)
        gaps.append(gap)
        gap = False
    return tuple(words), tuple(gaps)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The pattern dictionary, compiled once per process."""
    import yaml

    with resources.files("newsdesk.code").joinpath("data").joinpath("patterns.yaml").open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    # a support verb with its event noun is that event ("undertook a mediation mission"), not an intent;
    # an offer stays an intent whatever is offered ("offered its warships")
    support = {_split(s)[0][0] for s in data["support_verbs"]} - {"offer"}
    family_of = {}
    for fam, items in data["governors"].items():
        for item in items:
            family_of[_split(item)[0]] = fam
    by_head: dict[str, list[Pattern]] = {}
    vocab: set[str] = set()
    n = 0
    for code, kinds in data["patterns"].items():
        for kind, items in kinds.items():
            for item in items or []:
                words, gaps = _split(item)
                fam = family_of.get(words) if kind in ("v", "a") else None
                if kind == "n" and family_of.get(words) in ("demand", "appeal"):
                    fam = family_of[words]  # "its calls for X to resign" asks for the resignation
                governor = family_of.get(words[:1]) if kind in ("v", "a") and words[0] not in support else None
                own = _governed_code(str(code), governor)
                by_head.setdefault(words[0], []).append(Pattern(own, kind, words, gaps, item, fam))
                vocab.update(words)
                n += 1
    sectors = dict(sector_table().sectors)  # the one role -> sector table (kb/data/role_sectors.csv)
    vocab.update(sectors)
    irrealis = {_split(s)[0][-1] for s in data["irrealis"]}
    vocab |= support | irrealis | set(data["venue_nouns"])
    forms: dict[str, set[str]] = {}
    for word in vocab:
        for form in inflect(word):
            forms.setdefault(form, set()).add(word)
    for pats in by_head.values():
        pats.sort(key=lambda p: -p.specificity)
    return Lexicon(int(data.get("version", 1)), by_head, forms, support, set(data["venue_nouns"]), irrealis,
                   sectors, n)


def lemmas(lower: str) -> set[str]:
    """Base forms a lower-cased word can be an inflection of (itself when unknown)."""
    return lexicon().forms.get(lower, {lower})


def _pos_ok(kind: str, tags: list[str], head: int, last: int) -> bool:
    if kind == "v":
        return tags[head].startswith("VB")
    if kind == "a":
        return tags[head].startswith(("JJ", "VBN", "VBD"))
    # an event noun is a common noun: "March" is a month, "Keep the Promise" a name; in "calls for" and
    # "walk out" the noun is the first word
    if tags[head] in ("NNP", "NNPS"):
        return False
    return tags[last] in ("NN", "NNS") or (not tags[last].startswith("NN") and tags[head] in ("NN", "NNS"))


def _match(p: Pattern, words: list[str], i: int) -> tuple[int, ...] | None:
    """Token indices of `p` matched from token i (words[i] is already known to be its head)."""
    got = [i]
    j = i + 1
    for w, gap in zip(p.words[1:], p.gaps[1:], strict=True):
        limit = j + (GAP if gap else 0)
        found = None
        while j < len(words) and j <= limit + (words[j] == "-"):
            if words[j] in _STOP:
                break
            if words[j] == "-" and not gap:
                j += 1
                limit += 1
                continue
            if w in lemmas(words[j]):
                found = j
                break
            j += 1
        if found is None:
            return None
        got.append(found)
        j = found + 1
    return tuple(got)


def find_cues(words: list[str], tags: list[str]) -> list[Cue]:
    """Non-overlapping pattern matches in one sentence (lower-cased words, Penn tags): longest first."""
    lex = lexicon()
    found: list[Cue] = []
    for i, w in enumerate(words):
        for base in sorted(lemmas(w)):  # sorted: a set's order changes with the hash seed, and so did the cue
            for p in lex.by_head.get(base, ()):
                toks = _match(p, words, i)
                if toks and _pos_ok(p.kind, tags, i, toks[-1]):
                    found.append(Cue(p, i, toks))
    found.sort(key=lambda c: (-c.pattern.specificity, c.head))
    taken: set[int] = set()
    out = []
    for c in found:
        if taken.intersection(c.tokens):
            continue
        taken.update(c.tokens)
        out.append(c)
    return sorted(out, key=lambda c: c.head)
