"""The API side of the query layer: each listing's declared filters (`newsdesk/query/filters.py`) and `_sort`
keys become its query parameters, so the API accepts exactly what the CLI and the web accept."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Query

from newsdesk import query
from newsdesk.query.filters import LISTINGS


@dataclass(frozen=True)
class ListingQuery:
    """A listing request's checked filter values and `_sort` key."""

    name: str
    values: dict[str, str]
    sort: str | None

    def fetch(self, src: query.Reader) -> query.Fetch:
        return query.fetch(src, self.name, self.values, self.sort)


def listing_query(name: str) -> Callable[..., ListingQuery]:
    """A FastAPI dependency taking listing `name`'s declared filters (and `_sort`, when it has sorts) as query
    parameters. Values are checked by the declarations (a bad one answers 400 naming it), as in the CLI."""
    listing = LISTINGS[name]

    def dependency(**raw: str | None) -> ListingQuery:
        sort = raw.pop("sort", None)
        return ListingQuery(name, listing.parse(raw), sort)

    params = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=None,
                                annotation=Annotated[str | None, Query(max_length=500, description=f.help)])
              for f in listing.filters]
    if listing.sorts:
        pattern = "^(" + "|".join(re.escape(s) for s in listing.sorts) + ")$"
        params.append(inspect.Parameter("sort", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
            str | None, Query(alias="_sort", pattern=pattern, description="Order: " + ", ".join(listing.sorts))]))
    dependency.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    dependency.__name__ = f"{name}_query"
    return dependency
