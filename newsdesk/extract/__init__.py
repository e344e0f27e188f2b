"""Extract: `RawDoc` -> `Article`. HTML goes through trafilatura (`html`), plain text through the project's
line-level cleaner (`text_cleaner`); hints from the container (JSONL fields, feed items, WARC headers) win
over what the page says, and every value records where it came from."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlparse

from newsdesk.errors import InputError
from newsdesk.extract.ids import article_id, normalise_text
from newsdesk.extract.language import detect_language
from newsdesk.extract.time_limit import EXTRACT_TIMEOUT, ExtractionTimeout, time_limit
from newsdesk.records import Article, RawDoc, RemovedLine

__all__ = ["extract", "article_id", "normalise_text", "EXTRACT_TIMEOUT"]


def extract(raw: RawDoc, *, timeout: float | None = None) -> Article:
    """Clean one document. Raises InputError when nothing usable is left (no body text), or when cleaning
    takes longer than `timeout` seconds (None: no limit; see `time_limit` for where the limit holds)."""
    # the cleaners are imported before the clock starts: the first import is the run's cost, not the page's
    if raw.media_type == "text/html":
        from newsdesk.extract.html import extract_html

        def clean() -> tuple:
            # a feed item's HTML is the article itself, and a one-line teaser is still the item
            h = extract_html(raw.data, url=raw.url, fragment=raw.container == "feed")
            if not h.text or not h.text.strip():
                raise InputError(raw.source, "HTML has no article text (no body found)")
            paragraphs = h.paragraphs or tuple(p for p in h.text.split("\n\n") if p.strip())
            found = {"title": h.title, "byline": h.byline, "outlet": h.outlet, "published": h.published,
                     "updated": h.updated}
            found_from = {"title": "html", "byline": "html", "outlet": "html",
                          "published": h.date_source or "html", "updated": "html"}
            return paragraphs, h.removed, found, found_from
    else:
        from newsdesk.extract.text_cleaner import clean_text

        def clean() -> tuple:
            try:
                text = raw.data.decode("utf-8-sig")
            except UnicodeDecodeError as e:
                raise InputError(raw.source, f"not valid UTF-8 (offset {e.start})") from None
            c = clean_text(text)
            found = {"title": c.title, "byline": c.byline, "outlet": None, "published": c.published,
                     "updated": c.updated}
            found_from = {"title": "text", "byline": "text", "published": "dateline", "updated": "dateline"}
            return c.paragraphs, c.removed, found, found_from
    try:
        with time_limit(timeout):
            paragraphs, removed, found, found_from = clean()
    except ExtractionTimeout:
        size = f"{len(raw.data) / 1e6:.1f} MB" if len(raw.data) >= 100_000 else f"{len(raw.data) / 1e3:.0f} KB"
        raise InputError(raw.source, f"extraction took longer than {timeout:g} s ({size} of {raw.media_type}); "
                                     "skipped (raise the limit with --extract-timeout)") from None
    body = "\n\n".join(p.strip() for p in paragraphs if p.strip())
    if not body:
        raise InputError(raw.source, "no article text left after cleaning")

    hints = {"title": raw.title, "outlet": raw.outlet, "published": raw.published}
    hint_from = raw.container
    values: dict[str, str | None] = {}
    provenance: dict[str, str] = {}
    for key in ("title", "byline", "outlet", "published", "updated"):
        hint = hints.get(key)
        value, origin = (hint, hint_from) if hint else (found.get(key), found_from.get(key, ""))
        if value:
            values[key], provenance[key] = value, origin
    if not values.get("outlet") and raw.url:
        values["outlet"], provenance["outlet"] = _domain(raw.url), "url"
    for key in ("published", "updated"):
        values[key] = _valid_date(values.get(key), raw.fetched_at)
        if not values[key]:
            provenance.pop(key, None)
    if not values.get("published") and raw.fetched_at:
        # The fetch time bounds the publication date but is not it: kept only as provenance.
        provenance["fetched_at"] = raw.fetched_at

    return Article(
        id=article_id(body), source=raw.source, text=body, paragraphs=tuple(paragraphs),
        removed=tuple(RemovedLine(r.text, r.reason) for r in removed), external_id=raw.external_id,
        url=raw.url, outlet=values.get("outlet"), title=values.get("title"), byline=values.get("byline"),
        published=values.get("published"), updated=values.get("updated"), language=detect_language(body),
        media_type=raw.media_type, provenance=provenance,
    )


def _domain(url: str) -> str | None:
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


MIN_YEAR = 1800  # no digitised news archive is older


def _valid_date(value: str | None, fetched_at: str | None) -> str | None:
    """ISO 8601 or None; a date after the fetch (or after now), or before 1800, is rejected: null beats a guess."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    limit = datetime.now(UTC)
    if fetched_at:
        try:
            limit = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
        except ValueError:
            pass
    if when.year < MIN_YEAR:  # year 1 is a placeholder, not a date, and no date window around it exists
        return None
    cmp_when = when if when.tzinfo else when.replace(tzinfo=UTC)
    if limit.tzinfo is None:
        limit = limit.replace(tzinfo=UTC)
    if cmp_when.date() > limit.date():
        return None
    return value
