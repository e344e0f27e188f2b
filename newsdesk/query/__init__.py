"""One query layer: the filters of every listing declared once (`filters`), run in SQL through the store
(`listings`, over `newsdesk/store/queries.py`), and used alike by the CLI, the JSON API and the web pages."""

from newsdesk.query.filters import LISTINGS, Filter, FilterError, Listing
from newsdesk.query.listings import (
    Fetch,
    Reader,
    StoreCache,
    actor_events,
    facets,
    fetch,
    iter_rows,
    map_points,
    single,
)

__all__ = ["LISTINGS", "Fetch", "Filter", "FilterError", "Listing", "Reader", "StoreCache", "actor_events",
           "facets", "fetch", "iter_rows", "map_points", "single"]
