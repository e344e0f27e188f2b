"""The CLI side of the query layer: a listing command takes exactly the filters its listing declares
(`newsdesk/query/filters.py`) as options, built from the declarations, checked as the API and the web check."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from newsdesk.query.filters import LISTINGS, Filter, FilterError, Listing


def _check(f: Filter) -> Callable[[str | None], str | None]:
    def callback(value: str | None) -> str | None:
        try:
            return f.value(value)
        except FilterError as e:
            raise typer.BadParameter(e.reason) from None
    return callback


def _sort_check(listing: Listing) -> Callable[[str | None], str | None]:
    def callback(value: str | None) -> str | None:
        if value is not None and value not in listing.sorts:
            raise typer.BadParameter(f"{value!r} is not an order of {listing.name}; choose one of: "
                                     f"{', '.join(listing.sorts)}")
        return value
    return callback


def filter_options(name: str, *, own_way: dict[str, str] | None = None,
                   ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command one `--NAME` option per declared filter of listing `name` (and `--sort` when it has
    sorts). The command takes `filters: dict[str, str]` (the given values, checked and normalised) and, with
    sorts, `sort: str | None`. `own_way` maps a filter to a parameter the command declares itself (the
    argument QUERY of `search` is the filter `q`); its value is checked and passed on in `filters` too."""
    listing = LISTINGS[name]
    own_way = own_way or {}

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        own = [p for p in inspect.signature(fn, eval_str=True).parameters.values() if p.name != "filters"]
        if listing.sorts:
            own = [p for p in own if p.name != "sort"]
        added = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
            str | None, typer.Option(f"--{f.name}", help=f.help, callback=_check(f), show_default=False)])
            for f in listing.filters if f.name not in own_way]
        if listing.sorts:
            added.append(inspect.Parameter("sort", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
                str | None, typer.Option("--sort", help=f"Order: {', '.join(listing.sorts)} (default "
                                         f"{listing.sorts[0]}).", callback=_sort_check(listing))]))
        params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + added

        @functools.wraps(fn)
        def command(**kw: Any) -> Any:
            try:
                values = {f.name: f.value(kw[own_way[f.name]]) if f.name in own_way else kw.pop(f.name)
                          for f in listing.filters}
            except FilterError as e:
                raise typer.BadParameter(e.reason, param_hint=repr(own_way[e.name].upper())) from None
            return fn(filters={k: v for k, v in values.items() if v is not None}, **kw)

        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command
    return deco
