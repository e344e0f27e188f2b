"""Code: `AnnotatedArticle` + its spaCy doc -> CAMEO/PLOVER event mentions (who did what to whom, when,
where). The ontology and the pattern dictionary are data files under `newsdesk/code/data/`."""

from __future__ import annotations

from newsdesk.code.extract import CODER_VERSION, code_article
from newsdesk.code.ontology import CameoCode, cameo, to_plover

__all__ = ["CODER_VERSION", "CameoCode", "cameo", "code_article", "to_plover"]
