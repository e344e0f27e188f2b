"""The JSON API's shape (datasette's): `{"ok": true, "rows": [...], "next": ..., "next_url": ...}` with a
`Link: rel="next"` header, errors as `{"ok": false, "error": ..., "status": ...}`, and every listing also as
streamed CSV and newline-delimited JSON. Paging is by offset over the store's stable orderings."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel

from newsdesk.export import spreadsheet_safe
from newsdesk.store.base import renew_budget

Row = dict[str, Any]
Fetch = Callable[[int, int], list[Row]]  # (limit, offset) -> rows in a stable order
Predicate = Callable[[Row], bool]

BATCH = 500  # rows fetched from the store at a time when streaming or filtering
MAX_SIZE = 1000
FORMATS = ("json", "csv", "jsonl")
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


class Page(BaseModel):
    """One page of a listing."""

    ok: bool = True
    rows: list[dict[str, Any]]
    next: str | None = None
    next_url: str | None = None


class ErrorBody(BaseModel):
    ok: bool = False
    error: str
    status: int


LISTING_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": Page, "description": "A page of rows (JSON); or every row as CSV / JSON lines",
          "content": {"text/csv": {"schema": {"type": "string"}},
                      "application/x-ndjson": {"schema": {"type": "string"}}}},
    400: {"model": ErrorBody, "description": "Bad parameters"},
}
DETAIL_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad parameters"},
    404: {"model": ErrorBody, "description": "No such record"},
}


@dataclass(frozen=True)
class PageParams:
    size: int
    start: int
    fmt: str | None
    size_given: bool


def page_params(
    size: Annotated[int | None, Query(alias="_size", ge=1, le=MAX_SIZE, description="Rows per page.")] = None,
    next_: Annotated[str | None, Query(alias="_next", pattern=r"^\d{1,9}$",
                                       description="The `next` token of the previous page.")] = None,
    fmt: Annotated[Literal["json", "csv", "jsonl"] | None,
                   Query(alias="_format", description="json (default), csv or jsonl (both stream every row).")]
    = None,
) -> PageParams:
    return PageParams(size=size or 50, start=int(next_ or 0), fmt=fmt, size_given=size is not None)


def format_of(request: Request, params: PageParams) -> str:
    """The extension of the path (`/events.csv`) wins over `?_format=`."""
    path = request.url.path
    for fmt in FORMATS:
        if path.endswith("." + fmt):
            return fmt
    return params.fmt or "json"


def iter_rows(fetch: Fetch, predicate: Predicate | None = None, batch: int = BATCH) -> Iterator[Row]:
    """Every row of a listing, fetched in batches, optionally filtered; each batch has the request's full
    time budget (a stream of every row may take long, one batch may not)."""
    offset = 0
    while True:
        if offset:
            renew_budget()
        rows = fetch(batch, offset)
        for r in rows:
            if predicate is None or predicate(r):
                yield r
        if len(rows) < batch:
            return
        offset += batch


def sort_rows(rows: Iterable[Row], key: str) -> list[Row]:
    """Sort on a column, `-col` descending; missing values last either way; stable for ties."""
    desc = key.startswith("-")
    col = key.lstrip("-")
    present = [r for r in rows if r.get(col) is not None]
    missing = [r for r in rows if r.get(col) is None]
    return sorted(present, key=lambda r: r[col], reverse=desc) + missing


def listing(request: Request, params: PageParams, fetch: Fetch, *, predicate: Predicate | None = None,
            sort: str | None = None) -> Response:
    """Answer a listing request in the asked format. A non-default `sort` reads every matching row first."""
    fmt = format_of(request, params)
    if fmt != "json":
        rows: Iterable[Row]
        if sort:
            rows = sort_rows(iter_rows(fetch, predicate), sort)[params.start:]
        else:
            rows = islice(iter_rows(fetch, predicate), params.start, None)
        if params.size_given:
            rows = islice(rows, params.size)
        # the first row is read before the response starts, so a bad query still gets a JSON error
        it = iter(rows)
        return stream(chain(list(islice(it, 1)), it), fmt)
    end = params.start + params.size + 1
    if sort:
        rows_l = sort_rows(iter_rows(fetch, predicate), sort)[params.start:end]
    elif predicate is None:
        rows_l = fetch(params.size + 1, params.start)
    else:
        rows_l = list(islice(iter_rows(fetch, predicate), params.start, end))
    token = str(params.start + params.size) if len(rows_l) > params.size else None
    return page(request, rows_l[:params.size], token)


def page(request: Request, rows: list[Row], token: str | None) -> JSONResponse:
    next_url = str(request.url.include_query_params(_next=token)) if token else None
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else None
    return JSONResponse({"ok": True, "rows": rows, "next": token, "next_url": next_url}, headers=headers)


def one(row: Row) -> JSONResponse:
    """A single record, in the same envelope (datasette's row pages return `rows` of one)."""
    return JSONResponse({"ok": True, "rows": [row], "next": None, "next_url": None})


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message, "status": status}, status_code=status, headers=headers)


def _cell(v: Any) -> Any:
    """A CSV cell: nested values as JSON text; a text a spreadsheet would run as a formula made inert, as the
    exports do (`export.spreadsheet_safe`)."""
    if isinstance(v, dict | list | tuple):
        return json.dumps(v, ensure_ascii=False)
    return spreadsheet_safe(v)


def stream(rows: Iterable[Row], fmt: str) -> StreamingResponse:
    """Stream rows as CSV (nested values as JSON text, columns from the first row) or JSON lines."""
    def csv_lines() -> Iterator[str]:
        buf = io.StringIO()
        writer: csv.DictWriter | None = None
        for i, r in enumerate(rows):
            if writer is None:
                writer = csv.DictWriter(buf, fieldnames=list(r), extrasaction="ignore")
                writer.writeheader()
            writer.writerow({k: _cell(v) for k, v in r.items()})
            if i % 100 == 99 or buf.tell() > 65536:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    def json_lines() -> Iterator[str]:
        for r in rows:
            yield json.dumps(r, ensure_ascii=False) + "\n"

    return StreamingResponse(csv_lines() if fmt == "csv" else json_lines(), media_type=MEDIA[fmt])
