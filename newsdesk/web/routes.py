"""The web pages: home, event, story, actor, article, search and map, rendered from Jinja2 templates with
autoescaping on, over the same query layer as the API and the CLI (`newsdesk.query`): a page's form takes
exactly the filters its listing declares."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from newsdesk import __version__, query
from newsdesk.errors import NewsdeskError
from newsdesk.query.filters import EVENTS, LISTINGS, PLACES, SEARCH, Listing, plover_names
from newsdesk.store.provider import StoreProvider
from newsdesk.web import charts

router = APIRouter(include_in_schema=False)
PAGE = 20
_cache = query.StoreCache()
FORMS = {"/search": SEARCH, "/map": PLACES}  # each page with a filter form, and the listing whose filters it takes
FORM_FIELDS = frozenset(name for listing in FORMS.values() for name in listing.names)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def _label(value: object) -> str:
    """A source shown by its path or URL (no outlet known) is shortened to the file name or the host."""
    text = str(value or "")
    if re.match(r"https?://", text):
        return text.split("/")[2].removeprefix("www.")
    return text.rsplit("/", 1)[-1] if "/" in text else text


def _href(kind: str, value: str) -> str:
    return f"/{kind}/{quote(str(value), safe='')}"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("newsdesk.web", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(version=__version__, href=_href, plover_types=plover_names())
    env.filters["day"] = lambda v: (v or "")[:10]
    env.filters["label"] = _label
    env.filters["pct"] = lambda v: f"{round(100 * (v or 0))}%"
    env.filters["http_only"] = lambda v: v if re.match(r"https?://", v or "", re.I) else "#"
    return env


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _env().get_template(name).render(request=request, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


def mount_web(app: FastAPI) -> None:
    static = resources.files("newsdesk.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(router)


def _stores(request: Request) -> StoreProvider:
    return request.app.state.stores


def _form(request: Request, listing: Listing) -> tuple[dict[str, str], list[str]]:
    """The listing's declared filters from the query string: valid ones kept, invalid ones named (a page never
    fails)."""
    return listing.parse_lenient(dict(request.query_params))


def _only(values: dict[str, str], listing: Listing) -> dict[str, str]:
    return {k: v for k, v in values.items() if k in listing.names}


def _start(request: Request) -> int:
    v = request.query_params.get("_next", "")
    return int(v) if v.isdigit() and len(v) < 9 else 0


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    stores = _stores(request)
    facets = _cache.get(stores, "facets", lambda: query.facets(stores))
    points = _cache.get(stores, "map", lambda: query.map_points(stores, {}))
    return render(request, "home.html", events=query.fetch(stores, "events", {})(12, 0),
                  stories=query.fetch(stores, "stories", {})(6, 0), facets=facets,
                  world=charts.map_layout(points, width=560, labels=5))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: str) -> Response:
    if moved := _stores(request).read("event_redirect", event_id):  # merged away: the event with its earliest report
        return RedirectResponse(request.url.path.rsplit("/", 1)[0] + "/" + quote(moved["new_id"]), status_code=301)
    record, articles = _stores(request).read("event_with_reports", event_id)
    rec = record.to_dict(story=False)
    sources, places = [], []
    for a in sorted(articles, key=lambda a: (a.get("published") or "9999", a["id"])):
        spans = [(m["start"], m["end"], "evidence") for m in a.get("events") or []]
        spans += [(q["start"], q["end"], "quote") for q in a.get("quotes") or [] if q.get("start") is not None]
        sources.append({"article": a, "paragraphs": charts.highlight(a.get("text") or "", spans),
                        "evidence": [m["sentence"] for m in a.get("events") or []]})
        for m in a.get("events") or []:
            p = m.get("place") or {}
            if p.get("lat") is not None and p.get("lon") is not None:
                places.append({"name": p["name"], "lat": p["lat"], "lon": p["lon"], "count": 1, "events": []})
    locator = charts.map_layout(places[:1], width=360, labels=1) if places else None
    return render(request, "event.html", rec=rec, sources=sources, locator=locator,
                  fields=("cameo", "plover", "source", "target", "date", "place"))


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: str) -> HTMLResponse:
    s = _stores(request).read("get_story", story_id)
    items = [{"date": e.get("date_min"), "lane": "events", "label": _clip(e.get("title") or e["id"], 36),
              "href": _href("events", e["id"]), "title": e.get("title") or e["id"], "n": e.get("n_articles")}
             for e in s["events"]]
    return render(request, "story.html", story=s, tl=charts.timeline(items, ["events"], lane_height=120))


@router.get("/actors/{actor:path}", response_class=HTMLResponse)
def actor(request: Request, actor: str) -> HTMLResponse:
    stores = _stores(request)
    a = stores.read("get_actor", actor)
    roles = query.actor_events(stores, a)
    items = []
    for role, lane in (("source", "as source"), ("target", "as target")):
        for m in roles[role]:
            other = (m.get("target" if role == "source" else "source") or {})
            label = f"{m.get('plover') or m.get('cameo')} {other.get('name') or other.get('text') or ''}".strip()
            items.append({"date": m.get("date"), "lane": lane, "label": _clip(label, 40), "title": m.get("sentence"),
                          "href": _href("articles", m["article_id"])})
    return render(request, "actor.html", actor=a, roles=roles,
                  tl=charts.timeline(items, ["as source", "as target"]))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: str) -> HTMLResponse:
    a = _stores(request).read("get_article", article_id)
    spans = [(m["start"], m["end"], "evidence") for m in a.get("events") or []]
    spans += [(q["start"], q["end"], "quote") for q in a.get("quotes") or [] if q.get("start") is not None]
    return render(request, "article.html", a=a, paragraphs=charts.highlight(a.get("text") or "", spans))


@router.get("/search", response_class=HTMLResponse)
def search(request: Request) -> HTMLResponse:
    stores = _stores(request)
    form, problems = _form(request, LISTINGS["search"])
    start = _start(request)
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    more = False
    try:
        rows = query.fetch(stores, "search", form)(PAGE + 1, start)  # one page, in SQL; snippets for it only
        more = len(rows) > PAGE
        rows = rows[:PAGE]
        if _only(form, EVENTS):
            events = query.fetch(stores, "events", _only(form, EVENTS))(12, 0)
    except NewsdeskError as e:
        problems.append(str(e))
    next_url = None
    if more:
        next_url = "/search?" + urlencode({**form, "_next": start + PAGE})
    api_query = urlencode(form)
    return render(request, "search.html", form=form, problems=problems, rows=rows, events=events,
                  next_url=next_url, start=start, api_query=api_query)


@router.get("/map", response_class=HTMLResponse)
def world_map(request: Request) -> HTMLResponse:
    stores = _stores(request)
    form, problems = _form(request, LISTINGS["places"])
    if form:
        points = query.map_points(stores, form)
    else:
        points = _cache.get(stores, "map", lambda: query.map_points(stores, {}))
    return render(request, "map.html", world=charts.map_layout(points, width=960, labels=10), points=points,
                  form=form, problems=problems)
