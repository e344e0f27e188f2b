"""Bulk export formats beside the built-in JSONL/CSV: `parquet` (a directory, one file per table), `gdelt`
(GDELT 2.0 event columns, tab-separated, no header unless `header=True`) and `plover` (PLOVER JSON lines). Each
is a function `(store, out) -> int`; `out` is a text stream, except for `parquet`, which takes a directory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from newsdesk.exporters.gdelt import export_gdelt
from newsdesk.exporters.plover import export_plover


def export_parquet(store: Any, out: Any) -> int:
    """Lazy wrapper: pyarrow is imported only when this format is used."""
    from newsdesk.exporters.parquet import export_parquet as run

    return run(store, out)


EXPORTERS: dict[str, Callable[[Any, Any], int]] = {"parquet": export_parquet, "gdelt": export_gdelt,
                                                   "plover": export_plover}
DIRECTORY_FORMATS = frozenset({"parquet"})  # take --out DIR, not a stream

__all__ = ["DIRECTORY_FORMATS", "EXPORTERS", "export_gdelt", "export_parquet", "export_plover"]
