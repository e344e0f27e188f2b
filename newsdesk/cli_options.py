"""Options, consoles and helpers shared by every CLI command (declared once, used everywhere)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console

from newsdesk.errors import InputError
from newsdesk.store import open_store

app = typer.Typer(
    add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
    help="newsdesk: turn raw news articles into a clean, structured record of political events.\n\n"
         "Example: newsdesk ingest articles/ && newsdesk articles",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOpt = Annotated[str | None, typer.Option("--db", help="SQLite file or postgresql:// URL (default: $NEWSDESK_DB or ./newsdesk.db).",
                                            show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many rows.")]


@contextmanager
def store_at(db: str | None):
    store = open_store(db)
    try:
        yield store
    finally:
        store.close()


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def fail_line(e: InputError) -> None:
    err.print(f"[red]failed[/red] {e}", markup=True, soft_wrap=True)


