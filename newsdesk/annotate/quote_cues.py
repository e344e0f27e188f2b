"""What quote attribution reads besides the parse: quote-mark pairing per paragraph (straight, curly and
single marks, apostrophes told apart), the verbs of saying (data/speech_verbs.txt), titles, pronouns, and
the resolution of a speaker mention (pronoun or short name) to a named person."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PRONOUNS = {"he": "m", "she": "f", "they": None}
GENDERED = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f",
            "herself": "f"}
TITLES = {"mr": "m", "mr.": "m", "sir": "m", "lord": "m", "ms": "f", "ms.": "f", "mrs": "f", "mrs.": "f",
          "miss": "f", "dame": "f", "lady": "f", "dr": None, "dr.": None, "prof": None, "prof.": None}
# Given names common in politics whose bearers the text rarely genders with a title ("Hillary Clinton",
# "Kellyanne Conway"): a small seed list only; a document's own pronouns and titles win over it.
FEMALE_NAMES = frozenset("""
hillary chelsea kellyanne ivanka melania michelle nancy elizabeth liz theresa angela marine ursula kamala
sarah sara hope katrina huma donna debbie claire susan jill amy kate katie kathleen maria mary anne ann
jane janet jennifer jessica julia karen laura linda lisa lynn margaret marie megyn nicola patricia rachel
rebecca rita ruth samantha sandra stephanie tulsi victoria yvette priti penny nadine hannah emily emma
olivia sophie annalena kaja mette sanna jacinda christine carly nikki condoleezza madeleine barbara
tammy kirsten dianne diane heidi lisa joni mazie maxine betsy cindy ruth sonia elena loretta sally
omarosa hope sheryl oprah beyonce katy meryl rosie ellen roberta gloria alicia""".split())
MALE_NAMES = frozenset("""
donald mike michael bernie barack joe john tim paul mitch ted marco chris jeb ben rudy newt rick reince
steve stephen sean bill jim james robert bob george david dave jeff jason eric kevin mark peter richard
tom thomas william charles gary evan jared corey roger vladimir sergei sergey boris rishi keir emmanuel
olaf volodymyr dmytro xi narendra justin antony lloyd jake ron harry jeremy nick dick al lindsey""".split())
TIME_WORDS = frozenset("""monday tuesday wednesday thursday friday saturday sunday yesterday today tonight
earlier later recently previously again also then once still now last this week weekend month year night
morning afternoon evening on in at during""".split())
SOCIAL = frozenset("twitter facebook instagram telegram x tiktok truth social media weibo linkedin".split())

_ELISION = re.compile(r"(?:\d0s|\d\d\b|\d\ds\b|em\b|til\b|cause\b|n\b|n'\b|tis\b|twas\b)", re.I)
_DOUBLE = re.compile('["“”„]')
_SINGLE = re.compile("['‘’‚]")
_OPEN_BEFORE = set(" \t\n([{—–-/") | {""}


@dataclass
class Seg:
    """One quoted stretch within a paragraph: text offsets without the marks. A quote over several
    paragraphs is one segment per paragraph, all but the first marked `cont`."""

    start: int
    end: int
    open_at: int
    close_at: int | None  # offset of the closing mark; None when the quote runs to the paragraph end
    para: int
    cont: bool = False  # goes on with a quote left open at the end of the paragraph before
    used: bool = False


# --- quote marks -----------------------------------------------------------------------------------------

def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in re.finditer(r"\n+", text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def _is_open_single(text: str, i: int, lo: int) -> bool:
    prev = text[i - 1] if i > lo else ""
    nxt = text[i + 1:i + 6]
    return prev in _OPEN_BEFORE and nxt[:1] not in ("", " ", "\n") and not _ELISION.match(nxt)


def _is_close_single(text: str, i: int, hi: int) -> bool:
    nxt = text[i + 1] if i + 1 < hi else ""
    return i > 0 and not text[i - 1].isspace() and (nxt == "" or not nxt.isalnum())


def _pair(text: str, lo: int, hi: int, kind: str,
          skip: list[tuple[int, int]]) -> tuple[list[tuple[int, int | None]], int | None]:
    """Pair the marks of one family in text[lo:hi]; returns closed (open, close) pairs and an unclosed open."""
    pairs: list[tuple[int, int | None]] = []  # (open, None): an opener a later opener left unclosed
    open_at: int | None = None
    for m in (_DOUBLE if kind == "double" else _SINGLE).finditer(text, lo, hi):
        i, c = m.start(), m.group()
        if skip and any(a < i < b for a, b in skip):
            continue
        if kind == "double":
            nxt = text[i + 1] if i + 1 < hi else ""
            opener = c in "“„" or (c == '"' and open_at is None and nxt.strip() != "")
            closer = c == "”" or (c == '"' and open_at is not None)
        else:
            opener = c in "‘‚'" and _is_open_single(text, i, lo)
            closer = c in "’'" and _is_close_single(text, i, hi)
        if open_at is not None and closer:
            pairs.append((open_at, i))
            open_at = None
        elif open_at is None and opener:
            open_at = i
        elif open_at is not None and c in "“‘" and opener:  # a new opener: the old one never closed
            pairs.append((open_at, None))
            open_at = i
    return pairs, open_at


def quote_segments(text: str, paras: list[tuple[int, int]]) -> list[Seg]:
    """Quoted stretches per paragraph; a quote left open runs on into a paragraph that opens with a mark
    (British and American style alike), as a continuing segment."""
    segs: list[Seg] = []
    carry: Seg | None = None  # a quote left open at the end of the previous paragraph
    for p, (lo, hi) in enumerate(paras):
        dbl, dbl_open = _pair(text, lo, hi, "double", [])
        spans = [(a, b if b is not None else hi) for a, b in dbl] + ([(dbl_open, hi)] if dbl_open is not None else [])
        sgl, sgl_open = _pair(text, lo, hi, "single", spans)
        sspans = [(a, b if b is not None else hi) for a, b in sgl] + ([(sgl_open, hi)] if sgl_open is not None else [])
        # British style: doubles nested in singles belong to the outer quote.
        found = [(a, b) for a, b in dbl if not any(x < a < y for x, y in sspans)] + sgl
        opened = [x for x in (dbl_open, sgl_open) if x is not None and not any(a < x < (b or hi) for a, b in found)]
        found.sort()
        if carry is not None:
            first = min([a for a, _ in found] + opened, default=None)
            if first is not None and text[lo:first].strip() == "":
                # The quote goes on in this paragraph: one segment per paragraph, marked as continuing.
                if found and found[0][0] == first:
                    a, b = found.pop(0)
                    segs.append(Seg(a + 1, b if b is not None else hi, a, b, p, cont=True))
                    carry = segs[-1] if b is None else None
                else:
                    segs.append(Seg(first + 1, hi, first, None, p, cont=True))
                    carry = segs[-1]
                    opened = []
            else:
                carry = None
        for a, b in found:
            segs.append(Seg(a + 1, b if b is not None else hi, a, b, p))
        if opened and carry is None:
            a = min(opened)
            seg = Seg(a + 1, hi, a, None, p)
            segs.append(seg)
            carry = seg
        elif carry is not None and carry.para != p:
            carry = None
    for s in segs:
        while s.end > s.start and text[s.end - 1] in " ,\n\t":
            s.end -= 1
    return sorted((s for s in segs if s.end > s.start), key=lambda s: s.start)


# --- lexicon and speakers ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def cue_verbs() -> dict[str, str]:
    """Verb form (lower case) -> class ("speech", "post", "object"), loaded once from the data file; plain
    present forms derived from the third-person ones carry "/present"."""
    out: dict[str, str] = {}
    text = resources.files("newsdesk.annotate").joinpath("data/speech_verbs.txt").read_text("utf-8")
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            out[parts[0].lower()] = parts[1] if len(parts) > 1 else "speech"
    for form, cls in list(out.items()):  # "argues" gives "argue" ("They argue that ..."), "replies" "reply"
        base = _base_form(form)
        if base and base not in out:
            out[base] = cls + "/present"  # a cue only as a finite present ("to explain" reports nothing)
    return out


def _base_form(form: str) -> str | None:
    """The plain present of a third-person form ("insists" -> "insist", "stresses" -> "stress")."""
    if not form.endswith("s") or form.endswith("ss") or len(form) < 4:
        return None
    if form.endswith("ies"):
        return form[:-3] + "y"
    if form.endswith(("sses", "shes", "ches", "xes", "zes")):
        return form[:-2]
    return form[:-1]


@dataclass
class Person:
    """One PERSON mention outside quotes, with what the text tells of its gender."""

    start: int  # char offsets
    end: int
    text: str
    key: str  # last name, lower case
    sent: int  # sentence number
    para: int
    modifier: bool = False  # names a thing, not the subject ("Labour pollster Dana Whitfield", "Okafor's")
    subject: bool = False  # opens its sentence ("Okafor dodged the question.")


def person_key(text: str) -> str:
    words = [w for w in text.replace("’s", "").replace("'s", "").split() if w[:1].isalpha()]
    return words[-1].lower().strip(".,") if words else text.lower()


class Genders:
    """Gender evidence per last name: titles, given names and pronouns that follow a subject mention."""

    def __init__(self) -> None:
        self.votes: dict[str, list[int]] = {}

    def vote(self, key: str, gender: str | None, weight: int = 1) -> None:
        if gender:
            v = self.votes.setdefault(key, [0, 0])
            v[gender == "f"] += weight

    def of(self, key: str) -> str | None:
        v = self.votes.get(key)
        if not v or v[0] == v[1]:
            return None
        return "m" if v[0] > v[1] else "f"

    def add_name(self, text: str) -> None:
        words = text.split()
        if len(words) < 2:
            return
        first = words[0].lower().strip(".")
        key = person_key(text)
        if first in FEMALE_NAMES:
            self.vote(key, "f", 2)
        elif first in MALE_NAMES:
            self.vote(key, "m", 2)


def _bare(text: str) -> list[str]:
    words = text.split()
    while words and words[0].lower() in TITLES:
        words = words[1:]
    return words


def full_name(persons: list[Person], short: str) -> str:
    """The longest PERSON mention in the article with the same last name ("Ms Truss" -> "Liz Truss")."""
    key = person_key(short)
    best, n = short, len(_bare(short))
    for p in persons:
        if p.key != key:
            continue
        words = _bare(p.text)
        if p.key == key and len(words) > n and p.text[:1].isupper():
            best, n = " ".join(words), len(words)
    return best


def resolve_pronoun(pron: str, pos: int, persons: list[Person], genders: Genders, sent_of, last_speaker,
                    para: int) -> Person | None:
    """Antecedent of he/she for a quote attribution at char `pos`.

    Prefers the speaker of the previous attribution when the text is still on that person (no other
    compatible subject in between), else the first compatible person of the nearest sentence that has one.
    """
    want = PRONOUNS.get(pron.lower())
    if pron.lower() == "they":
        return None

    def ok(p: Person) -> bool:
        g = genders.of(p.key)
        return g is None or want is None or g == want

    before = [p for p in persons if p.end <= pos and ok(p)]
    if not before:
        return None
    here = sent_of(pos)
    best_sent = before[-1].sent
    # Subjects of this very sentence come first, then the nearest earlier sentence with a candidate.
    cands = [p for p in before if p.sent == best_sent]
    nearest = next((p for p in cands if not p.modifier), cands[0])
    if last_speaker is not None and ok(last_speaker) and para - last_speaker.para <= 3:
        # Only a mention after the last attribution, and in a sentence of its own as subject, displaces it.
        if nearest.sent <= last_speaker.sent or nearest.key == last_speaker.key:
            return last_speaker
        if nearest.subject and para - nearest.para <= 1:
            return nearest  # a new person opening a sentence of this paragraph is who the text is on now
        later = [p for p in before if p.sent > last_speaker.sent]
        if all(genders.of(p.key) is None for p in later) and want is not None and \
                genders.of(last_speaker.key) == want and best_sent != here:
            return last_speaker
    return nearest
