"""Storylines: which earlier event's story a new event continues. An event is one happening; a storyline links
the happenings that follow from one another (a letter to the electoral commission and the warrant two days
later, a debate and the reactions to it the next week) into one timeline.

A new event continues the story of the earlier event, among those sharing a person with it whose first date lies
within `ClusterConfig.story_window_days`, whose *subject* is closest, when that cosine reaches
`ClusterConfig.story_threshold`. The subject is what the terms say once who, where and when are taken out: every
report of a campaign names both candidates (often the country and a weekday too), and with names weighing three
times a word those would tie any two of its stories together. So the words naming the new report's people and
countries (their names and the phrases it refers to them by, 'opposition leader', possessives included) and
those of the dates it gives ('on Tuesday') are dropped from both vectors, and a term most of the compared events
carry weighs less (`features.store_weights` over those events, as in the settle step). The new report counts
every word alike wherever it stands (`recalled`): a follow-up recalls what it follows further down, in words
the earlier event's reports lead with. What is left, the letter, the commission, the voters' roll, is what ties
a warrant to the letter it follows; the threshold was set on reports written for tests/test_stories.py (related
happenings 0.15-0.7, unrelated ones of the same people at most 0.09)."""

from __future__ import annotations

from typing import Any

from newsdesk.cluster.features import (
    NAME_BOOST,
    NUMBER_BOOST,
    TOKEN,
    cosine,
    document_frequency,
    normalise,
    reweight,
    store_weights,
    term_vector,
)

# what says who, where and when rather than what: people, the countries (continents) a whole period of coverage
# takes place in, and the dates every report gives ('on Tuesday')
WHO_KINDS = frozenset({"person", "country"})
WIDE_PLACES = frozenset({"country", "continent"})
WHEN_TYPES = frozenset({"DATE", "TIME"})


def setting_words(article: dict[str, Any]) -> frozenset[str]:
    """The words (lower-cased) naming the article's people and countries, with the phrases it refers to them
    by, and those of the dates and times it gives."""
    phrases = [t.get("text") or "" for t in article.get("timexes") or [] if t.get("type") in WHEN_TYPES]
    for actor in article.get("actors") or []:
        if actor.get("kind") in WHO_KINDS:
            phrases += [actor.get("name") or "", *(actor.get("mentions") or [])]
    for place in article.get("places") or []:
        if place.get("feature") in WIDE_PLACES:
            phrases += [place.get("name") or "", *(m.get("text") or "" for m in place.get("mentions") or [])]
    return frozenset(t.lower() for phrase in phrases for t in TOKEN.findall(phrase))


def subject(terms: dict[str, float], who: frozenset[str], weights: dict[str, float]) -> dict[str, float]:
    """`terms` without the words in `who` (a possessive "mwanza's" too), each term times its weight in
    `weights`, L2-normalised."""
    kept = {w: x for w, x in terms.items()
            if w not in who and w.removesuffix("'s").removesuffix("\u2019s") not in who}
    return reweight(normalise(kept), weights)


def recalled(article: dict[str, Any]) -> dict[str, float]:
    """The article's term vector for comparing with earlier events: every word counting alike wherever it stands,
    since a follow-up recalls what it follows further down ('the charge concerns his letter to the electoral
    commission on Monday'), where the vector the clusterer compares (`report.features`) counts it little."""
    text = "\n".join(x for x in (article.get("title"), article.get("text")) if x)
    return term_vector(text, name_boost=NAME_BOOST, number_boost=NUMBER_BOOST)


def continued(article: dict[str, Any], event_id: str, candidates: list[dict[str, Any]],
              threshold: float) -> dict[str, Any] | None:
    """The candidate event (earlier events sharing a person, as `Store.story_candidates` returns them) whose
    story the event `event_id` that `article` starts continues: the closest in subject at `threshold` or above,
    the latest of equals; None when there is none."""
    others = [ev for ev in candidates if ev["id"] != event_id and ev.get("story_id")]
    if not others:
        return None
    terms = recalled(article)
    weights = store_weights(document_frequency([terms, *(ev["terms"] for ev in others)]), len(others) + 1)
    who = setting_words(article)
    mine = subject(terms, who, weights)
    best, best_s = None, threshold
    for ev in others:  # latest first: a tie goes to the latest event
        s = cosine(mine, subject(ev["terms"], who, weights))
        if s > best_s or (best is None and s >= best_s):
            best, best_s = ev, s
    return best


def story_for(store, event: dict[str, Any], article: dict[str, Any], threshold: float,
              window_days: int) -> tuple[str, str]:
    """The story id of a new event (and a title when the story is new: the article's title, else its first
    80 characters): the story of the event it continues (`continued`), else a new one named after `article`."""
    candidates = store.story_candidates(list(event["actors"]), event["date_min"], window_days)
    best = continued(article, event["id"], candidates, threshold)
    if best is not None:
        return best["story_id"], ""
    return "s" + article["id"], (article.get("title") or article["text"][:80]).strip()
