"""Why each event candidate of an article was recorded or dropped: the coding stage run again on the article's
text, one row per candidate (cue, the rules' code and verdict, the model's view, the final decision). The
debug view behind `newsdesk candidates` and `GET /api/v1/articles/{id}/candidates`; nothing here is stored."""

from __future__ import annotations

import threading
from typing import Any

from newsdesk.code.discourse import sentences
from newsdesk.code.extract import candidates, code_article
from newsdesk.code.judge import NONE, judge, probabilities
from newsdesk.code.ontology import to_plover
from newsdesk.records import Article, RemovedLine

__all__ = ["article_of", "explain_article"]

Row = dict[str, Any]

# spaCy's pipeline is not documented as thread-safe, and the API serves requests from a thread pool
_LOCK = threading.Lock()


def article_of(row: dict[str, Any]) -> Article:
    """The `Article` a stored article row (`Store.get_article`) was annotated from."""
    return Article(id=row["id"], source=row.get("source") or "", text=row["text"],
                   paragraphs=tuple(row.get("paragraphs") or ()),
                   removed=tuple(RemovedLine(x["text"], x["reason"]) for x in row.get("removed") or ()),
                   published=row.get("published"), language=row.get("language"), title=row.get("title"))


def explain_article(article: Article, *, all_sentences: bool = False) -> list[Row]:
    """One row per event candidate of `article`, in text order.

    Each row has the cue (`cue`: the pattern, `trigger`: the words matched), the rules' CAMEO `code` and its
    PLOVER type, why the rules would drop it (`drop`: irrealis, negated, possible, obligation, subordinate,
    governed, weak_noun, not_predicate; None when they assert it), the model's `p_none` and best type, and
    the decision: `recorded` with `recorded_code`, or the `reason` it was dropped (the rules' reason; `model`
    when the model vetoed an event the rules assert; `no_actors` when neither side has a country or a role).
    `all_sentences`: also one row (candidate fields None) for each sentence without a candidate."""
    from newsdesk.annotate import annotate_docs  # annotation (and spaCy) loads only when a view asks

    with _LOCK:
        ann, doc = next(annotate_docs([article]))
        if doc is None:  # not English: the coder does not read it
            return []
        found = candidates(ann, doc)
        rows = [_row(article.id, c) for c in found]
        # the recorded events, as the pipeline stores them (judge, sides, sharing between sentences)
        events = code_article(ann, doc)
    recorded: dict[tuple[int, str], str] = {}
    for e in events:
        recorded.setdefault((e.start, e.trigger), e.cameo)
    for r in rows:
        code = recorded.get((r["start"], r["trigger"]))
        if code is not None:
            r.update(recorded=True, recorded_code=code, reason=None, decision=f"recorded as {code}")
        else:
            reason = r["drop"] if r["judged_code"] is None and r["drop"] else \
                "model" if r["judged_code"] is None else "no_actors"
            r.update(recorded=False, recorded_code=None, reason=reason, decision=f"dropped: {reason}")
    if all_sentences:
        have = {r["sentence_index"] for r in rows}
        rows += [_empty(article.id, si, s) for si, s in enumerate(sentences(doc)) if si not in have]
        rows.sort(key=lambda r: r["sentence_index"])
    return rows


def _row(article_id: str, cand) -> Row:
    sent, cue = cand.sent, cand.cue
    trig = cand.ctx.doc[cue.tokens[0]: cue.tokens[-1] + 1]  # as the event mention names its trigger
    probs = probabilities(cand)
    best = max((c for c in probs if c != NONE), key=probs.__getitem__) if probs else None
    sources, targets = cand.sides
    return {
        "article_id": article_id, "sentence_index": cand.sentence_index, "sentence": sent.text,
        "start": sent.start_char, "end": sent.end_char,
        "cue": cue.pattern.text, "trigger": trig.text if len(trig) <= 8 else cand.ctx.doc[cue.head].text,
        "code": cand.code, "plover": to_plover(cand.code)[0] or None, "drop": cand.drop,
        "negated": cand.negated, "mode": cand.mode,
        "p_none": round(probs[NONE], 3) if probs else None, "model_type": best,
        "model_p": round(probs[best], 3) if probs and best else None,
        "judged_code": judge(cand),
        "source": [a.name or a.text for a in sources if a is not None],
        "target": [a.name or a.text for a in targets if a is not None],
    }


def _empty(article_id: str, si: int, sent) -> Row:
    row: Row = {"article_id": article_id, "sentence_index": si, "sentence": sent.text, "start": sent.start_char,
                "end": sent.end_char}
    for key in ("cue", "trigger", "code", "plover", "drop", "negated", "mode", "p_none", "model_type", "model_p",
                "judged_code", "source", "target", "recorded", "recorded_code", "reason", "decision"):
        row[key] = None
    return row
