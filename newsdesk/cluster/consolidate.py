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
    """Majority over (source, value) pairs, a tie going to the earliest source's value; keeps every source's
    value and flags disagreement."""
    present = [(s, v) for s, v in values if v not in (None, "")]
    if not present:
        return {"value": None, "confidence": 0.0, "by_source": {}, "disagree": False}
    counts = Counter(v for _, v in present)
    first = {v: i for i, (_, v) in reversed(list(enumerate(present)))}
    value, n = min(counts.items(), key=lambda kv: (-kv[1], first[kv[0]]))
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


def _side(m: dict[str, Any], key: str) -> str | None:
    s = m.get(key) or {}
    return s.get("name") or s.get("text")


def _text_date(m: dict[str, Any]) -> str | None:
    return m.get("date") if not m.get("date_inferred") else None


# --- each report's main event: its ballot ---------------------------------------------------------------
_WORD = re.compile(r"[^\W\d_]+")
_SUFFIX = re.compile(r"(?:ings?|ed|es|s)$")


def _stems(text: str) -> set[str]:
    """Crude stems of the words of four letters or more ("sanctions", "sanctioned" -> "sanction")."""
    out = set()
    for w in _WORD.findall(text.lower()):
        w = _SUFFIX.sub("", w) if len(w) > 5 else w
        if len(w) >= 4:
            out.add(w)
    return out


def _in_headline(headline: set[str], m: dict[str, Any]) -> bool:
    """Whether the headline names the mention's action: a stem of its trigger starts a headline word or is
    started by one ("walk out" / "walkout", "sanctioned" / "sanctions")."""
    return any(a.startswith(b) or b.startswith(a) for a in _stems(m.get("trigger") or "") for b in headline)


def ballot(article: dict[str, Any]) -> dict[str, Any]:
    """A report's vote on the event it reports (what `decide` counts; the store keeps it per report).

    The report's main event is the mention its headline names (a headline states the news), else the first of
    its lead, of the highest confidence within a sentence; its CAMEO root is the report's `root`. For every
    root the report codes, `by_root` holds that root's main mention likewise, one naming a source before one
    that names none (the type is decided across reports first, then each report's mention of it is read).
    Mentions of other happenings the report recalls (`mentions.recalled`) take no part."""
    headline = _stems(article.get("title") or "")
    other = recalled(article)
    own = [(i, m) for i, m in enumerate(article.get("events") or []) if i not in other and m.get("cameo")]

    def rank(im: tuple[int, dict[str, Any]]) -> tuple[Any, ...]:
        i, m = im
        return (not _in_headline(headline, m), m.get("start") or 0, -(m.get("confidence") or 0.0), i)

    own.sort(key=rank)
    by_root: dict[str, dict[str, Any]] = {}
    for root in dict.fromkeys(m["cameo"][:2] for _, m in own):
        same = [(i, m) for i, m in own if m["cameo"][:2] == root]
        i, m = min(same, key=lambda im: (_side(im[1], "source") is None, *rank(im)))
        # a report states the date and place of its event once, often in another sentence than the act's: its
        # most precise date (a day over a month over a year; the main mention's first among equals)
        dates = [d for _, x in sorted(same, key=lambda im: im[0] != i) if (d := _text_date(x))]
        places = Counter(p for _, x in same if (p := (x.get("place") or {}).get("name")))
        by_root[root] = {
            "position": i, "cameo": m["cameo"], "plover": m.get("plover"),
            "source": _side(m, "source"), "target": _side(m, "target"),
            "date": max(dates, key=_precision, default=None),
            "place": (m.get("place") or {}).get("name") or (places.most_common(1)[0][0] if places else None),
        }
    return {"article_id": article["id"], "label": _label(article), "published": article.get("published"),
            "root": own[0][1]["cameo"][:2] if own else None, "by_root": by_root}


def _order(ballots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ballots in report order (earliest publication first): ties in a vote go to the earliest report."""
    return sorted(ballots, key=lambda b: (b.get("published") or "9999", b["article_id"]))


FIELDS = ("cameo", "plover", "source", "target", "date", "place")


def decide(ballots: list[dict[str, Any]]) -> dict[str, Any]:
    """The consolidated event from its reports' ballots: the CAMEO root most reports' main events have (a tie
    goes to the earliest report), then, over those reports' main mentions of it, the most common code, PLOVER
    type, source, target, date (the finest where coarser ones contain it) and place. A report whose main event
    is of another type has no say on them (its code is kept in `cameo.by_source`, and flags disagreement).
    Each field is a vote (`value`, `confidence`, `by_source`, `disagree`); `positions` names the mention each
    voting report was read from (article id -> position)."""
    ballots = _order(ballots)
    root = _vote([(b["label"], b["root"]) for b in ballots])["value"]
    reps = [(b, b["by_root"][root]) for b in ballots if root is not None and b["root"] == root]
    cameo = _vote([(b["label"], r["cameo"]) for b, r in reps])
    mains = [(b["label"], b["by_root"][b["root"]]["cameo"]) for b in ballots if b["root"]]
    if cameo["value"] is not None and len(mains) > len(reps):
        # the reports of another type: in the side-by-side view, and as a disagreement on the code
        agree = sum(v == cameo["value"] for _, v in mains)
        cameo = {**cameo, "by_source": dict(mains), "confidence": round(agree / len(mains), 2), "disagree": True}
    return {"cameo": cameo,
            "plover": _vote([(b["label"], r["plover"]) for b, r in reps if r["cameo"] == cameo["value"]]),
            "source": _vote([(b["label"], r["source"]) for b, r in reps]),
            "target": _vote([(b["label"], r["target"]) for b, r in reps]),
            "date": _date_vote([(b["label"], r["date"]) for b, r in reps]),
            "place": _vote([(b["label"], r["place"]) for b, r in reps]),
            "positions": {b["article_id"]: r["position"] for b, r in reps}}


def decided(ballots: list[dict[str, Any]]) -> dict[str, Any]:
    """The decided values only ({field: value}), as the store keeps them on the event row."""
    d = decide(ballots)
    return {k: d[k]["value"] for k in FIELDS}


def event_cameo(articles: list[dict[str, Any]]) -> str | None:
    """The event's CAMEO code as `consolidate` decides it, without the rest of the record."""
    return decide([ballot(a) for a in articles])["cameo"]["value"]


def consolidate(event_id: str, articles: list[dict[str, Any]],
                mentioned_in: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The event record from its member articles (dicts as `Store.get_article` returns them) and the mentions
    of it in reports of other events (`Store.event_mentioned_in`). Its type, source, target, date and place
    are `decide`'s, over each report's `ballot`: what the store keeps on the event row and every listing,
    page and export shows."""
    reports = sorted(articles, key=lambda a: (a.get("published") or "9999", a["id"]))
    votes = decide([ballot(a) for a in reports])
    record = {
        "id": event_id,
        "title": reports[0].get("title") if reports else None,
        "n_articles": len(reports),
        "outlets": sorted({_label(a) for a in reports}),
        "first_report": ({"article_id": reports[0]["id"], "outlet": _label(reports[0]),
                          "published": reports[0].get("published")} if reports else None),
        **{k: votes[k] for k in FIELDS},
        "main_mentions": votes["positions"],
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
                    v = term_vector(sent)
                    candidates.append((cosine(v, centroid) + 0.05 / (1 + pi + si), sent, v))
    chosen: list[tuple[str, dict[str, float]]] = []
    # each sentence's vector is made once: an event of 500 reports has thousands of candidates to compare
    for _, sent, v in sorted(candidates, key=lambda c: -c[0]):
        if all(cosine(v, cv) < 0.5 for _, cv in chosen):
            chosen.append((sent, v))
        if len(chosen) == n:
            break
    return [sent for sent, _ in chosen]


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
