"""Publication dates of HTML pages (issue 18): htmldate's fast search, its extensive search when the fast one
finds nothing, and the project's bounds (never after the fetch, never before the web)."""

from __future__ import annotations

import pytest

from newsdesk.extract import extract, html_meta
from newsdesk.extract.html import extract_html
from newsdesk.records import RawDoc

_BODY = ("<p>The harbour board of Tromsø approved the new ferry terminal on Thursday after three years of "
         "planning, the board's chair told reporters outside the town hall.</p>"
         "<p>Work on the quay is to start in the autumn and the first ferries are expected to dock there in "
         "two years, when the old terminal closes for good.</p>")


def _page(head: str = "", byline: str = "") -> str:
    return (f"<html><head><title>Ferry terminal approved</title>{head}</head><body><article>"
            f"<h1>Ferry terminal approved</h1>{byline}{_BODY}</article></body></html>")


def test_extract_dates_meta_date_found_by_the_fast_search_beats_a_date_in_the_text():
    page = _page('<meta property="article:published_time" content="2022-04-07T09:30:00Z">',
                 "<p class='byline'>Posted March 3, 2021</p>")
    assert extract_html(page).published == "2022-04-07T09:30"


def test_extract_dates_text_date_found_by_the_extensive_search_when_nothing_else_states_one():
    assert extract_html(_page(byline="<p class='byline'>Posted on 14 September 2021</p>")).published == "2021-09-14"


def test_extract_dates_a_date_in_the_text_is_never_before_the_web_but_a_stated_one_may_be():
    assert extract_html(_page(byline="<p class='byline'>Posted on 11 May 1993</p>")).published is None
    # an archive's digitised article states its print date in its metadata
    archived = _page('<meta property="article:published_time" content="1993-05-11T09:30:00Z">')
    assert extract_html(archived).published == "1993-05-11T09:30"


def test_extract_dates_never_after_the_fetch():
    page = _page('<meta property="article:published_time" content="2023-06-02T10:15:00Z">').encode()
    early = RawDoc(data=page, media_type="text/html", source="crawl.warc#1", fetched_at="2023-05-20T08:00:00Z",
                   container="warc")
    later = RawDoc(data=page, media_type="text/html", source="crawl.warc#2", fetched_at="2023-06-05T08:00:00Z",
                   container="warc")
    a = extract(early)
    assert a.published is None and a.provenance.get("fetched_at") == "2023-05-20T08:00:00Z"
    assert extract(later).published == "2023-06-02T10:15"


@pytest.mark.parametrize(
    ("comment", "dated"),
    [
        ("<!-- published 2021-09-14 -->", True),
        ("<!-- built 14/9/21 -->", True),
        ("<!-- cache: 20210914 -->", True),
        ("<!-- unclosed 2021", True),
        ("<!-- .main-nav -->", False),
        ("<!--[if lt IE 9]><script src='html5.js'></script><![endif]-->", False),
        ("<!-- slot 12 of 30 -->", False),
    ],
)
def test_extract_dates_second_parse_only_for_a_comment_shaped_like_a_date(comment, dated):
    page = _page(byline=comment)
    assert html_meta._dated_comment(page) is dated
    assert html_meta._dated_comment(page.encode()) is dated


def test_extract_dates_a_comment_without_a_date_changes_no_date():
    # the page is then read once: the dates are those of the page without its comments
    plain = _page(byline="<p class='byline'>Posted on 14 September 2021</p>")
    commented = _page(byline="<!-- byline --><p class='byline'>Posted on <!-- day -->14 September 2021</p>")
    assert extract_html(commented).published == extract_html(plain).published == "2021-09-14"


_PUBLISHED = '<meta property="article:published_time" content="2022-04-07T09:30:00Z">'


@pytest.mark.parametrize(
    ("head", "updated"),
    [
        # a revision stated in JSON-LD (where htmldate's "most recent date" search returned the publication day)
        ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-04-07T09:30:00Z", '
         '"dateModified": "2022-05-02T16:05:00Z"}</script>', "2022-05-02T16:05"),
        ('<meta property="article:modified_time" content="2022-04-09">', "2022-04-09"),
        # a revision later on the day of publication is one
        ('<meta property="og:updated_time" content="2022-04-07T18:00:00Z">', "2022-04-07T18:00"),
        # the same moment as the publication, a date before it, or one after today, is no revision
        ('<meta property="article:modified_time" content="2022-04-07T09:30:00Z">', None),
        ('<meta property="article:modified_time" content="2022-03-01T08:00:00Z">', None),
        ('<meta property="article:modified_time" content="2999-01-01T08:00:00Z">', None),
    ],
)
def test_extract_dates_updated_is_the_revision_the_markup_states(head, updated):
    assert extract_html(_page(_PUBLISHED + head)).updated == updated


def test_extract_dates_a_later_date_in_the_text_is_no_revision():
    # the page's most recent date (a comment, a related story) is not the page's own revision
    page = _page(_PUBLISHED, "<p class='related'>Ferry timetable changes on 3 May 2022</p>")
    result = extract_html(page)
    assert result.published == "2022-04-07T09:30" and result.updated is None


_MODIFIED = '<meta property="article:modified_time" content="2025-09-15T15:41:43+00:00">'


@pytest.mark.parametrize(
    ("byline", "published"),
    [
        # with no publication meta tag htmldate takes article:modified_time; the page shows its publication
        ("<p class='meta'>Published: January 3, 2024</p>", "2024-01-03"),
        ("<p class='meta'>This story was originally published on 26 Sep 2019 at 4:12pm</p>", "2019-09-26"),
        ("<time class='entry-date published' datetime='2024-04-02T10:20:00+00:00'>April 2, 2024</time>",
         "2024-04-02"),
        ("<p>Veröffentlicht am 3. Januar 2024</p>", "2024-01-03"),
        # a "published" element that says it was updated is the revision: htmldate's day stands
        ("<time class='entry-date published' datetime='2024-04-02'>Last updated: April 2, 2024</time>",
         "2025-09-15"),
        # a day apart is a time zone, not another date
        ("<p class='meta'>Published September 14, 2025</p>", "2025-09-15"),
    ],
)
def test_extract_dates_the_publication_the_page_shows_beats_a_revision_date(byline, published):
    assert extract_html(_page(_MODIFIED, byline)).published[:10] == published


def test_extract_dates_a_list_of_stories_each_published_on_its_day_states_no_publication():
    teasers = "".join(f"<li><a href='/s{d}'>Ferry news {d}</a> Published on May {d}, 2023</li>" for d in (3, 9))
    page = _page(_MODIFIED, f"<ul class='related'>{teasers}</ul>")
    assert extract_html(page).published[:10] == "2025-09-15"


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2022-04-07T09:30:00Z">',
        # revised the day it was published: still the publication the markup states
        '<script type="application/ld+json">{"@type": "Article", "datePublished": "2022-04-07T09:30:00Z", '
        '"dateModified": "2022-04-07T11:00:00Z"}</script>',
    ],
)
def test_extract_dates_the_publication_stated_in_metadata_beats_the_one_shown(head):
    # an embedded story card shows its own publication
    page = _page(head, "<div class='card'><p>Published on January 3, 2024</p></div>")
    assert extract_html(page).published == "2022-04-07T09:30"


def test_extract_dates_an_ambiguous_numeric_date_is_read_as_the_iso_publication_says():
    # htmldate reads 09.10.2024 day first; the JSON-LD (its spaced colon unread by htmldate) says 10 September
    ld = '<script type="application/ld+json">{"@type": "Article", "datePublished" : "2024-09-10T16:07:00Z"}</script>'
    page = _page(ld, "<p class='post-date'>09.10.2024</p>")
    assert extract_html(page).published[:10] == "2024-09-10"
    assert extract_html(_page("", "<p class='post-date'>09.10.2024</p>")).published == "2024-10-09"
