"""The knowledge base: countries, demonyms, international organisations and people with dated offices,
loaded lazily once from versioned data files, with name, country, office and CAMEO actor-code lookup."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from newsdesk.kb.build import build_kb
from newsdesk.kb.load import user_files
from newsdesk.kb.model import Entry, KBError, Office
from newsdesk.kb.resolve import KnowledgeBase

__all__ = ["Entry", "KBError", "KnowledgeBase", "Office", "default_user_kb_dir", "load_kb"]

_CACHE: dict[tuple, KnowledgeBase] = {}


def default_user_kb_dir() -> Path:
    """Where `newsdesk kb add` puts user files: $NEWSDESK_KB_DIR, else ~/.local/share/newsdesk/kb."""
    env = os.environ.get("NEWSDESK_KB_DIR")
    return Path(env).expanduser() if env else Path.home() / ".local" / "share" / "newsdesk" / "kb"


def load_kb(extra: Iterable[Path] = ()) -> KnowledgeBase:
    """The built-in knowledge base plus the user files in `default_user_kb_dir()` plus `extra` files.

    Cached per process; a user file added, changed or removed since (by mtime and size) gives a fresh
    build. `KBError` names the file, the line or entry and the problem when a file is unusable."""
    paths = user_files(default_user_kb_dir()) + [Path(p) for p in extra]
    key = tuple((str(p), *_stat(p)) for p in paths)
    kb = _CACHE.get(key)
    if kb is None:
        kb = _CACHE[key] = build_kb(paths)
    return kb


def _stat(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)
