"""Single-pass incremental clustering: each new article joins its best candidate event (found by blocking on
rare terms and a date window) when the combined score passes the threshold, else starts a new event.

Score = cosine(article terms, event centroid)
        - year_penalty  when both name years and share none
        (none at all when both sides have publication dates and the event's with the article's would span
                        more than date_window_days: the window is strict)
        - date_penalty  otherwise, when the article is dated more than text_date_window_days from the
                        event's first date (a side dated only by a date read from its text)
        - cameo_penalty when the CAMEO roots of the article's first coded events and the event's share none
        - scene_penalty when the countries where those events took place and the event's share none
        + actor_bonus * Jaccard(people)
The defaults were set on the first half of the ECB+ dev split (../shared/eval/cluster, file order) and
checked on the second half, with the seeds' clusters checks and the samples as constraints (two walkouts
years apart, and an appeal three weeks after the sanctions it recalls, are other events): README
"Clustering"."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from newsdesk.cluster.features import Features, cosine, idf, normalise
from newsdesk.cluster.report import features
from newsdesk.cluster.stories import story_for

STATE_TERMS = 300


@dataclass(frozen=True)
class ClusterConfig:
    """Clustering thresholds (README "Clustering"); `recluster` uses the same ones.

    Args:
        threshold: least score for an article to join an event (else it starts one).
        year_penalty: both texts name years and share none.
        date_window_days: most days an event's publication dates may span: an article that would stretch
            them further is another event (an appeal three weeks after the sanctions it recalls).
        text_date_window_days: the same window when a side is dated only by a date read from its text,
            which may be a follow-up's or a misreading: wide, so the text decides.
        published_date_penalty: unused (the publication-date window is strict); kept so that configurations
            naming it still load.
        date_penalty: outside `text_date_window_days`.
        cameo_penalty: the CAMEO roots of the article's first coded events and of the event's share none.
        scene_penalty: the countries where those events took place share none.
        actor_bonus: times the Jaccard overlap of the people named.
        story_threshold: least cosine of subjects (people, countries and dates left out: `stories.py`) for a new
            event to continue the story of an earlier one sharing a person.
        story_window_days: most days between the first dates of two events of a story that link directly
            (a story runs longer through the events between); it bounds the events a new one is compared
            with, so the cost of placing it does not grow with the store.
    """

    threshold: float = 0.23
    year_penalty: float = 0.1
    date_window_days: int = 14
    text_date_window_days: int = 90
    published_date_penalty: float = 1.0
    date_penalty: float = 0.3
    cameo_penalty: float = 0.1
    scene_penalty: float = 0.1
    actor_bonus: float = 0.05
    story_threshold: float = 0.15
    story_window_days: int = 180

    @property
    def search_window_days(self) -> int:
        """How far from an article's date candidate events are looked up."""
        return max(self.date_window_days, self.text_date_window_days)


def days_apart(a: str, b: str) -> int:
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def score(f: Features, event: dict[str, Any], cfg: ClusterConfig) -> float:
    terms = event["terms"]
    s = cosine(f.vector, terms) / (math.sqrt(sum(x * x for x in terms.values())) or 1.0)
    years = set(event["years"])
    if f.years and years and not (f.years & years):
        s -= cfg.year_penalty
    # measured from the event's first date, so a chain of daily stories cannot stretch one event; strictly
    # only when both dates are publication dates, since a date read from the text is often not the event's
    published = event.get("published") or []
    if f.published and published:
        # the event's publication dates with this one may span at most the window: whatever the words, a report
        # filed weeks after another is of another happening (a follow-up of the same one belongs to its story)
        if max(f.date, published[-1]) > min(f.date, published[0]) and \
                days_apart(max(f.date, published[-1]), min(f.date, published[0])) > cfg.date_window_days:
            return float("-inf")
    elif f.date and event.get("date_min") and days_apart(f.date, event["date_min"]) > cfg.text_date_window_days:
        s -= cfg.date_penalty
    roots = event.get("roots") or {}
    if f.roots and roots and not (f.roots & set(roots)):
        # an appeal is no sanction, even on the same subject a few days apart
        s -= cfg.cameo_penalty
    scenes = event.get("scenes") or {}
    if f.scenes and scenes and not (f.scenes & set(scenes)):
        # a walkout at a summit in one country is not the walkout at a council in another
        s -= cfg.scene_penalty
    people = set(event["actors"])
    if f.actors and people:
        s += cfg.actor_bonus * len(f.actors & people) / len(f.actors | people)
    return s


def block_terms(vector: dict[str, float]) -> list[str]:
    """The article's most distinctive terms: heavy in the vector and rare in the language."""
    return [w for w, _ in sorted(vector.items(), key=lambda kv: -kv[1]) if idf(w) >= 3.0][:12]


class Clusterer:
    """Adds stored articles to events one at a time; state lives in the store, so runs can resume."""

    def __init__(self, store, config: ClusterConfig | None = None) -> None:
        self.store = store
        self.cfg = config or ClusterConfig()

    def add(self, article: dict[str, Any]) -> str:
        """Cluster one stored article (as `Store.get_article` returns it); returns its event id."""
        existing = self.store.event_of(article["id"])
        if existing:
            return existing
        f = features(article)
        cands = self.store.cluster_candidates(block_terms(f.vector), f.date, self.cfg.search_window_days)
        best, best_score = None, float("-inf")
        for ev in cands:
            s = score(f, ev, self.cfg)
            if s > best_score or (s == best_score and best is not None and ev["id"] < best["id"]):
                best, best_score = ev, s
        if best is not None and best_score >= self.cfg.threshold:
            return self.join(article, f, best, best_score)["id"]
        return self.start(article, f)["id"]

    def join(self, article: dict[str, Any], f: Features, event: dict[str, Any], s: float) -> dict[str, Any]:
        """Record the article as a report of `event`; returns the event's new state."""
        event = add_report(event, f)
        self.store.save_cluster(event, article["id"], round(s, 4), block_terms(normalise(event["terms"])))
        return event

    def start(self, article: dict[str, Any], f: Features, event_id: str | None = None) -> dict[str, Any]:
        """Start a new event with the article (id `event_id`, by default "e" + article id) and place it in a
        story."""
        event = fold([f], event_id or "e" + article["id"])
        event["story_id"], title = story_for(self.store, event, article, self.cfg.story_threshold,
                                             self.cfg.story_window_days)
        self.store.save_cluster(event, article["id"], None, block_terms(normalise(event["terms"])),
                                story=(event["story_id"], title))
        return event


def fold(feats: list[Features], event_id: str = "") -> dict[str, Any]:
    """The state of an event with these reports, as the store keeps it."""
    event: dict[str, Any] = {"id": event_id, "n_articles": 0, "terms": {}, "years": {}, "actors": {},
                             "places": {}, "dates": [], "date_min": None, "date_max": None, "published": [],
                             "roots": {}, "scenes": {}}
    for f in feats:
        event = add_report(event, f)
    return event


def add_report(event: dict[str, Any], f: Features) -> dict[str, Any]:
    terms = dict(event["terms"])
    for w, x in f.vector.items():
        terms[w] = terms.get(w, 0.0) + x
    if len(terms) > STATE_TERMS:
        terms = dict(sorted(terms.items(), key=lambda kv: -kv[1])[:STATE_TERMS])
    dates = sorted(set(event["dates"]) | ({f.date} if f.date else set()))
    published = sorted(set(event.get("published") or []) | ({f.date} if f.published else set()))
    return {
        **event, "terms": terms, "n_articles": event["n_articles"] + 1,
        "years": dict(Counter(event["years"]) + Counter(f.years)),
        "actors": dict(Counter(event["actors"]) + Counter(f.actors)),
        "places": dict(Counter(event["places"]) + Counter(f.places)),
        "roots": dict(Counter(event.get("roots") or {}) + Counter(f.roots)),
        "scenes": dict(Counter(event.get("scenes") or {}) + Counter(f.scenes)),
        "dates": dates[:50], "date_min": dates[0] if dates else None, "date_max": dates[-1] if dates else None,
        "published": published[:50],
    }
