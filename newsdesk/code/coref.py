"""Who a pronoun or a lone surname stands for: the speaker the quote attribution found, the subject of the
verb of saying it reports for, else the last actor named before it of a kind it can stand for."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from newsdesk.records import EventActor

if TYPE_CHECKING:
    from newsdesk.code.arguments import Context

__all__ = ["PRONOUNS", "TRANSNATIONAL", "as_event_actor", "by_surname", "pronoun"]

_SUBJ = {"nsubj", "nsubjpass", "csubj"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "him", "her", "them", "us", "its", "their", "his", "me", "my",
            "our", "himself", "herself", "themselves", "myself"}
_FIRST_PERSON = {"i", "we", "us", "my", "our", "me", "myself"}
TRANSNATIONAL = {"IGO", "NGO", "IMG", "MNC"}


def as_event_actor(actor, text: str, sector: str | None) -> EventActor:
    """The KB or article actor `actor` as a side written `text` (an IGO or a transnational group keeps its
    own sector)."""
    country, sec = actor.country, actor.sector
    if actor.kind == "igo":
        sec = "IGO"
    elif country and len(country) > 3 and country[:3] in TRANSNATIONAL:
        sec = country[:3]  # al-Qaeda (IMGMOSALQ) is a militant group, the Red Cross (NGOIRC) an NGO
    return EventActor(text=text, name=actor.name, actor_id=actor.id, country=country, sector=sec or sector)


def by_surname(ctx: Context, tok):
    """The person named in full earlier in the article whose surname this lone name is ("Adam Schiff
    ... Schiff called on ..."), when only one has it."""
    if tok.ent_iob_ == "I" or (tok.i + 1 < len(ctx.doc) and ctx.doc[tok.i + 1].tag_ == "NNP"):
        return None  # part of a longer name
    return person_by_surname(ctx.ann, tok.text, ctx.chars(tok)[0], ctx.actors)


def person_by_surname(ann, word: str, start: int, actors: dict | None = None):
    """The person named in full before offset `start` of the article whose surname is `word`, when only
    one has it (None otherwise). `actors`: the article's actors by id, when the caller has them."""
    actors = actors if actors is not None else {a.id: a for a in ann.actors}
    ids = {m.actor_id for m in ann.mentions if m.actor_id and m.start < start}
    hits = [a for a in actors.values() if a.id in ids and a.kind == "person" and " " in a.name
            and a.name.split()[-1] == word]
    return hits[0] if len(hits) == 1 else None


_PRONOUN_KINDS = {"he": ("person",), "him": ("person",), "his": ("person",), "himself": ("person",),
                  "she": ("person",), "her": ("person",), "herself": ("person",),
                  "it": ("country", "org", "igo"), "its": ("country", "org", "igo"),
                  "they": ("country", "org", "igo"), "them": ("country", "org", "igo"),
                  "their": ("country", "org", "igo"), "themselves": ("country", "org", "igo")}


def pronoun(ctx: Context, tok, resolve: Callable[..., list[EventActor]], depth: int = 0) -> list[EventActor]:
    """he/she/they/it/we: the speaker the quote attribution found for it, the speaker of a quote for I/we,
    the subject of a verb of saying it reports for ("Rebels said they would ..."), else the last actor
    named before it (in this sentence or an earlier one) of a kind it can stand for. `resolve` resolves
    the subject phrase (`code.arguments.resolve`)."""
    start, end = ctx.chars(tok)
    for q in ctx.ann.quotes:  # "..., he said": the quote attribution has resolved this very "he"
        if q.speaker_start == start and q.speaker_end == end and q.speaker_id in ctx.actors:
            return [as_event_actor(ctx.actors[q.speaker_id], tok.text, None)]
    if tok.lower_ in _FIRST_PERSON:
        for q in ctx.ann.quotes:
            if q.start <= start < q.end and q.speaker_id and q.speaker_id in ctx.actors:
                a = ctx.actors[q.speaker_id]
                return [as_event_actor(a, tok.text, None)]
    # "Rebels said they would ...": the subject of the verb whose reported clause holds the pronoun; not
    # in a speaker's own words ('"They attacked our convoy," the minister said': not the minister)
    text = ctx.ann.article.text
    quoted = any(q.kind == "direct" and q.start <= start < q.end and _inside_marks(text, q.start, start)
                 for q in ctx.ann.quotes)
    t = tok.head if tok.dep_ in ("nsubj", "nsubjpass", "poss") and not quoted else None
    while t is not None and t.dep_ in ("ccomp", "xcomp", "conj") and t.head.i != t.i:
        t = t.head
        subj = next((c for c in t.children if c.dep_ in _SUBJ and c.i != tok.i), None)
        if subj is not None and subj.lower_ not in PRONOUNS:
            return resolve(ctx, subj, depth + 1) if depth < 2 else []  # "our X said we ..."
    wanted = _PRONOUN_KINDS.get(tok.lower_)

    def fits(a: EventActor) -> bool:
        actor = ctx.actors.get(a.actor_id)
        return bool(a.country) and (wanted is None or (actor is not None and actor.kind in wanted))

    # the nearest actor before it in its own sentence; else the one the previous sentence is about (named
    # first, outside its quotes: "Other Republicans echoed ... Iraq and Syria. They criticized ...": the
    # Republicans), else the last one named before
    here = [a for a in reversed(_named_between(ctx, ctx.offset, start)) if fits(a)]
    prev = [a for a in _named_between(ctx, _sentence_start(ctx.ann.article.text, ctx.offset), ctx.offset, True)
            if fits(a)]
    a = next(iter(here + prev + [a for a in reversed(ctx.prev_actors) if fits(a)]), None)
    if a is None:
        return []
    actor = ctx.actors.get(a.actor_id)
    if actor is not None:
        return [as_event_actor(actor, tok.text, None)]
    return [EventActor(tok.text, a.name, a.actor_id, a.country, a.sector)]


def _inside_marks(text: str, quote_start: int, at: int) -> bool:
    """Is offset `at` inside quotation marks opened at or after `quote_start`? (A quote may be a whole
    reported clause with a few words quoted: 'said it supports the effort to "move swiftly"'.)"""
    return sum(text.count(m, max(0, quote_start - 1), at) for m in _MARKS) % 2 == 1


_MARKS = ('"', "\u201c", "\u201d")


def _named_between(ctx: Context, lo: int, hi: int, unquoted: bool = False) -> list[EventActor]:
    """Actors with a country named in [lo, hi) of the article, in order (`unquoted`: not inside a quote)."""
    quotes = [(q.start, q.end) for q in ctx.ann.quotes if q.kind == "direct"] if unquoted else []
    out = []
    for m in ctx.ann.mentions:
        if m.start >= hi:
            break
        a = ctx.actors.get(m.actor_id) if m.actor_id and m.start >= lo else None
        if a is not None and a.country and not any(s <= m.start < e for s, e in quotes):
            out.append(EventActor(m.text, a.name, a.id, a.country, a.sector))
    return out


# a sentence ends at . ! ? (and closing quotes) before a capital, not after an abbreviation ("Sen.", "U.S.")
_END = re.compile(r"(?<![A-Z][a-z])(?<![A-Z][a-z][a-z])(?<!\b[A-Z])(?<!\.[A-Za-z])[.!?][\"\u201d\u2019')]*\s+(?=[\"\u201c\u2018(]?[A-Z0-9])"
                  r"|\n")


def _sentence_start(text: str, offset: int) -> int:
    """Where the sentence before the one starting at `offset` starts (0 at the article's start)."""
    ends = [m.end() for m in _END.finditer(text, max(0, offset - 1500), max(0, offset - 1))]
    ends = [e for e in ends if text[e:offset].strip()]
    return ends[-1] if ends else max(0, offset - 1500)
