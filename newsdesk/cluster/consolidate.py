"""Consolidated event record: what the outlets agree on, where they differ, who reported first, a short
extractive summary and the quotes — decided across an event's reports with each source's value kept."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from newsdesk.cluster.features import cosine, normalise, term_vector
from newsdesk.cluster.mentions import recalled

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u201c\"'])")


def _vote(values: list[tuple[str, Any]]) -> dict[str, Any]:
    """Majority over (source, value) pairs; keeps every source's value and flags disagreement."""
    present = [(s, v) for s, v in values if v not in (None, "")]
    if not present:
        return {"value": None, "confidence": 0.0, "by_source": {}, "disagree": False}
    counts = Counter(v for _, v in present)
    value, n = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0]
    return {"value": value, "confidence": round(n / len(present), 2), "by_source": dict(present),
            "disagree": len(counts) > 1}


def _precision(value: str) -> int:
    """3 for a day (2023-11-30), 2 for a month, 1 for anything coarser (a year, a week)."""
    return 3 if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else 2 if re.fullmatch(r"\d{4}-\d{2}", value) else 1


def _date_vote(values: list[tuple[str, Any]]) -> dict[str, Any]:
    """The vote over dates, where a coarser date agrees with a finer one it contains ("2023", "2023-11-30"):
    when all agree so, the finest is the value and nothing is flagged."""
    vote = _vote(values)
    dates = [str(v) for _, v in values if v]
    if vote["disagree"] and all(a.startswith(b) or b.startswith(a) for a in dates for b in dates):
        return {**vote, "value": max(dates, key=len), "confidence": 1.0, "disagree": False}
    return vote


def _label(a: dict[str, Any]) -> str:
    return f"{a.get('outlet') or a.get('source') or a['id']}"


def _own_mentions(reports: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each report's mentions of the happening it reports: what it recalls of other happenings (mentions.py)
    has no vote on this one's type, date or place."""
    own = {}
    for a in reports:
        other = recalled(a)
        own[a["id"]] = [m for i, m in enumerate(a.get("events") or []) if i not in other]
    return own


def _per_source(reports: list[dict[str, Any]], own: dict[str, list[dict[str, Any]]], fn,
                rank=lambda v: 0) -> list[tuple[str, Any]]:
    """Each report's most common value (among those of the best `rank`)."""
    out = []
    for a in reports:
        vals = [fn(m) for m in own[a["id"]] if fn(m)]
        best = max(map(rank, vals), default=0)
        counts = Counter(v for v in vals if rank(v) == best)
        out.append((_label(a), counts.most_common(1)[0][0] if vals else None))
    return out


def event_cameo(articles: list[dict[str, Any]]) -> str | None:
    """The event's CAMEO code as `consolidate` decides it (each report's most common code among its own
    mentions, then a majority over reports), without the rest of the record: what `newsdesk events` lists."""
    return _vote(_per_source(articles, _own_mentions(articles), lambda m: m.get("cameo")))["value"]


def consolidate(event_id: str, articles: list[dict[str, Any]],
                mentioned_in: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The event record from its member articles (dicts as `Store.get_article` returns them) and the mentions
    of it in reports of other events (`Store.event_mentioned_in`)."""
    reports = sorted(articles, key=lambda a: (a.get("published") or "9999", a["id"]))
    own = _own_mentions(reports)
    mentions = [(a, m) for a in reports for m in own[a["id"]]]

    def per_source(fn, rank=lambda v: 0) -> list[tuple[str, Any]]:
        return _per_source(reports, own, fn, rank)

    cameo = _vote(per_source(lambda m: m.get("cameo")))
    root = (cameo["value"] or "")[:2]
    main = [m for _, m in mentions if (m.get("cameo") or "").startswith(root)] if root else []

    def side(m: dict[str, Any], key: str) -> str | None:
        s = m.get(key) or {}
        return s.get("name") or s.get("text")

    record = {
        "id": event_id,
        "title": reports[0].get("title") if reports else None,
        "n_articles": len(reports),
        "outlets": sorted({_label(a) for a in reports}),
        "first_report": ({"article_id": reports[0]["id"], "outlet": _label(reports[0]),
                          "published": reports[0].get("published")} if reports else None),
        "cameo": cameo,
        "plover": _vote([(_label(a), m.get("plover")) for a, m in mentions if m in main]),
        "source": _vote([(_label(a), side(m, "source")) for a, m in mentions if m in main]),
        "target": _vote([(_label(a), side(m, "target")) for a, m in mentions if m in main]),
        # each report's most precise date (a day over a month over a year); a coarser one agrees with it
        "date": _date_vote(per_source(lambda m: m.get("date") if not m.get("date_inferred") else None,
                                      rank=_precision)),
        "place": _vote(per_source(lambda m: (m.get("place") or {}).get("name"))),
        "numbers": _numbers(reports),
        "summary": summary(reports),
        "quotes": _quotes(reports),
        "timeline": [{"article_id": a["id"], "outlet": _label(a), "published": a.get("published"),
                      "title": a.get("title")} for a in reports],
        "mentioned_in": mentioned_in or [],
    }
    record["disagreements"] = [k for k in ("cameo", "source", "target", "date", "place")
                               if record[k]["disagree"]] + (["numbers"] if record["numbers"]["disagree"] else [])
    return record


def summary(reports: list[dict[str, Any]], n: int = 3) -> list[str]:
    """2-3 sentences chosen from the reports: the leads closest to what all reports say, no repeats."""
    centroid: dict[str, float] = {}
    for a in reports:
        for w, x in term_vector(a.get("text") or "").items():
            centroid[w] = centroid.get(w, 0.0) + x
    centroid = normalise(centroid)
    candidates = []
    for a in reports:
        paras = (a.get("text") or "").split("\n\n")
        for pi, para in enumerate(paras[:4]):
            for si, sent in enumerate(_SENT.split(para)[:2]):
                if 8 <= len(sent.split()) <= 60:
                    # leads carry the news: earlier sentences get a small bonus
                    candidates.append((cosine(term_vector(sent), centroid) + 0.05 / (1 + pi + si), sent))
    chosen: list[str] = []
    for _, sent in sorted(candidates, key=lambda c: -c[0]):
        v = term_vector(sent)
        if all(cosine(v, term_vector(c)) < 0.5 for c in chosen):
            chosen.append(sent)
        if len(chosen) == n:
            break
    return chosen


_NUM = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)\s+(people|diplomats|delegates|dead|killed|injured|countries|"
                  r"ministers|officials|troops|soldiers|protesters)\b", re.I)


def _numbers(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts the outlets give for the same noun ("40 diplomats" vs "dozens"): flagged when they differ."""
    by_noun: dict[str, dict[str, str]] = {}
    for a in reports:
        for num, noun in _NUM.findall(a.get("text") or ""):
            by_noun.setdefault(noun.lower(), {}).setdefault(_label(a), num)
    differing = {k: v for k, v in by_noun.items() if len(set(v.values())) > 1}
    return {"by_noun": by_noun, "disagree": bool(differing), "differing": sorted(differing)}


def _quotes(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for a in reports:
        for q in a.get("quotes") or []:
            key = re.sub(r"\W+", " ", q["text"].lower()).strip()[:80]
            if key in seen:
                continue
            seen.add(key)
            out.append({**q, "article_id": a["id"], "outlet": _label(a)})
    return out
