"""Mentions of other happenings. A report of one event often recalls another ("in November she led the
delegates out of the OSCE meeting in Skopje"): each coded mention whose date, as read from the text to the day
or the month, lies away from its article's own date is linked to the stored event of that date whose reports'
words its sentence shares most. The event then lists the later reports that recall it (`mentioned_in`) and the
article every event it reports (`event_ids`, its main event first).

A mention is linked when its sentence names one of the rare words (a place, a body, a person: Zipf frequency
below 3) among the event's `DISTINCTIVE_TERMS` heaviest terms, and its term vector has cosine at least
`MENTION_THRESHOLD` with the event's summed terms. Without the rare word, month-dated asides in running
coverage ("in December, Trump said…") matched whatever the same candidates did that month. Reports are taken
to appear up to `REPORT_LAG_DAYS` after what they report, so an event first reported the day after it happened
still matches the day the sentence gives."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from newsdesk.cluster.features import (
    LEAD_NAME_IDF,
    NAME_BOOST,
    NUMBER_BOOST,
    TOKEN,
    cosine,
    idf,
    normalise,
    report_date,
    term_vector,
)

MENTION_THRESHOLD = 0.2
REPORT_LAG_DAYS = 2
DISTINCTIVE_TERMS = 30


def date_span(value: str | None) -> tuple[date, date] | None:
    """The days a mention's date covers: 'YYYY-MM-DD' one day, 'YYYY-MM' its month; coarser dates (a week, a
    year) say too little to name one happening."""
    v = value or ""
    try:
        if len(v) == 10:
            d = date.fromisoformat(v)
            return d, d
        if len(v) == 7 and v[4] == "-":
            y, m = int(v[:4]), int(v[5:])
            return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    except ValueError:
        return None
    return None


def other_happenings(article: dict[str, Any]) -> list[tuple[int, dict[str, Any], tuple[date, date]]]:
    """(position, mention, days) of the article's mentions dated away from the article's own date."""
    own, _ = report_date(article)
    if not own:
        return []
    day = date.fromisoformat(own)
    out = []
    for pos, m in enumerate(article.get("events") or []):
        span = date_span(m.get("date")) if not m.get("date_inferred") else None
        if span and not (span[0] - timedelta(days=1) <= day <= span[1] + timedelta(days=REPORT_LAG_DAYS)):
            out.append((pos, m, span))
    return out


def distinctive_terms(terms: dict[str, float]) -> set[str]:
    """The rare words (a place, a body, a name: `features.LEAD_NAME_IDF`) among an event's heaviest terms."""
    top = sorted(terms.items(), key=lambda kv: -kv[1])[:DISTINCTIVE_TERMS]
    return {w for w, _ in top if idf(w) >= LEAD_NAME_IDF}


def recalled(article: dict[str, Any]) -> set[int]:
    """Positions of the article's mentions of other happenings than the one it reports."""
    return {pos for pos, _, _ in other_happenings(article)}


def mention_links(store, article: dict[str, Any], own_event: str | None) -> list[tuple[int, str, float]]:
    """(position, event id, score) for each of the article's mentions of another stored happening."""
    links = []
    # several mentions of one sentence, or of one month, share their candidates: looked up and prepared once
    candidates: dict[tuple[date, date], list[tuple[str, set[str], dict[str, float]]]] = {}
    for pos, m, (lo, hi) in other_happenings(article):
        if (lo, hi) not in candidates:
            candidates[lo, hi] = [
                (ev["id"], distinctive_terms(ev["terms"]), normalise(ev["terms"]))
                for ev in store.events_between(lo.isoformat(), (hi + timedelta(days=REPORT_LAG_DAYS)).isoformat())
                if ev["id"] != own_event]
        vector = term_vector(m.get("sentence") or "", name_boost=NAME_BOOST, number_boost=NUMBER_BOOST)
        words = {t.lower() for t in TOKEN.findall(m.get("sentence") or "")}
        best, best_score = None, MENTION_THRESHOLD
        for event_id, rare, terms in candidates[lo, hi]:
            s = cosine(vector, terms) if words & rare else 0.0
            if s >= best_score:
                best, best_score = event_id, s
        if best is not None:
            links.append((pos, best, round(best_score, 4)))
    return links


def link_mentions(store, articles: dict[str, dict[str, Any]], events: list[dict[str, Any]] | None = None) -> int:
    """Link the mentions of other happenings of `articles` (id -> stored article), and of every stored article
    mentioning a date inside the span of `events` (which may be the happening they recall). Returns the number
    of links stored."""
    ids = dict.fromkeys(articles)
    days = [d for e in events or [] for d in (e.get("date_min"), e.get("date_max")) if d]
    if days:
        lo = (date.fromisoformat(min(days)[:10]) - timedelta(days=REPORT_LAG_DAYS)).isoformat()
        ids.update(dict.fromkeys(store.articles_mentioning_between(lo, max(days))))
    found = {}
    for aid in ids:
        article = articles.get(aid) or store.get_article(aid)
        found[aid] = mention_links(store, article, store.event_of(aid))
    store.save_mention_links(found)
    return sum(len(v) for v in found.values())
