"""The app factory: the JSON API under /api/v1, the web UI at /, static assets, and the one place where
every error becomes JSON (`{"ok": false, "error", "status"}`) for the API or an HTML page for the UI."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from newsdesk import __version__
from newsdesk.api import routes_read, routes_write
from newsdesk.api.cache import MAX_STALE, DataVersion, ResponseCache
from newsdesk.api.envelope import error
from newsdesk.api.routes_write import ApiError, WriteGuard, too_large_message
from newsdesk.api.stores import StoreProvider
from newsdesk.cluster.features import term_vector
from newsdesk.errors import NewsdeskError, NotFoundError
from newsdesk.settings import Settings, SettingsError, load_settings
from newsdesk.store import default_db
from newsdesk.store.base import time_budget
from newsdesk.web.routes import FORM_FIELDS, error_page, mount_web

log = logging.getLogger("newsdesk.api")
API = "/api/v1"


QUERY_BUDGET = 10.0  # seconds a GET request's database reads may take before it is answered 503


def create_app(db: str, token: str | None = None, allow_private_urls: bool = False, *,
               shared_connection: bool = False, cache: bool = True, cache_stale: float = MAX_STALE,
               query_budget: float | None = QUERY_BUDGET, settings: Settings | None = None) -> FastAPI:
    """Build the server for the database at `db`. Writes need `token` (none: writes are refused);
    `allow_private_urls` lets POSTed URLs point at loopback/private addresses (for local testing only);
    `cache` reuses GET answers until the database changes, or for `cache_stale` seconds while only other
    processes write to it (see `api/cache.py`); a GET whose reads take longer
    than `query_budget` seconds is stopped and answered 503 (None: no limit). POSTed documents are processed
    with `settings` (default: the built-in ones as the NEWSDESK_<SECTION>_<KEY> variables change them, read
    here, so that a bad variable stops the server at start-up with SettingsError instead of failing every
    upload)."""
    settings = settings or load_settings()
    stores = StoreProvider(db, shared=shared_connection)

    @asynccontextmanager
    async def lifespan(app: FastAPI):

        term_vector("warm up")  # loads the word-frequency table now, not on the first event page
        yield
        stores.close()
        if getattr(app.state, "data_version", None) is not None:
            app.state.data_version.close()

    app = FastAPI(title="newsdesk", version=__version__, lifespan=lifespan,
                  description="Structured, deduplicated political events from news coverage. Listings are "
                              "paged (`_size`, `_next`) and also served as `.csv` and `.jsonl`.",
                  openapi_url=f"{API}/openapi.json", docs_url=f"{API}/docs", redoc_url=None)
    app.state.stores = stores
    app.state.token = token or None
    app.state.allow_private_urls = allow_private_urls
    app.state.settings = settings
    app.include_router(routes_read.router, prefix=API, tags=["read"])
    app.include_router(routes_write.router, prefix=API, tags=["write"], max_body_size=routes_write.MAX_BODY_BYTES)


    mount_web(app)
    _error_handlers(app)
    app.add_middleware(WriteGuard, prefix=API)
    if query_budget is not None:
        app.add_middleware(QueryBudget, seconds=query_budget)
    app.add_middleware(StopAnswer)
    if cache and db != ":memory:":

        version = DataVersion(db)
        app.add_middleware(ResponseCache, version=version, page_params=FORM_FIELDS | {"_next"}, max_stale=cache_stale)
        app.state.data_version = version
    return app


def from_env() -> FastAPI:
    """For `uvicorn --factory newsdesk.api.app:from_env`: NEWSDESK_DB, NEWSDESK_TOKEN,
    NEWSDESK_ALLOW_PRIVATE_URLS=1, and the NEWSDESK_<SECTION>_<KEY> settings (a bad one: one line, exit 2)."""

    try:
        return create_app(default_db(), os.environ.get("NEWSDESK_TOKEN"),
                          os.environ.get("NEWSDESK_ALLOW_PRIVATE_URLS", "") in ("1", "true", "yes"))
    except SettingsError as e:
        print(f"newsdesk: error: {e}", file=sys.stderr)
        raise SystemExit(e.exit_code) from None


class QueryBudget:
    """Pure ASGI middleware: a GET or HEAD request's store reads run within one time budget
    (`store.base.time_budget`), so a slow query answers 503 instead of holding a worker thread. Writes are
    not limited: an interrupted ingest would only have to be done again."""

    def __init__(self, app: Any, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        with time_budget(self.seconds):
            await self.app(scope, receive, send)


class StopAnswer:
    """Pure ASGI middleware: a request the server cancels as it stops (`newsdesk serve` gives running requests
    a few seconds after SIGTERM) is answered 503 in one JSON line instead of logging a traceback and a 500."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except asyncio.CancelledError:
            if started:
                raise
            # the task ends here; the answer is all that is left to give
            await error(503, "the server is stopping; try again when it is back")(scope, receive, send)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors()[:5]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body",)) or "request"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _error_handlers(app: FastAPI) -> None:
    def answer(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        if _is_api(request):
            return error(status, message, headers)

        return error_page(request, status, message)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return answer(request, exc.status, exc.message, exc.headers)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return answer(request, 404, str(exc))

    @app.exception_handler(NewsdeskError)
    async def _newsdesk(request: Request, exc: NewsdeskError) -> Response:
        return answer(request, getattr(exc, "http_status", 400), str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return answer(request, 400, _validation_message(exc))

    @app.exception_handler(413)
    async def _too_large(request: Request, exc: Exception) -> Response:
        limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY) or routes_write.MAX_BODY_BYTES
        return answer(request, 413, too_large_message(limit))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404:
            message = f"not found: {request.url.path}"
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": routes_read.allowed_methods(request)}
        return answer(request, exc.status_code, message, headers)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return answer(request, 500, f"internal error ({exc.__class__.__name__}); see the server log")
