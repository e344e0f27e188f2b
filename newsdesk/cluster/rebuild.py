"""`recluster`, and the settle step of an ingest run: rebuild events from stored articles by complete link
(`linkage.py`), with the hindsight a single pass lacks.

The articles are taken in the order of the dates the clusterer itself goes by (an article without a
publication date takes its place by the date its text gives, rather than after every published one), grouped
by `linkage.link`, and written through the store in that order, so each event is named after its first report
and stories link as they do incrementally; then their mentions of other happenings, and those of earlier reports
recalling the rebuilt events, are linked (`mentions.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from newsdesk.cluster.embed import embed_articles
from newsdesk.cluster.features import features
from newsdesk.cluster.incremental import ClusterConfig, Clusterer, score
from newsdesk.cluster.linkage import LinkConfig, link
from newsdesk.cluster.mentions import link_mentions


def rebuild(store, article_ids: list[str], config: ClusterConfig | None = None,
            link_config: LinkConfig | None = None,
            on_article: Callable[[int, int], None] | None = None) -> int:
    """Cluster `article_ids` (none of them in an event yet) among themselves and store the events."""
    cfg = config or ClusterConfig()
    articles = {aid: store.get_article(aid) for aid in article_ids}
    feats = {aid: features(a) for aid, a in articles.items()}
    if link_config is not None and link_config.embeddings:
        vectors = embed_articles(list(articles.values()))
        feats = {aid: replace(feats[aid], embedding=v) for aid, v in zip(articles, vectors, strict=True)}
    ids = sorted(article_ids, key=lambda a: (feats[a].date is None, feats[a].date or ""))  # stable: ties keep order
    labels = link([feats[a] for a in ids], link_config)
    clusterer = Clusterer(store, cfg)
    saved: dict[int, dict[str, Any]] = {}
    for i, aid in enumerate(ids):
        key, f = labels[i], feats[aid]
        if key in saved:
            saved[key] = clusterer.join(articles[aid], f, saved[key], score(f, saved[key], cfg))
        else:  # the event's first report in time order names it, as it would have incrementally
            saved[key] = clusterer.start(articles[aid], f)
        if on_article:
            on_article(i + 1, len(ids))
    link_mentions(store, articles, list(saved.values()))
    return len(ids)


def recluster(store, config: ClusterConfig | None = None, link_config: LinkConfig | None = None,
              on_article: Callable[[int, int], None] | None = None) -> int:
    """Rebuild every event and story from the stored articles, deterministically."""
    with store.exclusive("settle"):
        store.reset_clusters()
        return rebuild(store, store.article_ids_in_time_order(), config, link_config, on_article)


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
        members = store.drop_events([e for e in events if sizes.get(e, 0) <= SETTLED_EVENT])
        return rebuild(store, members, config, link_config)
