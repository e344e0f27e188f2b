"""The one table of role words -> CAMEO sector (`data/role_sectors.csv`), read by the annotator's role phrases
and the coder's actor heads alike, so one word never has two sectors."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from newsdesk.kb.load import DATA_DIR
from newsdesk.kb.model import SECTORS, KBError

__all__ = ["ROLE_SECTORS_FILE", "SectorTable", "sector_table"]

ROLE_SECTORS_FILE = DATA_DIR / "role_sectors.csv"
# CAMEO role codes beyond the KB's office sectors: labour, refugees, intelligence services
_CODES = frozenset(SECTORS) | {"LAB", "REF", "SPY"}


@dataclass(frozen=True)
class SectorTable:
    sectors: Mapping[str, str]  # lower-cased word or phrase -> sector
    titles: frozenset[str]  # the words that are also an office's title ("envoy", "foreign minister")


@lru_cache(maxsize=1)
def sector_table() -> SectorTable:
    """The table, read and checked once per process."""
    where = ROLE_SECTORS_FILE.name
    sectors: dict[str, str] = {}
    titles = set()
    with ROLE_SECTORS_FILE.open(encoding="utf-8", newline="") as f:
        lines = (line for line in f if not line.startswith("#"))
        for n, row in enumerate(csv.DictReader(lines), start=2):
            word, sector = (row.get("word") or "").strip().lower(), (row.get("sector") or "").strip()
            if not word or sector not in _CODES:
                raise KBError(where, f"row {n}: needs a word and a CAMEO sector (one of {', '.join(sorted(_CODES))})")
            if word in sectors:
                raise KBError(where, f"row {n}: {word!r} listed twice (one sector per word)")
            sectors[word] = sector
            if (row.get("title") or "").strip() == "yes":
                titles.add(word)
    return SectorTable(MappingProxyType(sectors), frozenset(titles))
