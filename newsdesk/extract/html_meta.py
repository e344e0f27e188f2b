"""Page metadata for HTML extraction: title, byline, outlet, dates and language of a parsed page.

Owns only the reading of metadata from an lxml tree; the body text is `newsdesk.extract.html`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from htmldate import find_date
from htmldate.extractors import try_date_expr
from htmldate.utils import load_html as load_date_html
from lxml import etree
from lxml.html import HtmlElement

# trafilatura's meta-tag and JSON-LD readers, used directly: its public `extract_metadata` also runs
# a body-wide author search, category/tag/licence scans and a date search of its own, which together
# cost about as much as a third of the body extraction.
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

__all__ = ["PageMeta", "read_meta", "domain_of"]


@dataclass(frozen=True)
class PageMeta:
    title: str | None = None
    byline: str | None = None
    outlet: str | None = None
    published: str | None = None
    updated: str | None = None
    language: str | None = None
    date_source: str | None = None


# A cheap stand-in for trafilatura's body-wide author search, used only when meta tags have no author;
# the specific markers first, the loose "byline" class (which often holds the date too) last.
_BYLINE_XPATHS = (
    '//*[@rel="author" or @itemprop="author" or contains(@class, "author-name")'
    ' or contains(@class, "author__name")][1]',
    '//*[contains(@class, "byline")][1]',
)
# where a byline box goes on from the name to a date, a separator or "Updated ..."
_BYLINE_END = re.compile(r"\s[|•·]\s|\d|\b(updated|published|posted)\b", re.IGNORECASE)
_BY_PREFIX = re.compile(r"^\s*(by|von|par|por|di|oleh)\s+", re.IGNORECASE)
_PUBLISHED_XPATH = (
    '//meta[@property="article:published_time" or @name="article:published_time"'
    ' or @itemprop="datePublished" or @name="pubdate" or @name="date"]/@content'
    ' | //time[@itemprop="datePublished"]/@datetime'
)
_UPDATED_XPATH = (
    '//meta[@property="article:modified_time" or @name="article:modified_time"'
    ' or @itemprop="dateModified" or @property="og:updated_time"]/@content'
    ' | //time[@itemprop="dateModified"]/@datetime'
)
_JSONLD_DATE = {
    "published": re.compile(r'"datePublished"\s*:\s*"([^"]+)"'),
    "updated": re.compile(r'"dateModified"\s*:\s*"([^"]+)"'),
}
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})")
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?")
# htmldate's searches (the page's text, its URL, markup patterns) take no date before news sites were on
# the web (htmldate's own default, stated as the project's bound): an earlier date found there is the date of
# what the page tells about. A date stated as structured metadata (article:published_time, JSON-LD) is taken
# down to the project's 1800 bound: an archive's digitised article states its print date there.
MIN_WEB_DATE = "1995-01-01"


def domain_of(url: str | None) -> str | None:
    """Host of `url` without a leading "www.", or None when there is none."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def read_meta(tree: HtmlElement, url: str | None = None, *, page: str | bytes | None = None) -> PageMeta:
    """Read what the page says about itself; never raises on odd markup.

    Args:
        tree: the page parsed for extraction (trafilatura's loader, which drops comments).
        url: where the page came from (dates in the URL, the outlet of last resort).
        page: the page as fetched: htmldate reads its own parse of it, comments and all (a CMS often
            states the date in a comment), as it would when called directly.
    """
    try:
        meta = examine_meta(tree)
    except Exception:  # trafilatura internals: any failure just means "no meta tags"
        meta = None
    if meta is not None:
        try:
            meta = extract_meta_json(tree, meta)
        except Exception:  # malformed JSON-LD is common; keep what the meta tags gave
            pass
    title = _clean(meta.title if meta else None) or _safe_title(tree)
    byline = _clean(meta.author if meta else None) or _byline_from_markup(tree)
    outlet = _clean(meta.sitename if meta else None)
    if outlet and outlet.startswith(("http://", "https://")):
        outlet = domain_of(outlet)  # article:publisher is often a Facebook page URL
    # the two parses differ only in the comments trafilatura's loader drops: unless one of them could state a
    # date, one parse serves both
    date_tree = _date_tree(page) if page is not None and _dated_comment(page) else None
    published, updated, source = _dates(tree if date_tree is None else date_tree, url)
    return PageMeta(
        title=title,
        byline=byline,
        outlet=(outlet.lstrip("@") if outlet else None) or domain_of(url),
        published=published,
        updated=updated,
        language=_language(tree),
        date_source=source,
    )


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    return value or None


def _safe_title(tree: HtmlElement) -> str | None:
    try:
        return _clean(extract_title(tree))
    except Exception:
        return None


def _byline_from_markup(tree: HtmlElement) -> str | None:
    for xpath in _BYLINE_XPATHS:
        for elem in tree.xpath(xpath):
            text = _clean(elem.text_content()) if isinstance(elem, HtmlElement) else None
            if not text:
                continue
            text = _BYLINE_END.split(_BY_PREFIX.sub("", text), maxsplit=1)[0].strip(" ,;-–—")
            # a byline is a name or two, not a paragraph of author bio
            if 2 < len(text) < 80:
                return text
    return None


def _language(tree: HtmlElement) -> str | None:
    candidates = [tree.get("lang"), tree.get("xml:lang")]
    candidates += tree.xpath(
        '//meta[translate(@http-equiv, "CONTENTLAGU", "contentlagu")="content-language"]/@content'
        ' | //meta[@property="og:locale"]/@content'
    )
    for value in candidates:
        if value and value.strip():
            tag = value.strip().split(",")[0].replace("_", "-")
            if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", tag):
                primary, _, rest = tag.partition("-")
                return primary.lower() + ("-" + rest.upper() if rest else "")
    return None


# Every date htmldate accepts (1995 on) is written with its year's four digits or as d/m/yy: a comment without
# such a figure ("<!-- .nav -->", "<!--[if lt IE 9]>") cannot give it one.
_COMMENT_DATE = re.compile(r"\d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2}")
_COMMENT_DATE_BYTES = re.compile(_COMMENT_DATE.pattern.encode())


def _dated_comment(page: str | bytes) -> bool:
    """Whether an HTML comment of the page holds a figure shaped like a date."""
    if isinstance(page, str):
        return _dated_comment_in(page, "<!--", "-->", _COMMENT_DATE)
    return _dated_comment_in(page, b"<!--", b"-->", _COMMENT_DATE_BYTES)


def _dated_comment_in(page, start, end, pattern) -> bool:  # str or bytes alike, typed by the caller
    at = page.find(start)
    while at >= 0:
        close = page.find(end, at + 4)
        close = len(page) if close < 0 else close  # an unclosed comment runs to the end of the page
        if pattern.search(page, at + 4, close):
            return True
        at = page.find(start, close + 3)
    return False


def _date_tree(page: str | bytes) -> HtmlElement | None:
    """htmldate's own parse of the page, or None when it has no body there (leading junk, a fragment)."""
    if isinstance(page, str) and page.startswith("http") and " " not in page:
        return None  # htmldate would take it for a URL and download it
    try:
        tree = load_date_html(page)
    except Exception:  # lxml and the decoders raise a zoo of errors on garbage
        return None
    return tree if tree is not None and tree.find(".//body") is not None else None


def _dates(tree: HtmlElement, url: str | None) -> tuple[str | None, str | None, str | None]:
    """Published and updated dates, ISO 8601, never later than today (UTC)."""
    max_date = datetime.now(UTC).strftime("%Y-%m-%d")
    published = _find_date(tree, url, max_date, original=True, extensive=False)
    if not published:
        # the page's text ("Posted March 3, 2024"): htmldate's extensive search. A first of the month there
        # is what it returns for a lone month or a copyright year, not a day the page states: no date beats it
        published = _find_date(tree, url, max_date, original=True, extensive=True)
        if published and published.endswith("-01"):
            published = None
    # what the markup states as the publication and the revision, read once for the checks below
    stated, revised = _stated(tree, "published"), _stated(tree, "updated")
    published = _checked_against_page(tree, published, max_date, stated)
    source = "htmldate" if published else None
    # htmldate gives days only; add the time of day when the page's own markup states it for that day
    stamp = _timestamp(stated, published, max_date)
    if stamp:
        published, source = stamp, "meta"
    # a revision is what the page states as one (meta tags, JSON-LD, <time itemprop>), not htmldate's guess at the
    # page's most recent date: on the 434 dev WCXB pages that guess gave the publication day on 11 pages whose
    # markup states a later revision and a revision on 1 page whose markup states none, and its search of the page
    # cost 6% of the extraction's time
    updated = _revised(revised, max_date)
    if updated and published and updated <= published:
        updated = None  # same as published: not an update
    return published, updated, source


def _find_date(tree: HtmlElement, url: str | None, max_date: str, *, original: bool, extensive: bool) -> str | None:
    try:
        return find_date(tree, extensive_search=extensive, original_date=original, url=url, min_date=MIN_WEB_DATE,
                         max_date=max_date)
    except Exception:  # htmldate on broken markup: treat as "no date"
        return None


# What the page shows its readers as its publication: a <time pubdate>, a visible element marked datePublished, a
# class token "published" (WordPress's "entry-date published"), or a date after a "Published"/"Posted" label.
_SHOWN_PUBLISHED_XPATH = etree.XPath(
    '//time[@pubdate] | //*[@itemprop="datePublished"][not(self::meta)] | //*[contains(@class, "published")]'
)
# matched in lower case (an IGNORECASE search of a whole page's text costs five times as much)
_PUBLISHED_LABEL = re.compile(r"\b(?:publi(?:shed|[ée]e?|cad[oa])|posted|ver[öo]ffentlicht|pubblicat[oa]|gepubliceerd)\b"
                              r"(?: on| at| le| am| el| il| em| op)?\s*:?\s*")
# a themed "published" element that says it was updated is the revision, not the publication
_REVISION_WORDS = re.compile(r"updated|modified|revised|mis à jour|aktualisiert|actualizad|aggiornat|bijgewerkt",
                             re.IGNORECASE)
_VISIBLE_TEXT_XPATH = etree.XPath("//body//text()[not(parent::script or parent::style or parent::noscript)]",
                                  smart_strings=False)


def _checked_against_page(tree: HtmlElement, day: str | None, max_date: str, stated: list[str]) -> str | None:
    """htmldate's day, unless the page says otherwise in a form that cannot be misread.

    Kept when the markup states it as the publication. Otherwise:
    - a day htmldate read from an ambiguous numeric date (09.10.2024 as 9 October) whose day and month, swapped,
      give the publication the markup states in ISO 8601 becomes that day;
    - a day the page shows its readers as its publication, the same wherever it shows one, replaces htmldate's
      when they are more than a day apart: with no publication meta tag htmldate falls back to
      article:modified_time, or to a date from the page's furniture. A day apart is a time zone, not a
      different date: htmldate's is kept.
    On the 357 dated dev WCXB pages: 5 dates right that were wrong, none wrong that was right."""
    stated_days = {match[1] for value in stated if (match := _ISO_DAY.match(value.strip()))}
    if day in stated_days:
        return day
    swapped = f"{day[:4]}-{day[8:]}-{day[5:7]}" if day and day[8:] <= "12" and day[8:] != day[5:7] else None
    if swapped in stated_days:
        return swapped
    shown = _shown_published(tree, max_date)
    if shown and (day is None or abs((datetime.fromisoformat(shown) - datetime.fromisoformat(day)).days) > 1):
        return shown
    return day


def _shown_published(tree: HtmlElement, max_date: str) -> str | None:
    """The one day the page shows as its publication, or None when it shows none or several (a list of
    stories, each with its own)."""
    days = set()
    for elem in _SHOWN_PUBLISHED_XPATH(tree):
        # the XPath's class test is a substring's ("unpublished"): the class must hold the word itself
        marked = elem.get("pubdate") is not None or elem.get("itemprop") == "datePublished"
        if not isinstance(elem, HtmlElement) or not (marked or "published" in (elem.get("class") or "").split()):
            continue
        text = " ".join(elem.text_content().split())
        if _REVISION_WORDS.search(text):
            continue
        day = _day_of(elem.get("datetime") or elem.get("content"), max_date) or _day_of(text, max_date)
        if day:
            days.add(day)
    # text nodes joined with a line break: "Published March 9, 2026" followed by a paragraph is not "2026Fasting"
    text = "\n".join(_VISIBLE_TEXT_XPATH(tree)).lower()
    for label in _PUBLISHED_LABEL.finditer(text):
        day = _day_of(" ".join(text[label.end():label.end() + 80].split())[:40], max_date)
        if day:
            days.add(day)
    return days.pop() if len(days) == 1 else None


def _day_of(value: str | None, max_date: str) -> str | None:
    """The ISO day a short string states (ISO 8601 first, else htmldate's parser of written dates), within the
    web's dates. A first of the month from the extensive parser is its reading of a lone month or year: no day."""
    if not value:
        return None
    match = _ISO_DAY.match(value.strip())
    if match:
        return match[1] if MIN_WEB_DATE <= match[1] <= max_date else None
    low, high = datetime.fromisoformat(MIN_WEB_DATE), datetime.fromisoformat(max_date)
    try:
        day = try_date_expr(value[:60], "%Y-%m-%d", False, low, high)
        if not day:
            day = try_date_expr(value[:60], "%Y-%m-%d", True, low, high)
            day = None if day and day.endswith("-01") else day
    except Exception:  # htmldate's parsers on odd strings: no day
        return None
    return day


def _stated(tree: HtmlElement, kind: str) -> list[str]:
    """The values the page's markup gives for its "published" or "updated" date, meta tags first, then JSON-LD."""
    xpath = _PUBLISHED_XPATH if kind == "published" else _UPDATED_XPATH
    values = [str(v) for v in tree.xpath(xpath)]
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        values += _JSONLD_DATE[kind].findall(script)
    return values


def _revised(revised: list[str], max_date: str) -> str | None:
    """The first revision date the markup states (ISO 8601 day, with its time of day when stated), within the
    web's dates."""
    for value in revised:
        match = _ISO_DAY.match(value.strip())
        if match and MIN_WEB_DATE <= match[1] <= max_date:
            return f"{match[1]}T{match[2]}" if match[2] else match[1]
    return None


def _timestamp(stated: list[str], day: str | None, max_date: str) -> str | None:
    """The publication time of day the markup states for `day` (or for any day up to `max_date` when None)."""
    for value in stated:
        match = _ISO_DATETIME.match(value.strip())
        if match and match[1] <= max_date and (day is None or match[1] == day):
            return f"{match[1]}T{match[2]}"
    return None
