"""Complete-link agglomeration of reports into events: what `recluster` builds and what an ingest run's settle
step rebuilds for the events it touched.

A single pass decides each report against what has arrived so far; a report of a second event of the same
kind (another fight of the same boxer, another offer to the same player) that arrives while only the first
event's reports are in joins them, and the centroid then draws the rest of its event in. With all the reports
in hand, events are grown from their closest pairs upwards and two groups merge only when *every* report of
one is similar to every report of the other (complete link): a group holding both events' reports would
need its least similar pair to pass, which the two events' distinct names and numbers prevent.

What tells related events apart besides the words is noisy one pair at a time (a year named in the
background, a coded event placed in the wrong country), so it is averaged over the pairs of the two groups:

    merge score(X, Y) = min cosine(x, y) over x in X, y in Y
                        - mean over those pairs of the penalties:
                            date penalty   both published: date_penalty_per_month for each 30 days
                                           they lie apart beyond date_grace_days, at most date_penalty_cap;
                                           far_date_penalty beyond far_date_days (a year on, a trial or an
                                           anniversary is another happening)
                            year_penalty   both name years and share none
                            scene_penalty  their first coded events took place in countries they do not share
                            name_clash_penalty  each one's title or first sentence has a rare name the
                                           other never mentions (another opponent, another town)
                            actor_penalty  the persons their main happenings name as who acted and on whom
                                           share no one

Whatever their words, two groups never join when a report of one and a report of the other have main coded
events that conflict in every way (`clashes`: an agreement and a walkout, in two countries, by other parties),
as reports of a minister's signing in Tokyo and of a walkout on him at a summit in South Africa do.

Groups merge, closest first, while the best score reaches `threshold` and the mean cosine of their pairs (less
the same mean penalty) the higher `lone_threshold` (for two reports on their own, their one pair: two reports
share a few words by chance far more often than one report shares them with every report of a group, and
campaign stories of one week share the venue, the weekday and the state that votes next), and
never into a group whose
publication dates (or the days the texts give for their main happenings) span more than `centroid_span_days`. Complete link is strict with a large
event whose reports drift into different details (the aftershocks, the relief effort, the victims): two of
its reports may share next to no word, and it ends in a few groups. A second round joins those groups, closest
first, while the cosine of their summed vectors (their centroids), less the same mean penalty, reaches
`centroid_threshold` and their publication dates together span at most `centroid_span_days`: centroids of
running coverage of one campaign or war agree as well, but weeks apart. A publication date is when a report
was filed, not when its happening took place, so two groups of two reports or more each, whose texts give no
days for their happenings further apart than the window, may join across it on `group_window_margin` more
(several outlets' follow-ups weeks on: ECB+ counts a check-in to a clinic and the check-out six weeks later
as one event); a report on its own never does, nor does a complete-link join or the single pass. A report
complete link left alone has no group of its own to weigh against and joins on a lower score,
`lone_threshold`.

The reports are first split into blocks linked by pairs at or above `threshold` (found through shared rare
terms), and each block is agglomerated on its own: complete link never joins reports across blocks, and a
centroid cosine of 0.5 between groups none of whose cross pairs reaches 0.09 would need groups larger and
tighter than news coverage gives. A block larger than `max_block` reports is cut
into runs of consecutive reports in the given (time) order, which bounds time and memory.
Settings: README "Clustering" (set on the ECB+ dev split, with the seeds' and the samples' events as
constraints)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from newsdesk.cluster.features import Features, Happening, cosine
from newsdesk.cluster.incremental import block_terms

POSTINGS = 200  # a rare term links a report to at most this many earlier reports carrying it


@dataclass(frozen=True)
class LinkConfig:
    """Complete-link settings (README "Clustering").

    Args:
        threshold: least merge score: every two reports of an event have at least this cosine, less the
            mean penalty of the pairs.
        date_grace_days: publication dates this close cost nothing ...
        date_penalty_per_month: ... and each further 30 days apart costs this (a follow-up weeks later may still
            report the same happening, campaign coverage weeks apart rarely does) ...
        date_penalty_cap: ... up to this.
        far_date_days: publication dates further apart than this are all but another event ...
        far_date_penalty: ... through this penalty in place of the graded one.
        year_penalty: both texts name years and share none.
        scene_penalty: the countries where their first coded events took place share none.
        name_clash_penalty: each report leads with a rare name (`features.lead_names`) the other's text lacks.
        actor_penalty: the persons among who acted and on whom in their main happenings (`Happening.people`) are
            known for both and share no one: a senator's speech and a rival's rally on the same theme.
        centroid_threshold: least centroid cosine (less the mean penalty) for two complete-link groups to
            join; None leaves the complete-link groups as they are.
        centroid_span_days: most days the publication dates of an event may span (the single pass's
            `ClusterConfig.date_window_days`): no join makes a longer one, except between two groups whose texts give
            no days that far apart (`group_window_margin`).
        lone_threshold: the least score of a report on its own joining another (complete link) or a group
            (centroid round).
        group_window_margin: two groups of at least two reports each whose publication dates would span more
            than `centroid_span_days` (but not the days their texts give for the happening) join in the
            centroid round on this much more; None keeps the window strict for them too.
        embeddings: compare reports by sentence embeddings too (`embed.py`, an optional extra) ...
        embedding_weight: ... adding this times their cosine less `embedding_floor` to the term vectors'.
        happening_clashes: two groups never join when a report of one and a report of the other have main
            happenings that conflict in this many ways (`clashes`); None lets the words decide alone.
        max_block: most reports agglomerated together.
    """

    threshold: float = 0.09
    date_grace_days: int = 7
    date_penalty_per_month: float = 0.1
    date_penalty_cap: float = 0.5
    far_date_days: int = 365
    far_date_penalty: float = 1.0
    year_penalty: float = 0.1
    scene_penalty: float = 0.2
    name_clash_penalty: float = 0.1
    actor_penalty: float = 0.1
    centroid_threshold: float | None = 0.5
    centroid_span_days: int = 14
    lone_threshold: float = 0.2
    group_window_margin: float | None = None
    happening_clashes: int | None = 3
    embeddings: bool = False
    embedding_weight: float = 0.1
    embedding_floor: float = 0.5
    max_block: int = 1200


def similarity(f: Features, g: Features, cfg: LinkConfig) -> float:
    """Cosine of the term vectors, moved by `embedding_weight` times the embeddings' cosine less
    `embedding_floor` when both reports carry an embedding (`LinkConfig.embeddings`)."""
    s = cosine(f.vector, g.vector)
    if f.embedding is not None and g.embedding is not None:
        s += cfg.embedding_weight * (float(np.dot(f.embedding, g.embedding)) - cfg.embedding_floor)
    return s


def happening_day(f: Features) -> int | None:
    """The day (ordinal) a report is placed at for the window: the day its text gives for its main happening,
    else its publication date; None when it has neither."""
    if f.happened:
        return date.fromisoformat(f.happened).toordinal()
    return date.fromisoformat(f.date).toordinal() if f.published and f.date else None


def text_day(f: Features) -> int | None:
    """The day (ordinal) the text gives for the report's main happening, None when it gives none."""
    return date.fromisoformat(f.happened).toordinal() if f.happened else None


def clashes(a: Happening | None, b: Happening | None) -> int:
    """In how many ways two reports' main happenings conflict: opposite sides of the scale (an agreement, a
    walkout), different countries, and principal actors on incompatible sides (both name who acted on whom, and
    they share no one, or one's actor is the other's target)."""
    if a is None or b is None:
        return 0
    n = int(bool(a.family and b.family and a.family != b.family))
    n += bool(a.country and b.country and a.country != b.country)
    if a.source and a.target and b.source and b.target:
        shared = {a.source, a.target} & {b.source, b.target}
        swapped = (a.source, a.target) != (b.source, b.target) and (a.source == b.target or a.target == b.source)
        n += not shared or swapped
    return n


def disagree(f: Features, g: Features, cfg: LinkConfig) -> bool:
    """Whether two reports' main happenings disagree in at least `happening_clashes` ways: no similarity of
    their words joins them. Coding slips one way or another often enough (ECB+ reports of one event disagree in
    two ways as often as reports of two related events do), so it takes every way to be sure."""
    return cfg.happening_clashes is not None and clashes(f.main, g.main) >= cfg.happening_clashes


def pair_penalty(f: Features, g: Features, cfg: LinkConfig) -> float:
    p = 0.0
    if f.published and g.published and f.date and g.date:
        gap = abs((date.fromisoformat(f.date) - date.fromisoformat(g.date)).days)
        p += cfg.far_date_penalty if gap > cfg.far_date_days else min(
            cfg.date_penalty_cap, cfg.date_penalty_per_month * max(0, gap - cfg.date_grace_days) / 30)
    if f.years and g.years and not (f.years & g.years):
        p += cfg.year_penalty
    if f.scenes and g.scenes and not (f.scenes & g.scenes):
        p += cfg.scene_penalty
    if f.lead_names - g.words and g.lead_names - f.words:
        p += cfg.name_clash_penalty
    if f.main and g.main and f.main.people and g.main.people and not (f.main.people & g.main.people):
        p += cfg.actor_penalty
    return p


def blocks(feats: list[Features], cfg: LinkConfig) -> list[list[int]]:
    """Positions linked, directly or through others, by pairs whose cosine reaches the threshold (candidate
    pairs share a rare term); each block in position order, blocks in the order of their first position."""
    parent = list(range(len(feats)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    postings: dict[str, list[int]] = {}
    for i, f in enumerate(feats):
        seen: set[int] = set()
        for term in block_terms(f.vector):
            earlier = postings.setdefault(term, [])
            for j in earlier[-POSTINGS:]:
                if j not in seen:
                    seen.add(j)
                    if find(i) != find(j) and cosine(f.vector, feats[j].vector) >= cfg.threshold:
                        parent[find(i)] = find(j)
            earlier.append(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(feats)):
        groups.setdefault(find(i), []).append(i)
    out: list[list[int]] = []
    for members in sorted(groups.values(), key=lambda m: m[0]):
        out += [members[k:k + cfg.max_block] for k in range(0, len(members), cfg.max_block)]
    return out


def agglomerate(feats: list[Features], cfg: LinkConfig) -> list[list[int]]:
    """Complete-link groups of one block (positions into `feats`), then those groups joined by their
    centroids; each group in position order."""
    n = len(feats)
    if n == 1:
        return [[0]]
    sim = np.full((n, n), -np.inf)
    pen = np.zeros((n, n))
    clash = np.zeros((n, n), dtype=bool)  # groups holding reports of happenings that disagree
    for i in range(n):
        for j in range(i + 1, n):
            sim[i, j] = sim[j, i] = similarity(feats[i], feats[j], cfg)
            pen[i, j] = pen[j, i] = pair_penalty(feats[i], feats[j], cfg)
            clash[i, j] = clash[j, i] = disagree(feats[i], feats[j], cfg)
    # dot[i, j]: the dot product of groups i's and j's summed vectors, i.e. the sum of their pairs' cosines
    dot = np.where(np.isfinite(sim), sim, 0.0)
    np.fill_diagonal(dot, 1.0)
    days = [happening_day(f) for f in feats]
    first = np.array([np.inf if d is None else d for d in days])  # a group's first and last publication day
    last = np.array([-np.inf if d is None else d for d in days])
    said = [text_day(f) for f in feats]  # ... and the first and last day its texts give for the happening
    tfirst = np.array([np.inf if d is None else d for d in said])
    tlast = np.array([-np.inf if d is None else d for d in said])
    size = np.ones(n)
    members = {i: [i] for i in range(n)}

    def merge(i: int, j: int) -> None:  # i < j: the group of the earlier report absorbs the other
        sim[i] = sim[:, i] = np.minimum(sim[i], sim[j])
        pen[i] = pen[:, i] = pen[i] + pen[j]
        clash[i] = clash[:, i] = clash[i] | clash[j]
        self_dot = dot[i, i] + dot[j, j] + 2 * dot[i, j]
        dot[i] = dot[:, i] = dot[i] + dot[j]
        dot[i, i] = self_dot
        first[i], last[i] = min(first[i], first[j]), max(last[i], last[j])
        tfirst[i], tlast[i] = min(tfirst[i], tfirst[j]), max(tlast[i], tlast[j])
        size[i] += size[j]
        members[i] += members.pop(j)
        sim[j] = sim[:, j] = -np.inf

    def too_long(i: int) -> np.ndarray:  # the groups whose publication dates would span more than the window
        return np.maximum(last[i], last) - np.minimum(first[i], first) > cfg.centroid_span_days

    # complete link: the least similar pair of the two groups, less the mean penalty of their pairs, for groups
    # whose publication dates together span at most the window (as in the centroid round and the single pass);
    # the mean similarity of their pairs must reach `lone_threshold` too, which for two reports on their own is
    # their one pair: a pair shares a few words by chance (a venue, a weekday, a candidate's state) more often
    # than a report shares them with every report of a group, and a group whose every pair passes the low
    # threshold on such chance words alone is a topic, not a happening
    score = np.where(clash, -np.inf, sim - pen) - (cfg.lone_threshold - cfg.threshold)
    score[np.maximum.outer(last, last) - np.minimum.outer(first, first) > cfg.centroid_span_days] = -np.inf
    np.fill_diagonal(score, -np.inf)
    while True:
        i, j = sorted(divmod(int(np.argmax(score)), n))
        if score[i, j] < cfg.threshold:
            break
        merge(i, j)
        pairs = size[i] * size  # the least pair, and the mean pair held to what two lone reports need
        least = np.minimum(sim[i], dot[i] / pairs - (cfg.lone_threshold - cfg.threshold)) - pen[i] / pairs
        score[i] = score[:, i] = np.where(too_long(i) | clash[i], -np.inf, least)
        score[i, i] = -np.inf
        score[j] = score[:, j] = -np.inf
    # centroid link: the cosine of the two groups' summed vectors, less the mean penalty of their pairs, for
    # groups whose days together span at most centroid_span_days. A publication date says when a report was
    # filed, not when its happening took place: two groups of several reports each whose texts give no days
    # further apart than the window may join across it (a follow-up weeks on, covered by several outlets),
    # on `group_window_margin` more. A pair, or a lone report, never does.
    while cfg.centroid_threshold is not None and len(members) > 1:
        alive = np.array(sorted(members))
        d, norm = dot[np.ix_(alive, alive)], np.sqrt(dot[alive, alive])
        cent = d / np.outer(norm, norm) - pen[np.ix_(alive, alive)] / np.outer(size[alive], size[alive])
        lone = size[alive] == 1
        window = cfg.centroid_span_days
        filed = np.maximum.outer(last[alive], last[alive]) - np.minimum.outer(first[alive], first[alive]) > window
        told = np.maximum.outer(tlast[alive], tlast[alive]) - np.minimum.outer(tfirst[alive], tfirst[alive]) > window
        groups = ~np.logical_or.outer(lone, lone) & ~told & (cfg.group_window_margin is not None)
        cent -= np.where(filed & groups, cfg.group_window_margin or 0.0, 0.0)
        cent[(filed & ~groups) | clash[np.ix_(alive, alive)]] = -np.inf
        np.fill_diagonal(cent, -np.inf)
        # a report complete link left alone has no group of its own to weigh against: it joins on less
        cent -= np.where(np.logical_xor.outer(lone, lone), cfg.lone_threshold, cfg.centroid_threshold)
        a, b = divmod(int(np.argmax(cent)), len(alive))
        if cent[a, b] < 0:
            break
        merge(*sorted((int(alive[a]), int(alive[b]))))
    return [sorted(m) for _, m in sorted(members.items())]


def link(feats: list[Features], cfg: LinkConfig | None = None) -> list[int]:
    """An event label per report: the position of the event's first report (in the given order)."""
    cfg = cfg or LinkConfig()
    labels = list(range(len(feats)))
    for block in blocks(feats, cfg):
        for group in agglomerate([feats[i] for i in block], cfg):
            first = block[group[0]]
            for g in group:
                labels[block[g]] = first
    return labels
