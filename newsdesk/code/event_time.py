"""When an event happened, beyond its own clause: TIMEX values as event dates, the day of a report's news (its
lead, or a sentence that dates the happening: "The suit was filed in Washington on Monday"), and the dates an
undated mention takes from the article (the occasion of its quote, its speaker's dated occasion, a dated
mention of the same happening)."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from newsdesk.code.domestic import LOCATIVE
from newsdesk.code.ontology import to_plover
from newsdesk.code.patterns import find_cues, lemmas
from newsdesk.records import AnnotatedArticle, EventActor, EventMention, Place, Quote, TimeExpr

TIMEX_TYPES = ("DATE", "TIME")
CURRENT_DAYS = 7  # an event dated more than this before publication is recalled: the dateline is not its place
MIN_PLACE_SCORE = 0.5  # places.py scores a name it could not geocode 0.3 (the article's main city borrowed)
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(?:-(WE|[1-7]))?$")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# a clock time alone names no day ("was sent at 7:19 p.m. EST"): the tagger's day for it is a guess
_CLOCK = re.compile(r"(?:at\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?|noon|midnight", re.I)
_DEICTIC = re.compile(r"\b(?:today|tonight|yesterday|tomorrow|now|this (?:morning|afternoon|evening|week))\b", re.I)
_SPAN = re.compile(r"\s*(?:to|through|until|till|-|–|—)\s*(?:\d|[A-Z][a-z]+day)")
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_LEAD_CHARS = 400  # the lead: the first sentence or two of a report
# "The suit was filed ...", "This attack happened ...": a sentence about a happening named by a definite noun
_DEFINITE_START = re.compile(r"(?:The|This|That)\s+(?:[\w-]+\s+){0,2}?(?:was|were|is|has|had|took|came|happened|"
                             r"occurred|began|started|ended)\b")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z])|\n+")
# a mention referring back to a happening the article has told of ("the attacks", "that meeting")
_DEFINITE = {"the", "that", "this", "those", "these"}
_NEAR_SENTENCES = 2  # a dated happening continues in the sentences next to it
_QUOTE_MARK = re.compile("[\"“”]")
_RECALL_CHARS = 80  # how far past a quote its attribution ("..., he said at a Tuesday rally.") may reach


def iso_event_date(value: str | None) -> str | None:
    """A TIMEX3 value as an event date: a day, month or year as ISO 8601 (`2025-04-08T14:00` is that day;
    a week or weekend inside one month is that month), a coarser value whole (`2025-W14`, `2025-Q2`);
    None for what names no point of the calendar (`PAST_REF`, durations, decades)."""
    if not value or not re.match(r"\d{4}(?:-|$)", value):
        return None
    if _DAY.match(value):
        return value[:10]
    if m := _WEEK.match(value):
        try:
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return value
        first, last = (monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)) if m[3] == "WE" else \
            (monday + dt.timedelta(days=int(m[3]) - 1),) * 2 if m[3] else (monday, monday + dt.timedelta(days=6))
        if first == last:
            return first.isoformat()
        return first.isoformat()[:7] if first.month == last.month else value
    return value


def _published(ann: AnnotatedArticle) -> dt.date | None:
    try:
        return dt.date.fromisoformat((ann.article.published or "")[:10])
    except ValueError:
        return None


def timex_event_date(ann: AnnotatedArticle, tx: TimeExpr, *, future: bool = False) -> str | None:
    """The event date a time expression gives: its ISO value, a named weekday resolved after publication
    moved back a week unless the event is told as `future` (what a report tells happened: "his address
    Sunday" in Monday's paper is the day before, not the Sunday to come); None for a clock time alone, and
    for "today", "tonight" ... in quoted words (said then, not on the day of publication the tagger took)."""
    if tx.type not in TIMEX_TYPES or _CLOCK.fullmatch(tx.text) or _DEICTIC.search(tx.text) and any(
            q.kind == "direct" and q.start <= tx.start < q.end for q in ann.quotes):
        return None
    value = iso_event_date(tx.value)
    pub = _published(ann)
    if value and pub and not future and _DAY.fullmatch(value) and _WEEKDAY.search(tx.text):
        day = dt.date.fromisoformat(value)
        if pub < day <= pub + dt.timedelta(days=CURRENT_DAYS):
            return (day - dt.timedelta(days=7)).isoformat()
    return value


def _current_day(ann: AnnotatedArticle, tx: TimeExpr) -> str | None:
    """The day this expression names when it is one of the week before publication, else None (also for
    the first day of a span: "the poll was conducted July 8 to 12" dates no one happening)."""
    pub = _published(ann)
    value = iso_event_date(tx.value) if tx.type in TIMEX_TYPES else None
    if pub is None or not value or not _DAY.fullmatch(value) or _SPAN.match(ann.article.text, tx.end):
        return None
    day = dt.date.fromisoformat(value)
    return value if pub - dt.timedelta(days=CURRENT_DAYS) <= day < pub else None


def _sentence_at(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the sentence around character `pos` (a cheap split: the parse is not at hand)."""
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, pos):
        start = m.end()
    end = _SENTENCE_END.search(text, pos)
    return start, end.start() + 1 if end else len(text)


def _dating_sentence(ann: AnnotatedArticle, tx: TimeExpr) -> tuple[int, int] | None:
    """The sentence of `tx` when it dates a happening named by a definite noun and names no actor ("The suit
    was filed in Washington, D.C., on Monday."): news style's way to date the report's main happening."""
    text = ann.article.text
    start, end = _sentence_at(text, tx.start)
    if not _DEFINITE_START.match(text, start) or len(text[start:end].split()) > 25:
        return None
    places = [span for p in ann.places for span in p.spans if start <= span[0] < end]
    for m in ann.mentions:
        if start <= m.start < end and not any(a <= m.start < b for a, b in places):
            return None
    return start, end


def news_day(ann: AnnotatedArticle) -> tuple[str | None, Place | None]:
    """The day of the report's news and, when a sentence dating the happening gives one, its place: the
    first day of the week before publication in the lead ("... said on Tuesday"), else the day of a
    sentence that dates the happening ("The suit was filed in Washington on Monday."). News style dates its
    happening once: the current events the rest of the report does not date again are of that day."""
    days = [(tx, day) for tx in ann.timexes if (day := _current_day(ann, tx))]
    lead = [(tx, day) for tx, day in days if tx.start < _LEAD_CHARS][:1]
    for tx, day in lead or [(tx, day) for tx, day in days if _dating_sentence(ann, tx)][:1]:
        span = _dating_sentence(ann, tx)
        here = [(min(s for s, _ in p.spans if span[0] <= s < span[1]), p) for p in ann.places
                if span and p.score >= MIN_PLACE_SCORE and any(span[0] <= s < span[1] for s, _ in p.spans)]
        return day, min(here, key=lambda x: x[0])[1] if here else None
    return None, None


def news_dated(ann: AnnotatedArticle, e: EventMention) -> EventMention:
    """A mention its own words leave undated (a headline's present tense: the news of the day) dated by the
    report's news day, and placed where the sentence dating it says when it has no place of its own."""
    day, where = news_day(ann)
    if not e.date_inferred or day is None:
        return e
    if where is None or e.place is not None:
        return replace(e, date=day)
    return replace(e, date=day, place=where.name, place_country=where.country, place_lat=where.lat,
                   place_lon=where.lon)


def lead_date(ann: AnnotatedArticle) -> str | None:
    """The day of the report's news (`news_day`), None without one."""
    return news_day(ann)[0]


def _first_day(value: str) -> dt.date | None:
    """The first day a date value can denote (a year: its 1 January; a week: its Monday)."""
    try:
        if _DAY.fullmatch(value):
            return dt.date.fromisoformat(value)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return dt.date(int(value[:4]), int(value[5:7]), 1)
        if m := _WEEK.match(value):
            return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if re.fullmatch(r"\d{4}-Q[1-4]", value):
            return dt.date(int(value[:4]), int(value[-1]) * 3 - 2, 1)
        return dt.date(int(value[:4]), 1, 1)
    except ValueError:
        return None


def _last_day(value: str) -> dt.date | None:
    """The last day a date value can denote (a year: its 31 December)."""
    try:
        if _DAY.fullmatch(value):
            return dt.date.fromisoformat(value)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            y, m = int(value[:4]), int(value[5:7])
            return dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)
        if week := _WEEK.match(value):
            return dt.date.fromisocalendar(int(week[1]), int(week[2]), 7)
        if re.fullmatch(r"\d{4}-Q[1-4]", value):
            y, q = int(value[:4]), int(value[-1])
            return dt.date(y + q // 4, q * 3 % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date(int(value[:4]), 12, 31)
    except ValueError:
        return None


def within_week(date: str | None, day: str | None) -> bool:
    """Does `date` fall in (or run into) the week up to `day` (a news day or the publication date),
    and not begin after it?"""
    try:
        end = dt.date.fromisoformat((day or "")[:10])
    except ValueError:
        return False
    first, last = (_first_day(date), _last_day(date)) if date else (None, None)
    return first is not None and last is not None and first <= end and last >= end - dt.timedelta(days=CURRENT_DAYS)


def recalled(ann: AnnotatedArticle, date: str | None, inferred: bool) -> bool:
    """Is an event of this date one the article recalls (over a week before its publication)?"""
    pub = _published(ann)
    if inferred or not date or pub is None:
        return False
    last = _last_day(date)
    return last is not None and last < pub - dt.timedelta(days=CURRENT_DAYS)


# --- dates an undated mention takes from the article --------------------------------------------------------

def _same_actor(a, b) -> bool:
    """One actor: the same id or name, or a person's name and its surname ("Patricia Smith", "Smith")."""
    if not (a and b):
        return False
    if a.actor_id and a.actor_id == b.actor_id or a.name and a.name == b.name:
        return True
    names = sorted((a.name or "", b.name or ""), key=len)
    return " " not in names[0] and names[0].istitle() and names[1].endswith(" " + names[0])


def _distinct_actors(a, b) -> bool:
    """Are these two sides known to be different actors (not merely one unnamed)?"""
    return bool(a and b and (a.actor_id or a.name) and (b.actor_id or b.name) and not _same_actor(a, b))


def _speaker(q: Quote) -> EventActor:
    return EventActor(q.speaker_text or "", q.speaker or q.speaker_text, q.speaker_id)


def _quote_dates(ann: AnnotatedArticle) -> list[tuple[int, int, str, EventActor]]:
    """(start, end, date, speaker) of the quotes whose attribution dates them ("..., he said at a Tuesday
    rally.", "Rubio said on Sunday: ..."): every sentence of the quote was said then."""
    text, pub = ann.article.text, _published(ann)
    out = []
    for q in ann.quotes:
        for tx in ann.timexes:
            # after the quote, or between its parts (`"...," Schiff told reporters on Wednesday, "..."`)
            after = q.end <= tx.start <= q.end + _RECALL_CHARS and not _SENTENCE_END.search(text, q.end, tx.start) \
                or q.start < tx.start < q.end and _QUOTE_MARK.subn("", text[q.start:tx.start])[1] % 2 == 1
            # before the quote, after its verb ("Brandt, who lost the 2019 election, said ..." is no date)
            cue = text.rfind(q.cue, max(0, q.start - _RECALL_CHARS), q.start) if q.cue else -1
            before = 0 <= cue < tx.start < q.start and not _SENTENCE_END.search(text, tx.end, q.start)
            value = timex_event_date(ann, tx) if after or before else None
            if value and (pub is None or (_last_day(value) or pub) <= pub + dt.timedelta(days=1)):
                out.append((q.start, q.end, value, _speaker(q)))
                break
    return out


@dataclass(frozen=True)
class _Dated:
    """A happening the text dates: an event mention dated by its own clause, or a sentence with one time and
    a cue of this type ("Even as gunmen attacked the compound on 11 September 2012, ...")."""

    start: int  # its sentence's offset
    date: str
    plover: str
    words: frozenset[str] = frozenset()  # base forms of its trigger ("attack" of "attacked")
    source: EventActor | None = None
    place: tuple = (None, None, None, None)  # name, country, lat, lon


def _text_dated(ann: AnnotatedArticle, sents, taken: set[tuple[int, str]]) -> list[_Dated]:
    """The dated verb cues of sentences with a single time the coded events do not already give."""
    pub = _published(ann)
    starts = [s.start_char for s in sents]
    values: dict[int, list[str]] = {}
    for tx in ann.timexes:
        value = timex_event_date(ann, tx)
        if value and (pub is None or (_last_day(value) or pub) <= pub):
            values.setdefault(bisect.bisect(starts, tx.start) - 1, []).append(value)
    out = []
    for si, vs in values.items():
        if len(vs) != 1 or si < 0:
            continue
        sent = sents[si]
        where = _locative_place(ann, sent.start_char, sent.end_char)
        for cue in find_cues([t.lower_ for t in sent], [t.tag_ for t in sent]):
            plover = to_plover(cue.code)[0]
            verbs = [sent[i] for i in cue.tokens if sent[i].tag_.startswith("VB")]  # "terrorists attacked"
            if verbs and (sent.start_char, plover) not in taken:
                out.append(_Dated(sent.start_char, vs[0], plover, frozenset(lemmas(verbs[0].lower_)), None, where))
    return out


def _words(trigger: str) -> frozenset[str]:
    return frozenset(b for w in trigger.lower().split() if len(w) > 3 for b in lemmas(w))


def sure_places(ann: AnnotatedArticle, lo: int, hi: int) -> list[tuple[int, int, Place, bool]]:
    """(start, end, place, in a locative phrase?) of the places named between these offsets that the
    gazetteer placed surely, outside organisations' names (a place inside one, "Co-operation in Europe",
    is no location of an event)."""
    text = ann.article.text
    orgs = [(m.start, m.end) for m in ann.mentions if m.label in ("ORG", "KB", "FAC")]
    return [(s, e, p, bool(LOCATIVE.search(text[max(lo, s - 30):s]))) for p in ann.places
            if p.score >= MIN_PLACE_SCORE for s, e in p.spans
            if lo <= s < hi and not any(a < s < b for a, b in orgs)]


def _locative_place(ann: AnnotatedArticle, lo: int, hi: int) -> tuple:
    """(name, country, lat, lon) of the first place of a locative phrase ("in Benghazi") between these
    offsets; Nones without one."""
    first = min(((s, p) for s, _, p, loc in sure_places(ann, lo, hi) if loc), key=lambda x: x[0], default=None)
    return (first[1].name, first[1].country, first[1].lat, first[1].lon) if first else (None, None, None, None)


def _refers_back(e: EventMention, sents) -> frozenset[str]:
    """The base forms of the nouns by which the mention's sentence names happenings told of before ("the
    attacks", "killed in that raid")."""
    sent = next((s for s in sents if s.start_char == e.start), None)
    out: set[str] = set()
    if sent is None:
        return frozenset()
    for t in sent:
        if t.tag_ in ("NN", "NNS"):
            before = list(sent.doc[max(sent.start, t.i - 3):t.i])
            det = max((k for k, b in enumerate(before) if b.lower_ in _DEFINITE), default=None)
            if det is not None and not any(b.tag_.startswith("VB") for b in before[det:]):
                out |= _words(t.lower_)
    return frozenset(out)


def date_continuations(ann: AnnotatedArticle, events: list[tuple[int, EventMention]], sents) -> list[tuple[int, EventMention]]:
    """`events` (sentence index, mention; `sents` the article's sentence spans) with the mentions their own
    clause does not date dated by the article, nearest reading first: the occasion their quote was said
    at; their source's dated occasion (for words it says, that of the sentence next to them, even a past
    one: "Smith spoke at last month's convention ... 'I blame ...', Smith said"; one of the week before
    publication anywhere when the report has no news day, which would date its current acts); the dated
    happening of their type they refer back to ("the attacks": the nearest one told of before, if it is
    dated), one at their place, or, when the report has no news day, one within two sentences. They take its place too when they have none of their own (or only the dateline, for a past
    happening). A date after publication (a plan's) dates nothing else; without a publication date only a
    quote's occasion and a reference back apply. A past year is then made the one day of it the article gives to the same happening ("in 2012" ... "on
    11 September 2012")."""
    starts = [s.start_char for s in sents]

    def index(pos: int) -> int:
        return bisect.bisect(starts, pos) - 1

    dated = [_Dated(e.start, e.date, e.plover, _words(e.trigger), e.source,
                    (e.place, e.place_country, e.place_lat, e.place_lon))
             for _, e in events if not e.date_inferred and e.date]
    if any(e.date_inferred for _, e in events):
        dated += _text_dated(ann, sents, {(d.start, d.plover) for d in dated})
    told = [(e.start, e.plover, _words(e.trigger)) for _, e in events if e.date_inferred]
    quotes = _quote_dates(ann)
    # the report dates its news (in the lead, or the publication day itself: "voted Thursday" in Thursday's paper)
    news = news_day(ann)[0] is not None or any(
        tx.start < _LEAD_CHARS and timex_event_date(ann, tx) == (ann.article.published or "")[:10] for tx in ann.timexes)
    out = list(events)
    # in reading order: a mention dated as a past happening dates in turn the ones that continue the
    # telling of it ("... hours after the initial attack. Two Americans were killed at each location.")
    for k in sorted(range(len(out)), key=lambda k: out[k][1].start):
        si, e = out[k]
        if e.date_inferred:
            e = _continue(ann, e, dated, told, quotes, index, news, _refers_back(e, sents))
            if not e.date_inferred and e.date and recalled(ann, e.date, False):
                dated.append(_Dated(e.start, e.date, e.plover, _words(e.trigger), e.source,
                                    (e.place, e.place_country, e.place_lat, e.place_lon)))
        out[k] = (si, _refine_year(ann, e, dated))
    return out


def _continue(ann, e: EventMention, dated: list[_Dated], told, quotes, index, news: bool,
              back: frozenset[str]) -> EventMention:
    """`e` dated by the first reading of `date_continuations` that applies (`told`: the undated mentions;
    `news`: the article has a news day; `back`: the base forms of the nouns by which `e` refers back to a
    happening told of before)."""
    gap = lambda a: abs(index(a.start) - index(e.start))  # noqa: E731
    current = lambda a: not recalled(ann, a.date, False)  # noqa: E731
    # a time of another clause of its sentence is not its; nor is a time after publication (a plan's)
    dated = [a for a in dated if a.start != e.start and not _after_publication(ann, a.date)]
    # without a publication date nothing is known to be current: only what refers to a happening dates it
    known = _published(ann) is not None
    # what the quoted words do (an accusation, a demand) was done when they were said; a material act they
    # report ("80 people were killed, the minister said early Friday") happened before
    verbal = e.quad_class in (1, 3)
    said = [d for s, end, d, _ in quotes if s < e.end and e.start < end] if verbal else []
    if said:
        return replace(e, date=said[0], date_inferred=False)
    src = e.source
    # words the source says in this sentence continue its occasion of the sentence before, even a past one
    # ("Smith spoke at last month's convention ... 'I blame ...,' Smith said"); a past act of it does not
    # date its other acts ("he refused last year" ... "he will refuse"), nor does a current one where the
    # report has a news day
    speaks = verbal and any(q.start < e.end and e.start < q.end and _same_actor(_speaker(q), src) for q in ann.quotes)
    # with a news day, which dates its other current acts, only its occasion of the sentence next to it
    own = [a for a in dated if _same_actor(a.source, src) and (current(a) and known and not news or speaks and gap(a) <= 1)]
    own_quotes = [(abs(s - e.start), d) for s, _, d, who in quotes if _same_actor(who, src)
                  and not recalled(ann, d, False) and (known and not news or abs(index(s) - index(e.start)) <= 1)]
    if own:
        return _take(ann, e, min(own, key=lambda a: abs(a.start - e.start)))
    if own_quotes:
        return replace(e, date=min(own_quotes)[1], date_inferred=False)
    # its own place (a dateline, every current event's, says nothing of which happening it is)
    here = lambda a: bool(e.place and e.place in e.sentence and a.place[0] == e.place)  # noqa: E731
    # "the attack": the nearest happening of that name and type told of before, dated or not (an undated
    # one is the report's news, which the attack continues); where the report has news of that name, it
    # is that news, not a past one told of in between
    prior: list[tuple[int, int, _Dated | None]] = [(a.start, 1, a) for a in dated if a.plover == e.plover and a.start < e.start and back & a.words]
    prior += [(s, 0, None) for s, p, w in told if p == e.plover and s < e.start and back & w]
    if news and any(a is None or current(a) for *_, a in prior):
        prior = [x for x in prior if x[2] is None or current(x[2])]
    referent = max(prior, key=lambda x: x[:2])[2] if prior else None
    same = [a for a in dated if a.plover == e.plover and not _distinct_actors(a.source, src)
            and (a is referent or known and (here(a) and (current(a) or not news)
                                             or gap(a) <= _NEAR_SENTENCES and not news))]
    if same:
        return _take(ann, e, min(same, key=lambda a: (not here(a), abs(a.start - e.start))))
    return e


def _after_publication(ann: AnnotatedArticle, date: str) -> bool:
    pub, first = _published(ann), _first_day(date)
    return pub is not None and first is not None and first > pub


def _take(ann, e: EventMention, a: _Dated) -> EventMention:
    """`e` dated as `a`, and placed there when it has no place of its own (a dateline is no place of a past
    happening)."""
    fill: dict[str, Any] = {"date": a.date, "date_inferred": False}
    if e.place is None or (e.place not in e.sentence and recalled(ann, a.date, False)):
        fill.update(zip(("place", "place_country", "place_lat", "place_lon"), a.place, strict=True))
    return replace(e, **fill)


def _refine_year(ann: AnnotatedArticle, e: EventMention, dated: list[_Dated]) -> EventMention:
    """A past event dated by a year alone, on the one day of that year the article gives to the same
    happening: a sentence with a happening of its type, or naming its place ("the 2012 crisis in Benghazi"
    ... "the Benghazi outpost on September 11th, 2012")."""
    if e.date_inferred or not e.date or not re.fullmatch(r"\d{4}", e.date) or not recalled(ann, e.date, False):
        return e
    text = ann.article.text
    kinds = {a.start for a in dated if a.plover == e.plover}
    # the place's names as written ("the CIA Benghazi outpost" is no place span: it is in a name)
    names = {e.place or ""} | {m for p in ann.places if p.name == e.place for m in p.mentions}
    place = re.compile("|".join(rf"\b{re.escape(n)}\b" for n in names)) if e.place else None
    days = set()
    for tx in ann.timexes:
        value = timex_event_date(ann, tx)
        if not value or not _DAY.fullmatch(value) or value[:4] != e.date:
            continue
        lo, hi = _sentence_at(text, tx.start)
        if place and place.search(text, lo, hi) or any(lo <= k < hi for k in kinds):
            days.add(value)
    return replace(e, date=days.pop()) if len(days) == 1 else e
