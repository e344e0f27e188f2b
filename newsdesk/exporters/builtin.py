"""The built-in export formats, registered through the same hook a plugin's entry point provides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def register_builtins(register: Callable[..., Any], deprecated_alias: Callable[[str, str, str], None]) -> None:
    register("jsonl", "newsdesk.export:export_jsonl", help="one object per article source")
    register("csv", "newsdesk.export:export_csv", help="articles, one row per source")
    register("event-mentions-csv", "newsdesk.export:export_event_mentions_csv",
             help="one row per coded event mention, GDELT-like columns")
    register("events-jsonl", "newsdesk.export:export_events_jsonl", help="one consolidated record per event")
    register("gdelt", "newsdesk.exporters.gdelt:export_gdelt", options=("header",),
             help="GDELT 2.0 event columns, tab-separated")
    register("plover", "newsdesk.exporters.plover:export_plover", help="PLOVER JSON lines, one per event")
    register("parquet", "newsdesk.exporters.parquet:export_parquet", directory=True,
             help="one Parquet file per table (--out DIR)")
    # "events" names clustered events; the rows of this format are event mentions
    deprecated_alias("events-csv", "event-mentions-csv",
                     "--format events-csv is deprecated: its rows are event mentions; use --format event-mentions-csv")
