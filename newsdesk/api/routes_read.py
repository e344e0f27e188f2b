"""Read endpoints (open to everyone): listings with filters, paging, `_sort`, and `.csv` / `.jsonl` forms,
and single records. Each calls the store's query methods (through `queries` where they are composed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from newsdesk import __version__, query
from newsdesk.api import queries
from newsdesk.api.envelope import (
    DETAIL_RESPONSES,
    LISTING_RESPONSES,
    PageParams,
    error,
    listing,
    one,
    page_params,
)
from newsdesk.api.queries import ListingQuery
from newsdesk.api.stores import StoreProvider
from newsdesk.code.explain import article_of, explain_article

router = APIRouter()
Params = Annotated[PageParams, Depends(page_params)]
IdPath = Annotated[str, Path(min_length=1, max_length=200, description="Id (a unique prefix is enough).")]


def provider(request: Request) -> StoreProvider:
    return request.app.state.stores


Stores = Annotated[StoreProvider, Depends(provider)]


def allowed_methods(request: Request) -> str:
    """The `Allow` header of a 405 answer: the methods some route answers at this path. Starlette names only
    the first route whose path matches (GET /articles, read here), not POST /articles from the write router."""
    from starlette.routing import Match

    methods = [m for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
               if any(route.matches({**request.scope, "method": m})[0] is Match.FULL
                      for route in request.app.router.routes)]
    return ", ".join(methods)


# each listing's declared filters and `_sort` (newsdesk/query/filters.py) as its query parameters
ArticlesQuery = Annotated[ListingQuery, Depends(queries.listing_query("articles"))]
EventsQuery = Annotated[ListingQuery, Depends(queries.listing_query("events"))]
MentionsQuery = Annotated[ListingQuery, Depends(queries.listing_query("mentions"))]
StoriesQuery = Annotated[ListingQuery, Depends(queries.listing_query("stories"))]
ActorsQuery = Annotated[ListingQuery, Depends(queries.listing_query("actors"))]
QuotesQuery = Annotated[ListingQuery, Depends(queries.listing_query("quotes"))]
SearchQuery = Annotated[ListingQuery, Depends(queries.listing_query("search"))]
PlacesQuery = Annotated[ListingQuery, Depends(queries.listing_query("places"))]


def listing_route(path: str, **kw: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a listing at `path`, `path.json`, `path.csv` and `path.jsonl`."""
    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        for suffix in ("", ".json", ".csv", ".jsonl"):
            router.add_api_route(path + suffix, fn, methods=["GET"], responses=LISTING_RESPONSES,
                                 response_class=JSONResponse, **kw)
        return fn
    return deco


@router.get("", include_in_schema=False)
@router.get("/", summary="Counts and the endpoints")
def index(stores: Stores) -> dict[str, Any]:
    return {"ok": True, "version": __version__, "counts": stores.read("counts"),
            "endpoints": ["/api/v1/articles", "/api/v1/events", "/api/v1/mentions", "/api/v1/stories",
                          "/api/v1/actors", "/api/v1/quotes", "/api/v1/search", "/api/v1/places"],
            "formats": "add .csv or .jsonl to a listing's path (or ?_format=), page with _size and _next"}


@listing_route("/articles", summary="Articles, newest first")
def articles(request: Request, stores: Stores, params: Params, q: ArticlesQuery) -> Response:
    return listing(request, params, q.fetch(stores))


@router.get("/articles/{article_id}", summary="One article with its annotations", responses=DETAIL_RESPONSES)
def article(article_id: IdPath, stores: Stores) -> JSONResponse:
    return one(stores.read("get_article", article_id))


@listing_route("/articles/{article_id}/candidates",
               summary="Why each event candidate of an article was recorded or dropped (coded again, not stored)")
def article_candidates(request: Request, stores: Stores, params: Params, article_id: IdPath,
                       all_: Annotated[bool, Query(alias="all", description="Also sentences without a candidate.")]
                       = False) -> Response:
    rows = explain_article(article_of(stores.read("get_article", article_id)), all_sentences=all_)
    return listing(request, params, lambda limit, offset: rows[offset:offset + limit])


@listing_route("/events", summary="Clustered events (one row per real-world event), latest first")
def events(request: Request, stores: Stores, params: Params, q: EventsQuery) -> Response:
    """CAMEO and PLOVER keep the events whose decided code (the one `/events/{id}` shows) matches."""
    return listing(request, params, q.fetch(stores))


@router.get("/events/{event_id}", summary="One event: consolidated facts, disagreements, reports",
            responses=DETAIL_RESPONSES)
def event(event_id: IdPath, stores: Stores, request: Request) -> JSONResponse:
    if moved := stores.read("event_redirect", event_id):  # merged away: 301 to the event with its earliest report
        return error(301, f"event {moved['old_id']} was {moved['reason']} into event {moved['new_id']}",
                     {"Location": request.url.path.rsplit("/", 1)[0] + "/" + quote(moved["new_id"])})
    rec, arts = stores.read("event_with_reports", event_id)
    record = rec.to_dict(story=False)
    record["reports"] = [{"article_id": a["id"], "outlet": a.get("outlet"), "title": a.get("title"),
                          "published": a.get("published"), "url": a.get("url"), "events": a.get("events") or []}
                         for a in arts]
    return one(record)


@listing_route("/mentions", summary="Coded event mentions (one row per sentence), latest first")
def mentions(request: Request, stores: Stores, params: Params, q: MentionsQuery) -> Response:
    return listing(request, params, q.fetch(stores))


@listing_route("/stories", summary="Stories (linked events), latest first")
def stories(request: Request, stores: Stores, params: Params, q: StoriesQuery) -> Response:
    return listing(request, params, q.fetch(stores))


@router.get("/stories/{story_id}", summary="One story with its events in time order", responses=DETAIL_RESPONSES)
def story(story_id: IdPath, stores: Stores) -> JSONResponse:
    return one(stores.read("get_story", story_id))


@listing_route("/actors", summary="Actors, most reported first")
def actors(request: Request, stores: Stores, params: Params, q: ActorsQuery) -> Response:
    return listing(request, params, q.fetch(stores))


@router.get("/actors/{actor}", summary="One actor: aliases, offices, appearances, quotes, events by role",
            responses=DETAIL_RESPONSES)
def actor(actor: IdPath, stores: Stores) -> JSONResponse:
    found = stores.read("get_actor", actor)
    found["events"] = query.actor_events(stores, found)
    return one(found)


@listing_route("/quotes", summary="Quotes with their speakers, newest first")
def quotes(request: Request, stores: Stores, params: Params, q: QuotesQuery) -> Response:
    return listing(request, params, q.fetch(stores))


@listing_route("/search", summary="Full-text search over articles, with event and outlet filters")
def search(request: Request, stores: Stores, params: Params, q: SearchQuery) -> Response:
    """`since`/`until` bound the publication date; actor, country, CAMEO and PLOVER keep articles reporting
    a matching coded event."""
    return listing(request, params, q.fetch(stores))


@listing_route("/places", summary="Geocoded event places with counts (what the world map draws)")
def places(request: Request, stores: Stores, params: Params, q: PlacesQuery) -> Response:
    return listing(request, params, q.fetch(stores))
