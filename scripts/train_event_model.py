#!/usr/bin/env python3
"""Train the event judge (`newsdesk/code/data/event_model.json`): which candidate cues are asserted events,
and of which PLOVER type, from the project's own labelled sentences (`training/events/*.jsonl`, written for
newsdesk; see training/events/README.md). Needs scikit-learn (`pip install -e '.[train]'`).

usage: python scripts/train_event_model.py [--data training/events] [--out newsdesk/code/data/event_model.json]
                                           [--folds 5] [--seed 13] [--c 0.15] [--beta 0.5]
                                           [--veto P] [--retype P] [--add P] [--report-only]

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
NGEC = ROOT.parent / "shared" / "train" / "ngec-synthetic" / "stories.csv.zip"


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
    """(features, label, group, rules' view, file) for every candidate of every sentence, with the counts of
    labelled events found and missed by the candidates."""
    from newsdesk.annotate import annotate_docs
    from newsdesk.code.extract import candidates
    from newsdesk.code.judge import features, rules_view
    from newsdesk.records import Article

    arts = [Article(id=hashlib.sha1(r["text"].encode()).hexdigest()[:16], source="training", text=r["text"],
                    paragraphs=tuple(p for p in r["text"].split("\n\n") if p.strip()) or (r["text"],),
                    title=r.get("title"), published=r.get("published") or PUBLISHED) for r in rows]
    X, y, groups, views, files = [], [], [], [], []
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
            views.append(rules_view(cand))
            files.append(row["_file"])
        labelled = {(a, b, p) for a, b, p in spans}
        total_events += len(labelled)
        found_events += len({spans[k] for k in hit})
        for a, b, p in labelled - {spans[k] for k in hit}:
            missed[(row["text"][a:b].lower(), p)] += 1
    return X, y, groups, views, files, found_events, total_events, missed


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


def model_alone(probs: dict[str, float], threshold: float) -> str:
    """The model's own label, without the rules: its likeliest type when sure enough of it."""
    best = max((k for k in probs if k != "NONE"), key=probs.__getitem__)
    return best if probs[best] >= threshold and probs[best] > probs.get("NONE", 0.0) else "NONE"


def folds_by(keys: list[str], folds: int, seed: int) -> dict[str, int]:
    """Fold of each key (a sentence, or a file for cross-file figures)."""
    uniq = sorted(set(keys))
    random.Random(seed).shuffle(uniq)
    return {g: i % folds for i, g in enumerate(uniq)}


def cv_probabilities(X, y, keys, c: float, folds: int, seed: int, extra=None) -> list[dict[str, float]]:
    """P(class) of every example from a model fitted without its fold (folds over `keys`: no sentence, or no
    file, is in both parts); weak examples (`extra`: X, y, weight) join every training part."""
    from newsdesk.code.ontology import plover_types

    classes = set(plover_types()) | {"NONE"}
    fold_of = folds_by(keys, folds, seed)
    pred: list[dict[str, float]] = [{}] * len(y)
    eX, ey, ew = extra or ([], [], 0.0)
    for k in range(folds):
        tr = [i for i, g in enumerate(keys) if fold_of[g] != k]
        te = [i for i, g in enumerate(keys) if fold_of[g] == k]
        if not te or not tr:
            continue
        vec, clf = fit([X[i] for i in tr] + eX, [y[i] for i in tr] + ey, c, [1.0] * len(tr) + [ew] * len(ey))
        P = clf.predict_proba(vec.transform([dict.fromkeys(X[i], 1) for i in te]))
        for i, row in zip(te, P, strict=True):
            pred[i] = dict.fromkeys(classes, 0.0) | dict(zip(clf.classes_, row, strict=True))
    return pred


def scores(labels: list[str], y: list[str]) -> dict[str, float]:
    tp = sum(1 for a, b in zip(labels, y, strict=True) if a != "NONE" and a == b)
    npred = sum(1 for a in labels if a != "NONE")
    ngold = sum(1 for b in y if b != "NONE")
    detect = sum(1 for a, b in zip(labels, y, strict=True) if a != "NONE" and b != "NONE")
    p, r = tp / max(npred, 1), tp / max(ngold, 1)
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / max(p + r, 1e-9), 3),
            "type_acc_of_detected": round(tp / max(detect, 1), 3)}


def policy(pred, views, th: dict[str, float]) -> list[str]:
    """What the code stage records for each candidate under thresholds `th` (the judge's own decision)."""
    from newsdesk.code.judge import decide

    return [decide(p, v, th) or "NONE" for p, v in zip(pred, views, strict=True)]


# 0: whenever the model's type is likelier (than the rules' type, than no event); above 1: never
GRID = {"veto": (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01), "retype": (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01),
        "add": (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)}


def f_beta(s: dict[str, float], beta: float) -> float:
    p, r = s["precision"], s["recall"]
    return (1 + beta ** 2) * p * r / max(beta ** 2 * p + r, 1e-9)


def choose_thresholds(pred, views, y, beta: float, slack: float | None = None,
                      fixed: dict[str, float] | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """The thresholds of the best F-beta of the code stage's decision on cross-validated probabilities
    (beta < 1 weighs precision more), and its scores. With `slack`, only those whose recall is within `slack`
    of the rules' own count; `fixed` thresholds are not searched."""
    fixed = fixed or {}
    floor = -1.0
    if slack is not None:
        floor = scores(policy(pred, views, {"veto": 1.01, "retype": 1.01, "add": 1.01}), y)["recall"] - slack
    best, best_th, best_s = -1.0, {}, {}
    for veto in GRID["veto"] if "veto" not in fixed else (fixed["veto"],):
        for retype in GRID["retype"] if "retype" not in fixed else (fixed["retype"],):
            for add in GRID["add"] if "add" not in fixed else (fixed["add"],):
                th = {"veto": veto, "retype": retype, "add": add}
                s = scores(policy(pred, views, th), y)
                if s["recall"] >= floor - 1e-9 and f_beta(s, beta) > best + 1e-9:
                    best, best_th, best_s = f_beta(s, beta), th, s
    return best_th, best_s


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
    # how sure the model must be to overrule the rules (see newsdesk/code/judge.py): by default chosen by
    # cross-validation on the training sentences (the best F-beta of the decision); a threshold above 1 is
    # never reached
    ap.add_argument("--veto", type=float, help="P(no event) at which a rules' event is dropped")
    ap.add_argument("--retype", type=float, help="P(type) at which a rules' event is retyped")
    ap.add_argument("--add", type=float, help="P(type) at which a candidate the rules drop is kept")
    ap.add_argument("--beta", type=float, default=1.0, help="F-beta the thresholds are chosen by (< 1: precision)")
    ap.add_argument("--recall-slack", type=float, default=0.02,
                    help="recall (cross-file) the model's vetoes may cost against the rules' own")
    ap.add_argument("--report-only", action="store_true", help="cross-validate only; write no model")
    ap.add_argument("--ngec", default=str(NGEC),
                    help="synthetic stories with document labels as weak positives (default: ../shared/train/"
                         "ngec-synthetic/stories.csv.zip when present; '' for none): news written by another hand, "
                         "they keep the model from vetoing events worded unlike the project's sentences")
    ap.add_argument("--ngec-limit", type=int, default=800)
    ap.add_argument("--ngec-weight", type=float, default=0.3)
    args = ap.parse_args()
    # the shipped model must not depend on itself: candidates are generated with the rules' verdicts only
    from newsdesk.code.linear import load_model

    load_model.cache_clear()
    rows = load_sentences(Path(args.data))
    X, y, groups, views, files, found, total, missed = examples(rows)
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
    extra = (eX, ey, args.ngec_weight)
    pred = cv_probabilities(X, y, groups, args.c, args.folds, args.seed, extra)
    alone = {str(t): scores([model_alone(p, t) for p in pred], y) for t in (0.0, 0.3, 0.4, 0.5, 0.6)}
    for t, m in alone.items():
        print(f"cv (by sentence), the model alone at {t}: {m}")
    nfiles = len(set(files))
    # cross-file folds: each file's domain and writer unseen in training, the nearest thing here to news
    # from another outlet and year; the thresholds are chosen on them when there are enough files
    by_file = cv_probabilities(X, y, files, args.c, nfiles, args.seed, extra) if nfiles >= 3 else pred
    never = {"veto": 1.01, "retype": 1.01, "add": 1.01}
    # cross-validation on the project's own sentences over-rates overruling the rules: the thresholds of its
    # best F1 (veto 0.4, always retype, add at 0.4) cut real news sentences' type accuracy (PLV dev .764 ->
    # .641) and broke 5 of the 105 seed checks. So by default the model only vetoes, and only as far as it
    # keeps the rules' cross-validated recall within --recall-slack; retyping and adding are opt-in
    fixed = {k: getattr(args, k) for k in ("veto", "retype", "add") if getattr(args, k) is not None}
    fixed = {"retype": 1.01, "add": 1.01} | fixed
    th, _ = choose_thresholds(by_file, views, y, args.beta, args.recall_slack, fixed)
    best_f, best_s = choose_thresholds(by_file, views, y, args.beta)
    figures = {"rules_only": scores(policy(pred, views, never), y), "thresholds": th,
               "by_sentence": scores(policy(pred, views, th), y), "by_file": scores(policy(by_file, views, th), y),
               "by_file_rules_only": scores(policy(by_file, views, never), y), "beta": args.beta, "files": nfiles,
               "recall_slack": args.recall_slack, "unconstrained_best": {"thresholds": best_f, "by_file": best_s}}
    print(f"the code stage's decision (rules + model), thresholds {th} (cross-file F-beta {args.beta}, recall "
          f"within {args.recall_slack} of the rules'; unconstrained best {best_f}: {best_s}):")
    print(f"  rules alone:          {figures['rules_only']}")
    print(f"  cv by sentence:       {figures['by_sentence']}")
    print(f"  cv by file ({nfiles} folds): {figures['by_file']}")
    if args.report_only:
        return 0
    vec, clf = fit(X + eX, y + ey, args.c, [1.0] * len(y) + [args.ngec_weight] * len(ey))
    meta = {"sentences": len(rows), "candidates": len(y), "labels": dict(sorted(counts.items())),
            "weak_positives": len(ey), "weak_weight": args.ngec_weight, "c": args.c,
            "cv": alone, "decision_cv": figures, "files": sorted({r["_file"] for r in rows})}
    model = export(vec, clf, th, meta)
    Path(args.out).write_text(json.dumps(model, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({model['version']}, {len(model['weights'])} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
