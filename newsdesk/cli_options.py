"""Options, consoles and helpers shared by every CLI command (declared once, used everywhere), and the one
place where an error a user can cause becomes a one-line message and an exit status."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.text import Text
from typer.core import TyperGroup

from newsdesk.errors import InputError, NewsdeskError
from newsdesk.query import fetch, single
from newsdesk.run import Run
from newsdesk.settings import Settings, load_settings
from newsdesk.store import Store, open_store

# Markup off unless a print asks for it: paths, ids and titles come from users and feeds, and one holding
# "[/red]" made rich raise MarkupError; a print with markup=True escapes what it interpolates (`rich.markup.escape`).
out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


class NewsdeskGroup(TyperGroup):
    """Runs a command; a `NewsdeskError` becomes one line on stderr and its exit status, Ctrl-C exit 130.

    Usage errors, `typer.Exit` and `typer.Abort` are left to typer (usage message, exit 2), whichever click
    typer uses (typer >= 0.29 vendors its own, so `click.ClickException` no longer matches them). Doing this
    inside the command, not around `app()`, makes in-process runs (`typer.testing.CliRunner`) show the same
    messages and exit codes as the console script."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except NewsdeskError as e:
            err.print(f"newsdesk: error: {e}", markup=False)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            err.print("newsdesk: interrupted; every article stored so far is complete", markup=False)
            raise typer.Exit(130) from None


app = typer.Typer(
    cls=NewsdeskGroup, add_completion=False, no_args_is_help=True, rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="newsdesk: turn raw news articles into a clean, structured record of political events.\n\n"
         "Example: newsdesk ingest articles/ && newsdesk articles",
)

_DATE_FORMS = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _iso_date(value: str | None, lengths: tuple[int, ...], forms: str) -> str | None:
    if value is None:
        return None
    if _DATE.fullmatch(value) and len(value) in lengths:
        try:
            dt.datetime.strptime(value, _DATE_FORMS[len(value)])  # the calendar's check: no 2022-13-45
            return value
        except ValueError:
            pass
    raise typer.BadParameter(f"{value!r} is not an ISO date ({forms})")


def date_prefix(value: str | None) -> str | None:
    """Option callback: an ISO date YYYY, YYYY-MM or YYYY-MM-DD that exists, else a usage error (exit 2)."""
    return _iso_date(value, (4, 7, 10), "YYYY, YYYY-MM or YYYY-MM-DD")


def day(value: str | None) -> str | None:
    """Option callback: an ISO date YYYY-MM-DD that exists, else a usage error (exit 2)."""
    return _iso_date(value, (10,), "YYYY-MM-DD")


def positive_size(value: float) -> float:
    """Option callback: a size in MB that is a finite number above 0 (not nan, inf or -1), else a usage error."""
    if not math.isfinite(value) or value <= 0:
        raise typer.BadParameter(f"{value} is not a size: give a number of megabytes above 0, e.g. 20")
    return value


DbOpt = Annotated[str | None, typer.Option("--db", help="SQLite file or postgresql:// URL (default: $NEWSDESK_DB or ./newsdesk.db).",
                                            show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many rows.")]
MaxSizeOpt = Annotated[float, typer.Option("--max-size-mb", callback=positive_size,
                                           help="Largest single article accepted.")]
SinceOpt = Annotated[str | None, typer.Option(callback=date_prefix,
                                              help="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD.")]
UntilOpt = Annotated[str | None, typer.Option(callback=date_prefix,
                                              help="Latest date (all of it): YYYY, YYYY-MM or YYYY-MM-DD.")]

ConfigOpt = Annotated[str | None, typer.Option(
    "--config", help="TOML settings file ([extract], [annotate], [code], [cluster], [link]); "
                     "NEWSDESK_<SECTION>_<KEY> variables override it, flags override both.", show_default=False)]


def run_settings(ctx: typer.Context, config: str | None, flags: dict[str, tuple[str, Any]]) -> Settings:
    """The run's `Settings`: defaults < --config file < environment < the flags given on the command line.
    `flags` maps a parameter name to (section.key, value); a flag left at its default does not count, so
    a file or variable is not overridden by a default the user never typed."""
    given = {key: value for param, (key, value) in flags.items()
             if (src := ctx.get_parameter_source(param)) is not None and src.name != "DEFAULT"}
    return load_settings(config, flags=given)


@contextmanager
def store_at(db: str | None, *, create: bool = False) -> Iterator[Store]:
    """The store at `db` (default: $NEWSDESK_DB or ./newsdesk.db), closed afterwards. Only commands that add
    articles pass `create=True`; every other command refuses a path that is not a newsdesk database."""
    store = open_store(db, create=create)
    try:
        yield store
    finally:
        store.close()


def read(db: str | None, method: str, *args: Any, **kwargs: Any) -> Any:
    """One store method's answer from the store at `db`, opened for it: `read(db, "get_actor", name)`."""
    with store_at(db) as store:
        return getattr(store, method)(*args, **kwargs)


def listed(db: str | None, listing: str, filters: dict[str, str] | None, limit: int, sort: str | None = None,
           offset: int = 0) -> list[dict[str, Any]]:
    """Rows `offset` to `offset + limit` of the query layer's `listing` (`newsdesk.query`, the one the API
    and the web use too) over the store at `db`."""
    with store_at(db) as store:
        return fetch(single(store), listing, filters or {}, sort)(limit, offset)


@contextmanager
def run_at(db: str | None, entry: str, settings: Settings, **run: Any) -> Iterator[tuple[Run, Progress]]:
    """A `Run` (`entry`, `run` its keywords) over the store at `db`, with a progress bar on standard error
    (drawn on a terminal only): how the commands that rework stored articles open the database."""
    with store_at(db) as store, Run(store, entry, settings, **run) as r, \
            Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        yield r, progress


def print_outcome(as_json: bool, counts: dict[str, int], line: str) -> None:
    """A command's outcome: its `counts` as JSON with --json, else `line` on standard error."""
    if as_json:
        print_json(counts)
    else:
        err.print(line, markup=False)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def fail_line(e: InputError) -> None:
    # the line names the input, whose name or id may hold "[/red]": markup for the label only
    err.print(Text("failed", style="red") + Text(f" {e}"), soft_wrap=True)
