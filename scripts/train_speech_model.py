"""Train the speech-act model (`newsdesk/code/data/speech_model.json`) from `training/speech/*.jsonl`.

    python scripts/train_speech_model.py            # cross-validated report, then writes the model
    python scripts/train_speech_model.py --report-only

Each line: {"text", "speaker", "act": ACCUSE|SUPPORT|REQUEST|REJECT|THREATEN|NONE, "target", "kind":
direct|inside|reported|tweet}. Features are `newsdesk.code.speech.features`, the ones the coder computes at
run time. Reproducible: fixed folds and solver, the model's version is a digest of its weights. Needs
scikit-learn (not a runtime dependency: the shipped model is plain JSON)."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from newsdesk.code.speech import MODEL_FILE, NONE, features

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "training" / "speech"
OUT = ROOT / "newsdesk" / "code" / "data" / MODEL_FILE
KINDS = {"tweet": "post", "post": "post", "direct": "direct", "inside": "inside", "reported": "reported"}


def load(data: Path = DATA) -> tuple[list[list[str]], list[str], list[str]]:
    X, y, files = [], [], []
    for path in sorted(data.glob("*.jsonl")):
        files.append(path.stem)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            kind = KINDS.get(row.get("kind") or "direct")
            if kind is None or not row.get("text") or not row.get("act"):
                raise SystemExit(f"{path.name}:{n}: needs text, act and a known kind")
            X.append(features(row["text"], kind))
            y.append(row["act"])
    return X, y, files


def frequent(X: list[list[str]], min_count: int) -> list[list[str]]:
    """Keep the features seen in at least `min_count` sentences (a word met once teaches nothing that
    carries over, and the shipped model stays small)."""
    counts: dict[str, int] = {}
    for f in X:
        for x in f:
            counts[x] = counts.get(x, 0) + 1
    return [[x for x in f if counts[x] >= min_count] for f in X]


def report(X, y, c: float) -> dict:
    """5-fold cross-validated precision/recall of the acts (type right) at a few thresholds."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    vec = DictVectorizer()
    M = vec.fit_transform([dict.fromkeys(f, 1) for f in X])
    probs = [None] * len(y)
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=7).split(M, y):
        clf = LogisticRegression(C=c, max_iter=3000).fit(M[tr], [y[i] for i in tr])
        for i, p in zip(te, clf.predict_proba(M[te]), strict=True):
            probs[i] = dict(zip(clf.classes_, p, strict=True))
    out = {}
    for t in (0.4, 0.5, 0.6, 0.7):
        tp = fp = 0
        gold = sum(1 for g in y if g != NONE)
        for g, p in zip(y, probs, strict=True):
            act, pr = max(p.items(), key=lambda kv: kv[1])
            if act == NONE or pr < t:
                continue
            tp, fp = (tp + 1, fp) if act == g else (tp, fp + 1)
        prec, rec = tp / max(tp + fp, 1), tp / max(gold, 1)
        out[str(t)] = {"precision": round(prec, 3), "recall": round(rec, 3),
                       "f1": round(2 * prec * rec / max(prec + rec, 1e-9), 3)}
    return out


def train(X, y, c: float, threshold: float, files: list[str], cv: dict, min_count: int) -> dict:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    M = vec.fit_transform([dict.fromkeys(f, 1) for f in X])
    clf = LogisticRegression(C=c, max_iter=3000).fit(M, y)
    classes = list(clf.classes_)
    weights: dict[str, dict[str, float]] = {}
    for j, name in enumerate(vec.feature_names_):
        w = {str(k): round(float(clf.coef_[k, j]), 4) for k in range(len(classes)) if abs(clf.coef_[k, j]) >= 0.005}
        if w:
            weights[name] = w
    model = {"classes": classes, "intercept": [round(float(v), 4) for v in clf.intercept_],
             "threshold": threshold, "weights": weights,
             "training": {"c": c, "min_count": min_count, "sentences": len(y), "files": files, "cv": cv,
                          "labels": {k: y.count(k) for k in sorted(set(y))}}}
    digest = hashlib.sha256(json.dumps([classes, model["intercept"], weights], sort_keys=True).encode()).hexdigest()
    model["version"] = f"speech-{digest[:12]}"
    return model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--threshold", type=float, default=0.5, help="least probability of an act to record it")
    ap.add_argument("--min-count", type=int, default=2, help="least number of sentences a feature is seen in")
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--data", type=Path, default=DATA, help="folder of training JSONL files")
    ap.add_argument("--out", type=Path, default=OUT, help="where the model is written")
    a = ap.parse_args()
    X, y, files = load(a.data)
    X = frequent(X, a.min_count)
    cv = report(X, y, a.c)
    print(f"{len(y)} sentences from {', '.join(files)}; labels {json.dumps({k: y.count(k) for k in sorted(set(y))})}")
    for t, r in cv.items():
        print(f"  threshold {t}: precision {r['precision']:.3f} recall {r['recall']:.3f} f1 {r['f1']:.3f}")
    if a.report_only:
        return
    model = train(X, y, a.c, a.threshold, files, cv, a.min_count)
    a.out.write_text(json.dumps(model, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {a.out} ({model['version']}, {len(model['weights'])} features)")


if __name__ == "__main__":
    main()
