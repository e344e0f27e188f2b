"""`recluster`, and the settle step of an ingest run: rebuild events from stored articles by complete link
(`linkage.py`), with the hindsight a single pass lacks.

The articles are taken in the order of the dates the clusterer itself goes by (an article without a
publication date takes its place by the date its text gives, rather than after every published one), grouped
by `linkage.link` (term weights lowered for words most of the reports share: `features.store_weights`), and
written through the store in that order, each event keeping the id of the old event whose earliest report it
holds (`inherit_ids`) or else named after its first report, so stories link as they do incrementally; the ids a
merge takes away are recorded as redirects to the event now holding their earliest report (`newsdesk event
OLD_ID`, the API and the web page follow them); then their mentions of other happenings, and those of earlier
reports recalling the rebuilt events, are linked (`mentions.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from newsdesk.cluster.embed import embed_articles
from newsdesk.cluster.features import Features, document_frequency, reweight, store_weights
from newsdesk.cluster.incremental import ClusterConfig, Clusterer, score
from newsdesk.cluster.linkage import LinkConfig, link
from newsdesk.cluster.mentions import link_mentions
from newsdesk.cluster.report import features
from newsdesk.store.clusters import memberships as store_memberships


def rebuild(store, article_ids: list[str], config: ClusterConfig | None = None,
            link_config: LinkConfig | None = None,
            on_article: Callable[[int, int], None] | None = None,
            previous: dict[str, str] | None = None) -> int:
    """Cluster `article_ids` (none of them in an event yet) among themselves and store the events. `previous`
    (article id -> the event it was in before) lets each new event keep an old event's id, and records where
    the ids that go now live (`inherit_ids`)."""
    cfg = config or ClusterConfig()
    articles = {aid: store.get_article(aid) for aid in article_ids}
    feats = {aid: features(a) for aid, a in articles.items()}
    if link_config is not None and link_config.embeddings:
        vectors = embed_articles(list(articles.values()))
        feats = {aid: replace(feats[aid], embedding=v) for aid, v in zip(articles, vectors, strict=True)}
    weights = context_weights(store, list(feats.values()))
    feats = {aid: replace(f, vector=reweight(f.vector, weights)) for aid, f in feats.items()}
    ids = sorted(article_ids, key=lambda a: (feats[a].date is None, feats[a].date or ""))  # stable: ties keep order
    labels = link([feats[a] for a in ids], link_config)
    groups: dict[int, list[str]] = {}
    for i, aid in enumerate(ids):
        groups.setdefault(labels[i], []).append(aid)
    inherited, moved = inherit_ids(list(groups.values()), previous or {}, ids)
    names = dict(zip(groups, inherited, strict=True))
    clusterer = Clusterer(store, cfg)
    saved: dict[int, dict[str, Any]] = {}
    for i, aid in enumerate(ids):
        key, f = labels[i], feats[aid]
        if key in saved:
            saved[key] = clusterer.join(articles[aid], f, saved[key], score(f, saved[key], cfg))
        else:  # an old event's id, else the event's first report in time order names it, as incrementally
            name = names[key] or free_id(store, "e" + aid, set(names.values()) | set(moved))
            saved[key] = clusterer.start(articles[aid], f, name)
        if on_article:
            on_article(i + 1, len(ids))
    final = [saved[key]["id"] for key in groups]
    store.save_event_redirects({old: (final[gi], why) for old, (gi, why) in moved.items()}, final)
    link_mentions(store, articles, list(saved.values()))
    return len(ids)


def inherit_ids(groups: list[list[str]], previous: dict[str, str],
                order: list[str]) -> tuple[list[str | None], dict[str, tuple[int, str]]]:
    """Which old event ids the new groups of reports keep, and where the others went (`previous`: article id ->
    old event id; `order`: every report of the groups in time order).

    An old event's id goes with its earliest report: the group holding that report keeps the id, unless the
    earliest report of another old event comes before it in that group (a merge: the earlier event's id
    stays). So an event keeps its id as long as its earliest report is in it, however it grew, shrank or split,
    and the ids a merge takes away redirect to the group holding their earliest report: 'merged' when all of
    that event's reports went there, else 'split'. Returns each group's inherited id (None: it inherits none)
    and old id -> (group index, reason) for the ids that go."""
    group_of = {aid: gi for gi, group in enumerate(groups) for aid in group}
    earliest: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for aid in order:
        if (old := previous.get(aid)) is not None and aid in group_of:
            earliest.setdefault(old, aid)
            sizes[old] = sizes.get(old, 0) + 1
    out: list[str | None] = [None] * len(groups)
    moved: dict[str, tuple[int, str]] = {}
    for old, aid in earliest.items():  # in the time order of the earliest reports
        gi = group_of[aid]
        if out[gi] is None:
            out[gi] = old
        else:
            there = sum(previous.get(a) == old for a in groups[gi])
            moved[old] = (gi, "merged" if there == sizes[old] else "split")
    return out, moved


def free_id(store, wanted: str, taken: set[str | None]) -> str:
    """`wanted`, or `wanted` with the first suffix "-2", "-3", ... that no other event of this rebuild and no
    stored event holds (an old id inherited elsewhere, or merged away, may be the one a report would name)."""
    name, k = wanted, 1
    while name in taken or store.event_sizes([name]):
        k += 1
        name = f"{wanted}-{k}"
    return name


def context_weights(store, feats: list[Features]) -> dict[str, float]:
    """`features.store_weights` over the reports in hand and the other stored events of their days (each event
    counting once: the reports the settle step leaves as they are)."""
    vectors = [f.vector for f in feats]
    days = sorted(f.date for f in feats if f.date)
    if days:
        vectors += [ev["terms"] for ev in store.events_between(days[0], days[-1])]
    return store_weights(document_frequency(vectors), len(vectors))


def recluster(store, config: ClusterConfig | None = None, link_config: LinkConfig | None = None,
              on_article: Callable[[int, int], None] | None = None) -> int:
    """Rebuild every event and story from the stored articles, deterministically."""
    with store.exclusive("settle"):
        ids = store.article_ids_in_time_order()
        previous = {aid: eid for aid in ids if (eid := store.event_of(aid))}
        store.reset_clusters()
        return rebuild(store, ids, config, link_config, on_article, previous)


SETTLE_EVERY = 1000  # an ingest run settles the events of each such many new articles (and of the rest at its end)
SETTLED_EVENT = 300  # an event with more reports than this is established: a settle step leaves it as it is


def settle(store, article_ids: list[str], config: ClusterConfig | None = None,
           link_config: LinkConfig | None = None) -> int:
    """Rebuild by complete link the events that `article_ids` (just clustered one at a time) joined or
    started, from all of those events' reports: what the single pass got wrong while the run's reports
    arrived is undone before the run ends. Returns the number of reports re-clustered."""
    with store.exclusive("settle"):  # concurrent ingest runs settle in turn (PostgreSQL)
        events = sorted({e for a in article_ids if (e := store.event_of(a))})
        sizes = store.event_sizes(events)
        dropped = [e for e in events if sizes.get(e, 0) <= SETTLED_EVENT]
        previous = store_memberships(store, dropped)
        members = store.drop_events(dropped)
        return rebuild(store, members, config, link_config, previous=previous)
