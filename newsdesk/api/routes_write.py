"""Write endpoints: `POST /api/v1/articles` ingests posted text or HTML, or fetches a URL. Every write needs
the server's bearer token; a server started without one refuses writes. URL fetches run in their own bounded
pool (`api/fetch.py`): when it is full the answer is 503, and reads are never kept waiting by them. The token
and the declared length are checked before any of the body is read (`WriteGuard`), and the body is read with
a cap (`MAX_BODY_BYTES`, given to the router in `create_app`)."""

from __future__ import annotations

import hmac
import re
import threading
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.datastructures import Headers

from newsdesk.api.envelope import ErrorBody, error
from newsdesk.api.fetch import FetchBusy, FetchPool, fetch_url
from newsdesk.api.ingest import ingest_doc
from newsdesk.ingest import MAX_DOC_BYTES
from newsdesk.records import RawDoc
from newsdesk.store import Added

router = APIRouter()
_pool_lock = threading.Lock()
MAX_BODY_BYTES = MAX_DOC_BYTES * 2  # JSON escaping can double a document's size
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ApiError(Exception):
    """An error answered as `{"ok": false, "error": ..., "status": ...}`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def write_refusal(token: str | None, headers: Any) -> ApiError | None:
    """Why a write with these request headers is refused before its body is read (None: go on)."""
    if not token:
        return ApiError(403, "writes are disabled: start `newsdesk serve` with --token (or set NEWSDESK_TOKEN)")
    scheme, _, given = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return ApiError(401, "this endpoint needs a token: send `Authorization: Bearer <token>`",
                        {"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return ApiError(401, "the bearer token is not valid", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    length = headers.get("content-length", "")
    if length.strip() and not length.strip().isdigit():
        return ApiError(400, "the Content-Length header is not a number")
    if length.strip().isdigit() and int(length) > MAX_BODY_BYTES:
        return ApiError(413, too_large_message(MAX_BODY_BYTES))
    return None


def too_large_message(limit: int) -> str:
    return f"request body too large (the limit is {limit:,} bytes)"


def require_token(request: Request) -> None:
    refusal = write_refusal(request.app.state.token, request.headers)
    if refusal is not None:
        raise refusal


class WriteGuard:
    """Pure ASGI middleware: a write without a valid token, or declaring a body over the cap, is answered
    before a byte of its body is read (FastAPI reads and parses the body before any dependency runs)."""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app = app
        self.writes = [(re.compile(re.escape(prefix) + route.path_regex.pattern.lstrip("^")), route.methods or set())
                       for route in router.routes if isinstance(route, APIRoute)]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] in WRITE_METHODS \
                and any(scope["method"] in methods and rx.match(scope["path"]) for rx, methods in self.writes):
            refusal = write_refusal(scope["app"].state.token, Headers(scope=scope))
            if refusal is not None:
                await error(refusal.status, refusal.message, refusal.headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def fetch_pool(app: FastAPI) -> FetchPool:
    """The app's URL-fetch pool, made on first use (a test may set `app.state.fetch_pool` beforehand)."""
    with _pool_lock:
        pool = getattr(app.state, "fetch_pool", None)
        if pool is None:
            pool = app.state.fetch_pool = FetchPool()
        return pool


class ArticleIn(BaseModel):
    """One article to ingest: `text` (plain text) or `html`, or only a `url` to fetch. Other fields are hints
    that win over what extraction finds (as a JSONL record's fields do)."""

    text: str | None = Field(None, max_length=MAX_DOC_BYTES, description="Plain text of the article.")
    html: str | None = Field(None, max_length=MAX_DOC_BYTES, description="HTML of the article page.")
    url: str | None = Field(None, max_length=2000, description="Where it came from; fetched when no text/html.")
    outlet: str | None = Field(None, max_length=300)
    title: str | None = Field(None, max_length=1000)
    published: str | None = Field(None, max_length=40, description="ISO 8601 publication date.")
    external_id: str | None = Field(None, max_length=300)
    annotate: bool = Field(True, description="Annotate (actors, quotes, places, events) before storing.")


class Ingested(BaseModel):
    ok: bool = True
    id: str
    added: str = Field(description="new, new_source (a known text from another source) or present")
    event_id: str | None = None
    warnings: list[str] = []
    rows: list[dict[str, Any]] = Field(description="The stored article with its annotations.")


@router.post("/articles", summary="Ingest an article (text, HTML, or a URL to fetch)", status_code=201,
             dependencies=[Depends(require_token)], response_model=Ingested,
             responses={200: {"model": Ingested, "description": "Already known (present or a new source)"},
                        400: {"model": ErrorBody}, 401: {"model": ErrorBody}, 403: {"model": ErrorBody},
                        413: {"model": ErrorBody}, 502: {"model": ErrorBody},
                        503: {"model": ErrorBody, "description": "Too many URL fetches at once"}})
async def post_article(body: ArticleIn, request: Request) -> JSONResponse:
    if body.text is not None and body.html is not None:
        raise ApiError(400, "give either text or html, not both")
    if body.text is None and body.html is None and not body.url:
        raise ApiError(400, "give the article as text or html, or a url to fetch")
    stores, allow_private = request.app.state.stores, request.app.state.allow_private_urls
    hints: dict[str, Any] = {"outlet": body.outlet, "title": body.title, "published": body.published,
                             "external_id": body.external_id}
    if body.text is None and body.html is None:
        try:
            fetched = await fetch_pool(request.app).run(fetch_url, body.url or "", allow_private=allow_private)
        except FetchBusy as e:
            raise ApiError(503, str(e), {"Retry-After": "5"}) from None
        raw = RawDoc(**{**fetched.__dict__, **{k: v for k, v in hints.items() if v}})
    else:
        content = body.text if body.text is not None else body.html
        raw = RawDoc(data=(content or "").encode("utf-8"), media_type="text/plain" if body.text is not None
                     else "text/html", source=body.url or "api:post", url=body.url, container="api", **hints)
    result = await run_in_threadpool(ingest_doc, stores, raw, annotate=body.annotate,
                                     settings=request.app.state.settings)
    art = result.article
    payload = {"ok": True, "id": art["id"], "added": str(result.outcome), "event_id": art.get("event_id"),
               "warnings": list(result.warnings), "rows": [art]}
    return JSONResponse(payload, status_code=201 if result.outcome is Added.NEW else 200)

