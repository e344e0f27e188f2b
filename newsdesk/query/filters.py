"""The filters of every listing, declared once: their names, what a value must look like and what it means.
The CLI options, the API query parameters and the web form fields are all built from these declarations."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from newsdesk.code.ontology import plover_types
from newsdesk.errors import NewsdeskError

DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"
_DATE_FORMS = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}


class FilterError(NewsdeskError):
    """A filter value that does not fit its declaration: one line naming the filter, the value and why."""

    exit_code = 2  # a usage error, as the CLI's option checks

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}={reason}" if reason.startswith("'") else f"{name}: {reason}")
        self.name = name
        self.reason = reason


def _date(value: str) -> str:
    if not re.fullmatch(DATE_PATTERN, value):
        raise ValueError(f"{value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    try:  # the calendar's check too: 2022-13-45 has the right shape but is no date
        dt.datetime.strptime(value, _DATE_FORMS[len(value)])
    except (KeyError, ValueError):
        raise ValueError(f"{value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return value


@lru_cache(maxsize=1)
def plover_names() -> tuple[str, ...]:
    return tuple(plover_types())


def _plover(value: str) -> str:
    if value.upper() not in plover_names():
        raise ValueError(f"{value!r} is not a PLOVER type; choose one of: {', '.join(plover_names())}")
    return value.upper()


@dataclass(frozen=True)
class Filter:
    """One filter: `name` is the CLI option (`--name`), the query parameter and the form field alike.
    `pattern` is the shape a value must have (checked first, everywhere); `parse` then normalises it or
    raises ValueError with the reason."""

    name: str
    help: str
    pattern: str
    parse: Callable[[str], str] = str

    def value(self, raw: str | None) -> str | None:
        """The normalised value of `raw` (None when empty), or FilterError naming the filter and the reason."""
        raw = (raw or "").strip()
        if not raw:
            return None
        if not re.fullmatch(self.pattern, raw):
            raise FilterError(self.name, f"{raw[:40]!r} is not a valid value ({self.help})")
        try:
            return self.parse(raw)
        except ValueError as e:
            raise FilterError(self.name, str(e)) from None


ACTOR = Filter("actor", "Source or target actor: name or id.", r".{1,200}")
COUNTRY = Filter("country", "Source or target country (ISO-3, e.g. RUS) or IGO code.", r"[A-Za-z]{2,9}",
                 str.upper)
CAMEO = Filter("cameo", "CAMEO code prefix, e.g. 14 or 0251.", r"\d{1,4}")
PLOVER = Filter("plover", "PLOVER event type, e.g. PROTEST.", r"[A-Za-z]{3,12}", _plover)
# dates: any short text passes the shape check, so that the calendar check names what is wrong with it
SINCE = Filter("since", "Earliest date: YYYY, YYYY-MM or YYYY-MM-DD.", r".{1,40}", _date)
UNTIL = Filter("until", "Latest date (all of it): YYYY, YYYY-MM or YYYY-MM-DD.", r".{1,40}", _date)
STORY = Filter("story", "Only events of this story id.", r"[0-9a-zA-Z_-]{1,64}")
Q = Filter("q", "Full-text query (words, \"phrases\", OR); empty lists every article.", r"(?s).{1,500}")
OUTLET = Filter("outlet", "Outlet name, exact (any case).", r".{1,200}")
SPEAKER = Filter("speaker", "Speaker name or actor id.", r".{1,200}")
ACTOR_COUNTRY = Filter("country", "Country of the actor (ISO-3, e.g. RUS).", r"[A-Za-z]{2,9}", str.upper)

EVENT_FILTERS = (ACTOR, COUNTRY, CAMEO, PLOVER, SINCE, UNTIL)


@dataclass(frozen=True)
class Listing:
    """A listing: its filters and the `_sort` keys it accepts (the first is the default order)."""

    name: str
    filters: tuple[Filter, ...]
    sorts: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.filters)

    def parse(self, raw: dict[str, str | None]) -> dict[str, str]:
        """Declared filters only, normalised, empty ones left out; FilterError on the first bad value."""
        out = {}
        for f in self.filters:
            v = f.value(raw.get(f.name))
            if v is not None:
                out[f.name] = v
        return out

    def parse_lenient(self, raw: dict[str, str | None]) -> tuple[dict[str, str], list[str]]:
        """As `parse`, but a bad value is left out and named (the web form: a page never fails)."""
        out, problems = {}, []
        for f in self.filters:
            try:
                v = f.value(raw.get(f.name))
            except FilterError as e:
                problems.append(f"ignored {e}")
                continue
            if v is not None:
                out[f.name] = v
        return out, problems


# the clustered events (one row per real-world event): CAMEO and PLOVER match the event's decided code (the
# one `newsdesk event` shows); actor and country any of its reports' coded mentions
EVENTS = Listing("events", (*EVENT_FILTERS, STORY), ("-date", "date", "n_articles", "-n_articles", "n_sources",
                                                     "-n_sources"))
# coded event mentions, one per sentence
MENTIONS = Listing("mentions", EVENT_FILTERS)
# articles: full text, outlet, publication dates, and the coded mentions they report
SEARCH = Listing("search", (Q, OUTLET, *EVENT_FILTERS))
ARTICLES = Listing("articles", (OUTLET, SINCE, UNTIL), ("-published", "published", "title"))
ACTORS = Listing("actors", (ACTOR_COUNTRY,), ("-articles", "name", "-quotes"))
QUOTES = Listing("quotes", (SPEAKER,))
STORIES = Listing("stories", ())
# geocoded places of the coded mentions matching the filters (the world map)
PLACES = Listing("places", EVENT_FILTERS)

LISTINGS = {x.name: x for x in (EVENTS, MENTIONS, SEARCH, ARTICLES, ACTORS, QUOTES, STORIES, PLACES)}
