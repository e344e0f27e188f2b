"""The web pages: home, event, story, actor, article, search and map, rendered from Jinja2 templates with
autoescaping on, over the same store queries as the API (`newsdesk.api.queries`)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from itertools import islice
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from newsdesk import __version__
from newsdesk.api import queries
from newsdesk.api.envelope import iter_rows
from newsdesk.api.queries import PLOVER_TYPES, EventFilters, StoreCache
from newsdesk.api.stores import StoreProvider
from newsdesk.cluster.consolidate import consolidate
from newsdesk.errors import NewsdeskError
from newsdesk.web import charts

router = APIRouter(include_in_schema=False)
_cache = StoreCache()
PAGE = 20
_CHECKS = {"actor": r".{1,200}", "country": r"[A-Za-z]{2,9}", "cameo": r"\d{1,4}", "plover": r"[A-Za-z]{3,12}",
           "since": r"\d{4}(-\d{2}(-\d{2})?)?", "until": r"\d{4}(-\d{2}(-\d{2})?)?", "outlet": r".{1,200}",
           "q": r"(?s).{1,500}"}


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
    env.globals.update(version=__version__, href=_href, plover_types=PLOVER_TYPES)
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


def _form(request: Request) -> tuple[dict[str, str], list[str]]:
    """The filter fields of the query string: valid ones kept, invalid ones named (a page never fails)."""
    values, problems = {}, []
    for key, pattern in _CHECKS.items():
        v = (request.query_params.get(key) or "").strip()
        if not v:
            continue
        if re.fullmatch(pattern, v):
            values[key] = v
        else:
            problems.append(f"ignored {key}={v[:40]!r}: not a valid value")
    return values, problems


def _filters(form: dict[str, str]) -> EventFilters:
    return EventFilters(actor=form.get("actor"), country=form.get("country"), cameo=form.get("cameo"),
                        plover=(form.get("plover") or "").upper() or None, since=form.get("since"),
                        until=form.get("until"))


def _start(request: Request) -> int:
    v = request.query_params.get("_next", "")
    return int(v) if v.isdigit() and len(v) < 9 else 0


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    stores = _stores(request)
    facets = _cache.get(stores, "facets", lambda: queries.facets(stores))
    points = _cache.get(stores, "map", lambda: queries.map_points(stores, EventFilters()))
    return render(request, "home.html", events=stores.read("list_clustered_events", limit=12),
                  stories=stores.read("list_stories", limit=6), facets=facets,
                  world=charts.map_layout(points, width=560, labels=5))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: str) -> Response:
    if moved := _stores(request).read("event_redirect", event_id):  # merged away: the event with its earliest report
        return RedirectResponse(request.url.path.rsplit("/", 1)[0] + "/" + quote(moved["new_id"]), status_code=301)
    eid, articles = _stores(request).read("event_articles", event_id)
    rec = consolidate(eid, articles, _stores(request).read("event_mentioned_in", eid))
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
    roles = queries.actor_events(stores, a)
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
    form, problems = _form(request)
    f = _filters(form)
    start = _start(request)
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    more = False
    try:
        fetch, pred = queries.search_fetch(stores, form.get("q"), f, form.get("outlet"))
        if pred is None:  # a ranked search pages in SQL and cuts snippets for this page only
            rows = fetch(PAGE + 1, start)
        else:
            rows = list(islice(iter_rows(fetch, pred, batch=200), start, start + PAGE + 1))
        more = len(rows) > PAGE
        rows = rows[:PAGE]
        if f.any_event_filter or f.since or f.until:
            efetch, epred = queries.events_fetch(stores, f)
            events = list(islice(iter_rows(efetch, epred, batch=200), 12))
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
    form, problems = _form(request)
    f = _filters(form)
    if any((f.actor, f.country, f.cameo, f.plover, f.since, f.until)):
        points = queries.map_points(stores, f)
    else:
        points = _cache.get(stores, "map", lambda: queries.map_points(stores, EventFilters()))
    return render(request, "map.html", world=charts.map_layout(points, width=960, labels=10), points=points,
                  form=form, problems=problems)
