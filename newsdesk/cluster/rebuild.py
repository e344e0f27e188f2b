"""`recluster`: rebuild every event and story from the stored articles, with the hindsight a stream lacks.

A single pass in time order (as the incremental clusterer would run) is followed by what only a rebuild
can do: in up to `REASSIGN_ROUNDS` rounds, each article moves to the event that now scores it best, its own
event judged without it. A report that joined the wrong event early, when that event had one or two reports,
or that started an event of its own before its event's better reports arrived, is the main error of a single
pass. Every article's features are held in memory (at most 200 weighted terms each), and candidates come
from the same rare-term and date-window blocking as the store's. The result is written through the store in
time order, so stories link as they do incrementally."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from newsdesk.cluster.features import Features, features, normalise
from newsdesk.cluster.incremental import (
    ClusterConfig,
    Clusterer,
    add_report,
    block_terms,
    days_apart,
    fold,
    score,
)

REASSIGN_ROUNDS = 3


def withdraw(event: dict[str, Any], f: Features) -> dict[str, Any]:
    """The event's state without one of its reports (the inverse of `add_report`, up to the terms the
    state dropped as too light to keep)."""
    terms = {w: x - f.vector.get(w, 0.0) for w, x in event["terms"].items()}
    dates = [d for d in event["dates"] if d != f.date] if f.date else list(event["dates"])
    published = [d for d in event.get("published") or [] if not (f.published and d == f.date)]
    return {**event, "terms": {w: x for w, x in terms.items() if x > 1e-9}, "n_articles": event["n_articles"] - 1,
            "years": dict(Counter(event["years"]) - Counter(f.years)),
            "actors": dict(Counter(event["actors"]) - Counter(f.actors)),
            "places": dict(Counter(event["places"]) - Counter(f.places)),
            "roots": dict(Counter(event.get("roots") or {}) - Counter(f.roots)), "published": published,
            "scenes": dict(Counter(event.get("scenes") or {}) - Counter(f.scenes)),
            "dates": dates, "date_min": dates[0] if dates else None, "date_max": dates[-1] if dates else None}


class _Events:
    """Events in memory: members (article positions, in time order), state as the store keeps it, and a
    blocking index from rare terms to events, as the store's."""

    def __init__(self, feats: list[Features]) -> None:
        self.feats = feats
        self.members: dict[int, set[int]] = {}  # event key (the position of its first report) -> positions
        self.label: list[int] = [-1] * len(feats)
        self.state: dict[int, dict[str, Any]] = {}
        self.index: dict[str, set[int]] = {}

    def add(self, key: int, i: int) -> None:
        self.members.setdefault(key, set()).add(i)
        self.state[key] = add_report(self.state.get(key) or fold([]), self.feats[i])
        self.label[i] = key
        for t in block_terms(normalise(self.state[key]["terms"])):
            self.index.setdefault(t, set()).add(key)

    def remove(self, key: int, i: int) -> None:
        self.members[key].discard(i)
        if self.members[key]:
            self.state[key] = withdraw(self.state[key], self.feats[i])
        else:
            del self.members[key], self.state[key]

    def candidates(self, f: Features, window_days: int) -> list[int]:
        """Events sharing a rare term with `f` whose first date lies within the window of its date, as the
        store's blocking finds them incrementally."""
        keys: set[int] = set()
        for t in block_terms(f.vector):
            keys |= self.index.get(t, set())
        return sorted(k for k in keys if k in self.members and not (
            f.date and self.state[k]["date_min"] and days_apart(f.date, self.state[k]["date_min"]) > window_days))

    def best(self, f: Features, cfg: ClusterConfig, own: int | None = None) -> tuple[int | None, float]:
        """The event that scores `f` best; its own event, if it has one, judged without it."""
        best, best_s = None, float("-inf")
        for k in self.candidates(f, cfg.search_window_days):
            if k == own and len(self.members[k]) == 1:
                continue
            s = score(f, withdraw(self.state[k], f) if k == own else self.state[k], cfg)
            if s > best_s:
                best, best_s = k, s
        return best, best_s


def _single_pass(ev: _Events, cfg: ClusterConfig) -> None:
    for i, f in enumerate(ev.feats):
        best, best_s = ev.best(f, cfg)
        ev.add(best if best is not None and best_s >= cfg.threshold else i, i)


def _reassign(ev: _Events, cfg: ClusterConfig) -> int:
    moved = 0
    for i, f in enumerate(ev.feats):
        own = ev.label[i]
        best, best_s = ev.best(f, cfg, own)
        if best is None or best == own or best_s < cfg.threshold:
            continue
        ev.remove(own, i)
        ev.add(best, i)
        moved += 1
    return moved


def recluster(store, config: ClusterConfig | None = None,
              on_article: Callable[[int, int], None] | None = None) -> int:
    """Rebuild every event and story from the stored articles, deterministically (by the clusterer's dates,
    then the store's time order)."""
    cfg = config or ClusterConfig()
    store.reset_clusters()
    ids = store.article_ids_in_time_order()
    feats = [features(store.get_article(aid)) for aid in ids]
    # in the order of the dates the clusterer itself goes by: an article without a publication date takes its
    # place by the date its text gives, rather than after every published one (the store's order breaks ties)
    order = sorted(range(len(ids)), key=lambda i: (feats[i].date is None, feats[i].date or ""))
    ids, feats = [ids[i] for i in order], [feats[i] for i in order]
    ev = _Events(feats)
    _single_pass(ev, cfg)
    for _ in range(REASSIGN_ROUNDS):
        if not _reassign(ev, cfg):
            break
    clusterer = Clusterer(store, cfg)
    saved: dict[int, dict[str, Any]] = {}
    for i, aid in enumerate(ids):
        key, article = ev.label[i], store.get_article(aid)
        if key in saved:
            saved[key] = clusterer.join(article, feats[i], saved[key], score(feats[i], saved[key], cfg))
        else:  # the event's first report in time order names it, as it would have incrementally
            saved[key] = clusterer.start(article, feats[i])
        if on_article:
            on_article(i + 1, len(ids))
    return len(ids)
