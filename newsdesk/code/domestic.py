"""Countries of actors the sentence names without one: "rebels", "police", "President X" whom the KB does
not know, ethnic groups ("ethnic Albanians" in Serbia). They take the country where the sentence puts
the event, else that of the other side of a domestic event, else the first country the sentence names."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from newsdesk.records import EventActor

__all__ = ["LOCATIVE", "fill_domestic", "implicit_police", "iso3", "sentence_countries"]

LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside|across|throughout)\s+(?:the\s+)?(?:(?:north|south|east|west)"
                      r"(?:ern)?\s+|(?:north|south)-?(?:east|west)(?:ern)?\s+|central\s+)?$", re.IGNORECASE)
_TRANSNATIONAL = ("IGO", "NGO", "IMG", "MNC")
# "pro-Moscow", "anti-American": the country a side is for or against, not where anything happens
_STANCE = re.compile(r"\b(?:pro|anti)-$", re.IGNORECASE)
# event roots whose two sides are usually of one country when one side has none: a government allowing,
# ordering, accusing, rejecting, being protested against, coercing, assaulting its own people
_STATE = {"GOV", "MIL", "DIP", "COP", "JUD", "LEG", "SPY"}
_DOMESTIC_ROOTS = {"08", "10", "11", "12", "14", "17", "18"}


@lru_cache(maxsize=512)
def iso3(alpha2: str) -> str | None:
    import pycountry

    hit = pycountry.countries.get(alpha_2=alpha2.upper())
    return hit.alpha_3 if hit else None


def _sentence_span(ctx) -> tuple[int, int]:
    return ctx.offset, ctx.chars(ctx.doc[-1])[1] if len(ctx.doc) else ctx.offset


def _countries(ctx) -> tuple[list[str], list[str]]:
    """(countries of the places the sentence puts something in: "in Serbia", "at a jail in Dili";
    countries of the other places and countries it names), each in order."""
    lo, hi = _sentence_span(ctx)
    text = ctx.ann.article.text
    located, named = [], []
    for p in ctx.ann.places:
        c = iso3(p.country) if p.country else None
        for s, _e in p.spans:
            if c and lo <= s < hi and not _STANCE.search(text[max(lo, s - 5):s]):
                (located if LOCATIVE.search(text[max(lo, s - 30):s]) else named).append((s, c))
    for m in ctx.ann.mentions:
        a = ctx.actors.get(m.actor_id) if m.actor_id else None
        if a is not None and a.kind == "country" and a.country and lo <= m.start < hi \
                and not _STANCE.search(text[max(lo, m.start - 5):m.start]):
            named.append((m.start, a.country))
    return [c for _, c in sorted(located)], [c for _, c in sorted(named)]


def sentence_countries(ctx, exclude: tuple[str, ...] = ()) -> list[str]:
    """Countries of the sentence, best first: where it puts something, then the others it names."""
    located, named = _countries(ctx)
    return [c for c in dict.fromkeys(located + named) if c not in exclude]


def _needs_country(a: EventActor | None) -> bool:
    """A side with a role or group noun ("rebels", "President X") but no country."""
    return a is not None and not a.country and a.sector is not None and a.sector not in _TRANSNATIONAL


def _other_country(others: list[EventActor]) -> str | None:
    return next((o.country for o in others if o and o.country and not o.country.startswith(_TRANSNATIONAL)
                 and len(o.country) == 3), None)


def fill_domestic(ctx, code: str, sources: list[EventActor], targets: list[EventActor]):
    """(sources, targets) with a country for every side that has a role but none."""
    if code[:2] == "14" and not any(t.country for t in targets):
        targets = _protested(ctx, sources) or targets
    if not any(_needs_country(a) for a in sources + targets):
        return sources, targets
    located, named = _countries(ctx)

    def fill(a: EventActor, others: list[EventActor]) -> EventActor:
        if not _needs_country(a):
            return a
        other = _other_country(others)
        if code[:2] in _DOMESTIC_ROOTS:
            country = next(iter(located), None) or other or next(iter(named), None)
        else:  # two countries are the rule: where it happens, else not the other side's ("Syria
            # expelled the envoy"); with no other side's country to tell them apart, a country named
            # is as likely the other side's ("X called on the administration to confront Russia")
            country = next(iter(located), None) or (next((c for c in named if c != other), None) if other else None)
        return replace(a, country=country) if country else a

    sources = [fill(s, targets) for s in sources]
    targets = [fill(t, sources) for t in targets]
    return sources, targets


def _protested(ctx, sources: list[EventActor]) -> list[EventActor]:
    """A protest that names no target is against the protesters' own government (PLOVER codes it so);
    a state's walkout or diplomats' protest is against someone the sentence does not say."""
    countries = {s.country for s in sources if s.country and len(s.country) == 3
                 and not s.country.startswith(_TRANSNATIONAL) and s.sector not in _STATE
                 and not (s.sector is None and s.actor_id)}
    if len(countries) != 1:  # none, or protesters of several countries: whose government is unclear
        return []
    country = countries.pop()
    entry = ctx.kb.get(country) if ctx.kb is not None else None
    return [EventActor(entry.name if entry is not None else country, None, None, country, "GOV")]


def implicit_police(ctx) -> list[EventActor]:
    """The doer of an arrest the sentence gives no agent ("was arrested in Rwanda"): the police of the
    country where it happened (a state arrests), when the sentence says where."""
    located, _ = _countries(ctx)
    if not located:
        return []
    entry = ctx.kb.get(located[0]) if ctx.kb is not None else None
    return [EventActor("police", f"{entry.name if entry is not None else located[0]} police", None, located[0], "COP")]
