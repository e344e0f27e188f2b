"""Code: `AnnotatedArticle` + its spaCy doc -> CAMEO/PLOVER event mentions (who did what to whom, when,
where). The ontology and the pattern dictionary are data files under `newsdesk/code/data/`."""

from __future__ import annotations

from newsdesk.code.extract import CODER_VERSION, code_article
from newsdesk.code.judge import model_version
from newsdesk.code.ontology import CameoCode, cameo, to_plover
from newsdesk.code.speech import speech_version

__all__ = ["CODER_VERSION", "CameoCode", "cameo", "code_article", "coder_version", "to_plover"]


def coder_version() -> str:
    """The coder's version with its models' ("4/judge-3b7a82b98db8/speech-21226b5caf2b"), as run manifests
    record it."""
    return f"{CODER_VERSION}/{model_version() or 'rules'}/{speech_version() or 'no-speech'}"
