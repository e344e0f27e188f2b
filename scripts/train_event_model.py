#!/usr/bin/env python3
"""Train the event judge (`newsdesk/code/data/event_model.json`): which candidate cues are asserted events,
and of which PLOVER type, from the project's own labelled sentences (`training/events/*.jsonl`, written for
newsdesk; see training/events/README.md). Needs scikit-learn (`pip install -e '.[train]'`).

usage: python scripts/train_event_model.py [--data training/events] [--out newsdesk/code/data/event_model.json]
                                           [--folds 5] [--seed 13] [--c 0.5] [--report-only]

Every sentence is run through newsdesk's own annotation and candidate generation; a candidate whose cue
overlaps a labelled trigger gets that event's type, any other candidate NONE. The figures printed are
cross-validated by sentence (no sentence is in both the fold's training and test part).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = "2021-06-15"


def load_sentences(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as e:
                sys.exit(f"{path}:{n}: not JSON ({e})")
            row["_file"] = path.stem
            rows.append(row)
    return rows


def trigger_spans(text: str, events: list[dict]) -> list[tuple[int, int, str]]:
    """Character spans of the labelled triggers: inside the event's own `sentence` when the row is a whole
    article, anywhere in the text when it is one sentence."""
    out = []
    for ev in events:
        trig, plover = ev.get("trigger") or "", (ev.get("plover") or "").upper()
        if not trig or not plover:
            continue
        lo, hi = 0, len(text)
        if ev.get("sentence"):
            lo = text.find(ev["sentence"])
            if lo < 0:
                continue
            hi = lo + len(ev["sentence"])
        i = text.find(trig, lo, hi)
        while i >= 0:
            out.append((i, i + len(trig), plover))
            i = text.find(trig, i + 1, hi)
    return out


def examples(rows: list[dict]):
    """(features, label, group, trigger found) for every candidate of every sentence."""
    from newsdesk.annotate import annotate_docs
    from newsdesk.code.extract import candidates
    from newsdesk.code.judge import features
    from newsdesk.records import Article

    arts = [Article(id=hashlib.sha1(r["text"].encode()).hexdigest()[:16], source="training", text=r["text"],
                    paragraphs=tuple(p for p in r["text"].split("\n\n") if p.strip()) or (r["text"],),
                    title=r.get("title"), published=r.get("published") or PUBLISHED) for r in rows]
    X, y, groups = [], [], []
    missed = Counter()
    found_events = total_events = 0
    for (ann, doc), row in zip(annotate_docs(arts), rows, strict=True):
        spans = trigger_spans(row["text"], row.get("events") or [])
        hit = set()
        for cand in candidates(ann, doc):
            pdoc = cand.tok.doc
            label = "NONE"
            # the cue's own words first, then those of the action it governs ("vowed to retaliate")
            for toks in (cand.cue.tokens, cand.action.tokens if cand.action else ()):
                cspans = [(cand.sent.start_char + pdoc[i].idx, cand.sent.start_char + pdoc[i].idx + len(pdoc[i]))
                          for i in toks]
                k = next((k for k, (a, b, _) in enumerate(spans) if any(s < b and a < e for s, e in cspans)), None)
                if k is not None:
                    label = spans[k][2]
                    hit.add(k)
                    break
            X.append(features(cand))
            y.append(label)
            groups.append(row["text"])
        labelled = {(a, b, p) for a, b, p in spans}
        total_events += len(labelled)
        found_events += len({spans[k] for k in hit})
        for a, b, p in labelled - {spans[k] for k in hit}:
            missed[(row["text"][a:b].lower(), p)] += 1
    return X, y, groups, found_events, total_events, missed


def ngec_examples(path: Path, limit: int, seed: int):
    """Weak positives from the synthetic stories' document labels: a candidate the rules assert, of the
    story's own type, in a story of that type (other candidates of the story are of unknown label: unused)."""
    import csv
    import io
    import zipfile

    from newsdesk.annotate import annotate_docs
    from newsdesk.code.extract import candidates
    from newsdesk.code.judge import features
    from newsdesk.code.ontology import to_plover
    from newsdesk.records import Article

    csv.field_size_limit(10**7)
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith(".csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(z.open(name), encoding="utf-8")))
    random.Random(seed).shuffle(rows)
    rows = rows[:limit]
    arts = [Article(id=f"ngec{i}", source="ngec", text=r["text"], paragraphs=(r["text"],), published=PUBLISHED)
            for i, r in enumerate(rows)]
    X, y, groups = [], [], []
    for (ann, doc), row in zip(annotate_docs(arts), rows, strict=True):
        label = row["label"].strip().upper()
        for cand in candidates(ann, doc):
            if cand.drop is None and to_plover(cand.code)[0] == label:
                X.append(features(cand))
                y.append(label)
                groups.append(f"ngec:{ann.article.id}")
    return X, y, groups


def fit(X, y, c: float, weights=None):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    M = vec.fit_transform([dict.fromkeys(f, 1) for f in X])
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(M, y, sample_weight=weights)
    return vec, clf


def decide(probs: dict[str, float], threshold: float) -> str:
    best = max((k for k in probs if k != "NONE"), key=probs.__getitem__)
    return best if probs[best] >= threshold and probs[best] > probs.get("NONE", 0.0) else "NONE"


def cross_validate(X, y, groups, c: float, folds: int, seed: int, extra=None) -> dict:
    """Folds over the labelled sentences; weak examples (`extra`: X, y, weight) join every training part."""
    keys = sorted(set(groups))
    random.Random(seed).shuffle(keys)
    fold_of = {g: i % folds for i, g in enumerate(keys)}
    pred = [None] * len(y)
    eX, ey, ew = extra or ([], [], 0.0)
    for k in range(folds):
        tr = [i for i, g in enumerate(groups) if fold_of[g] != k]
        te = [i for i, g in enumerate(groups) if fold_of[g] == k]
        vec, clf = fit([X[i] for i in tr] + eX, [y[i] for i in tr] + ey, c, [1.0] * len(tr) + [ew] * len(ey))
        P = clf.predict_proba(vec.transform([dict.fromkeys(X[i], 1) for i in te]))
        for i, row in zip(te, P, strict=True):
            pred[i] = dict(zip(clf.classes_, row, strict=True))
    out = {}
    for t in (0.0, 0.3, 0.4, 0.5, 0.6):
        labels = [decide(p, t) for p in pred]
        tp = sum(1 for a, b in zip(labels, y, strict=True) if a != "NONE" and a == b)
        npred = sum(1 for a in labels if a != "NONE")
        ngold = sum(1 for b in y if b != "NONE")
        detect = sum(1 for a, b in zip(labels, y, strict=True) if a != "NONE" and b != "NONE")
        p, r = tp / max(npred, 1), tp / max(ngold, 1)
        out[t] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / max(p + r, 1e-9), 3),
                  "type_acc_of_detected": round(tp / max(detect, 1), 3)}
    return out


def export(vec, clf, thresholds: dict, meta: dict) -> dict:
    classes = list(clf.classes_)
    weights: dict[str, dict[str, float]] = {}
    for j, name in enumerate(vec.feature_names_):
        col = {str(k): round(float(clf.coef_[k, j]), 4) for k in range(len(classes)) if abs(clf.coef_[k, j]) >= 1e-3}
        if col:
            weights[name] = col
    digest = hashlib.sha256(json.dumps([classes, weights], sort_keys=True).encode()).hexdigest()[:12]
    return {"version": f"judge-{digest}", "classes": classes,
            "intercept": [round(float(v), 4) for v in clf.intercept_], "thresholds": thresholds,
            "weights": weights, "training": meta}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT / "training" / "events"))
    ap.add_argument("--out", default=str(ROOT / "newsdesk" / "code" / "data" / "event_model.json"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--c", type=float, default=0.15)  # dev: 0.15 beat 0.5 on every event set
    # how sure the model must be to overrule the rules (see newsdesk/code/judge.py); chosen on the dev parts
    # of the event sets with `python scripts/eval.py --half dev`
    # (dev: retyping and adding lowered the PLV sentences' type accuracy more than they raised the articles'
    # precision, so both are off by default: a threshold above 1 is never reached)
    ap.add_argument("--veto", type=float, default=0.9, help="P(no event) at which a rules' event is dropped")
    ap.add_argument("--retype", type=float, default=1.01, help="P(type) at which a rules' event is retyped")
    ap.add_argument("--add", type=float, default=1.01, help="P(type) at which a candidate the rules drop is kept")
    ap.add_argument("--report-only", action="store_true", help="cross-validate only; write no model")
    ap.add_argument("--ngec", default="",
                    help="synthetic stories with document labels as weak positives (../shared/train/ngec-synthetic/"
                         "stories.csv.zip); left out by default: on the dev sets they lowered precision")
    ap.add_argument("--ngec-limit", type=int, default=1500)
    ap.add_argument("--ngec-weight", type=float, default=0.3)
    args = ap.parse_args()
    # the shipped model must not depend on itself: candidates are generated with the rules' verdicts only
    from newsdesk.code.linear import load_model

    load_model.cache_clear()
    rows = load_sentences(Path(args.data))
    X, y, groups, found, total, missed = examples(rows)
    counts = Counter(y)
    print(f"{len(rows)} sentences, {total} labelled events, {found} of them found by a candidate "
          f"({found / max(total, 1):.3f}); {len(y)} candidates: {dict(sorted(counts.items()))}")
    print("commonest labelled triggers no candidate covers:",
          ", ".join(f"{t!r}/{p} x{n}" for (t, p), n in missed.most_common(25)))
    eX, ey = [], []
    if args.ngec and Path(args.ngec).exists() and args.ngec_limit > 0:
        eX, ey, _ = ngec_examples(Path(args.ngec), args.ngec_limit, args.seed)
        print(f"ngec-synthetic: {len(ey)} weak positives from {args.ngec_limit} stories: "
              f"{dict(sorted(Counter(ey).items()))}")
    elif args.ngec:
        print(f"ngec-synthetic: {args.ngec} not found; trained without it")
    cv = cross_validate(X, y, groups, args.c, args.folds, args.seed, (eX, ey, args.ngec_weight))
    for t, m in cv.items():
        print(f"cv threshold {t}: {m}")
    if args.report_only:
        return 0
    vec, clf = fit(X + eX, y + ey, args.c, [1.0] * len(y) + [args.ngec_weight] * len(ey))
    meta = {"sentences": len(rows), "candidates": len(y), "labels": dict(sorted(counts.items())),
            "weak_positives": len(ey), "weak_weight": args.ngec_weight, "c": args.c,
            "cv": {str(k): v for k, v in cv.items()}, "files": sorted({r["_file"] for r in rows})}
    model = export(vec, clf, {"veto": args.veto, "retype": args.retype, "add": args.add}, meta)
    Path(args.out).write_text(json.dumps(model, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({model['version']}, {len(model['weights'])} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
