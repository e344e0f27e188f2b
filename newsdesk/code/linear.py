"""The shipped linear models of the code stage (the event judge, the speech-act model): a multinomial logistic
regression written as plain JSON by its training script — classes, intercepts, and for each feature the
weights of the classes it moves — read here once and applied in pure Python (no scikit-learn at run time)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import cache
from importlib import resources

__all__ = ["load_model", "probabilities"]


@cache
def load_model(file: str) -> dict | None:
    """The model in `newsdesk/code/data/<file>`, or None when the package ships none."""
    try:
        text = resources.files("newsdesk.code").joinpath("data", file).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    model = json.loads(text)
    # (class index, weight) pairs, converted once: the file keys classes by their index as a string
    model["pairs"] = {name: tuple((int(k), v) for k, v in w.items()) for name, w in model["weights"].items()}
    return model


def probabilities(model: dict, features: Iterable[str]) -> dict[str, float]:
    """P(class) for each of the model's classes, given the features present (each counted once)."""
    scores = list(model["intercept"])
    pairs = model["pairs"]
    for name in set(features):
        for k, v in pairs.get(name, ()):
            scores[k] += v
    top = max(scores)
    exp = [math.exp(s - top) for s in scores]
    total = sum(exp)
    return {c: e / total for c, e in zip(model["classes"], exp, strict=True)}
