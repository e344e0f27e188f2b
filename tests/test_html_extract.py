"""Tests for newsdesk.extract.html: body, boilerplate and metadata of small hand-written pages."""

from __future__ import annotations

import os

import pytest

from newsdesk.extract import html as html_mod
from newsdesk.extract.html import HtmlExtract, extract_html

BODY = [
    "The river authority of Lower Vessington said on Tuesday that the old stone weir would be rebuilt "
    "before the spring floods, after engineers found cracks along most of its length.",
    "Residents had complained for years that the weir leaked during heavy rain, flooding the meadows "
    "where the town holds its summer market and leaving the footpath under water for weeks.",
    "The authority expects the work to take four months and to cost about two million crowns, which "
    "will be shared between the regional council and a national fund for flood defences.",
    "Fishing clubs welcomed the plan but asked that a fish pass be built into the new structure, so "
    "that trout can move upstream to spawn as they did before the weir was first built.",
]


def page(
    *,
    head: str = "",
    lang: str = "en",
    before: str = "",
    after: str = "",
    body: list[str] | None = None,
) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in (BODY if body is None else body))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">{head}</head>
<body>
<header><nav><ul>
  <li><a href="/">Home</a></li><li><a href="/news">News</a></li>
  <li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li>
</ul></nav></header>
<main><article>
  <h1>Old weir to be rebuilt before spring floods</h1>
  {before}
  <div class="article-body">{paragraphs}</div>
  {after}
</article>
<aside class="related"><h2>Related stories</h2><ul>
  <li><a href="/n/1">Council votes to close the swimming baths for the winter season</a></li>
  <li><a href="/n/2">Bakery on Mill Lane wins regional bread competition again</a></li>
  <li><a href="/n/3">New bus timetable leaves the northern villages without an evening service</a></li>
</ul></aside></main>
<footer><p>Contact us</p><p>Privacy policy</p><p>Copyright 2019 Vessington Courier Ltd</p></footer>
</body></html>"""


META_HEAD = """
<title>Old weir to be rebuilt before spring floods | Vessington Courier</title>
<meta property="og:title" content="Old weir to be rebuilt before spring floods">
<meta property="og:site_name" content="Vessington Courier">
<meta name="author" content="Maria Ostrova">
<meta property="article:published_time" content="2019-03-14T09:30:00+00:00">
<meta property="article:modified_time" content="2019-03-15T16:05:00+00:00">
"""


def test_html_extract_returns_the_body_paragraphs():
    result = extract_html(page(head=META_HEAD), url="https://www.vessington-courier.example/news/weir")
    assert isinstance(result, HtmlExtract)
    assert result.paragraphs == tuple(BODY)
    assert result.text == "\n\n".join(BODY)


def test_html_extract_drops_nav_footer_and_related_links():
    result = extract_html(page(head=META_HEAD))
    text = result.text or ""
    for boilerplate in ("Home", "Weather", "swimming baths", "Mill Lane", "Privacy policy", "Contact us"):
        assert boilerplate not in text
    removed = {r.text for r in result.removed}
    assert "Privacy policy" in removed
    assert "Bakery on Mill Lane wins regional bread competition again" in removed
    assert all(r.reason.startswith("boilerplate (html)") for r in result.removed)


def test_html_extract_drops_leftover_prompts_and_teasers_inside_the_article():
    before = "<p>Read more: Flood warnings issued for three valleys</p>"
    after = (
        "<p><a href='/n/9'>Ten pictures of the great flood of nineteen fifty two</a></p>"
        "<p>Follow the Courier on Facebook, Twitter and Instagram.</p>"
        "<p>Jon Abel contributed reporting.</p>"
    )
    result = extract_html(page(head=META_HEAD, before=before, after=after))
    assert result.paragraphs == tuple(BODY)
    reasons = {r.text: r.reason for r in result.removed}
    # trafilatura itself may drop some of these; either way they end in `removed`
    assert reasons["Read more: Flood warnings issued for three valleys"].startswith("boilerplate (html)")
    assert reasons["Jon Abel contributed reporting."].startswith("boilerplate (html)")
    assert reasons["Follow the Courier on Facebook, Twitter and Instagram."].startswith("boilerplate (html)")


def test_html_extract_keeps_sentences_that_merely_mention_prompt_words():
    body = [
        *BODY,
        BODY[0].replace("The river authority", "Readers who subscribe to the river authority bulletin"),
    ]
    result = extract_html(page(body=body))
    assert len(result.paragraphs) == len(body)


def test_html_extract_reads_metadata_from_meta_tags():
    result = extract_html(page(head=META_HEAD), url="https://www.vessington-courier.example/news/weir")
    assert result.title == "Old weir to be rebuilt before spring floods"
    assert result.byline == "Maria Ostrova"
    assert result.outlet == "Vessington Courier"
    assert result.published == "2019-03-14T09:30"
    assert result.updated == "2019-03-15T16:05"
    assert result.date_source == "meta"
    assert result.language == "en"


def test_html_extract_reads_byline_and_date_from_json_ld():
    head = """<title>Old weir</title><script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Old weir to be rebuilt", "datePublished": "2019-03-14",
     "author": {"@type": "Person", "name": "Pavel Lind"}}</script>"""
    result = extract_html(page(head=head, lang="en-gb"))
    assert result.byline == "Pavel Lind"
    assert result.published == "2019-03-14"
    assert result.language == "en-GB"


def test_html_extract_outlet_falls_back_to_the_domain():
    result = extract_html(page(), url="https://www.weir-watch.example/2019/03/14/weir")
    assert result.outlet == "weir-watch.example"
    assert extract_html(page()).outlet is None


def test_html_extract_never_returns_a_future_date():
    head = '<meta property="article:published_time" content="2999-01-01T10:00:00Z">'
    result = extract_html(page(head=head))
    assert result.published is None or result.published < "2999"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        "   ",
        os.urandom(4096),
        b"\x00" * 64,
        b"%PDF-1.4\n" + os.urandom(512),
        "<html></html>",
        "<html><head><title>Only a title</title></head></html>",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
    ],
)
def test_html_extract_no_body_returns_text_none(data):
    result = extract_html(data, url="https://example.org/x")
    assert result.text is None
    assert result.paragraphs == ()
    assert result.outlet == "example.org"


def test_html_extract_accepts_undecoded_bytes():
    data = page(head=META_HEAD).replace("crowns", "krónur").encode("utf-8")
    result = extract_html(data)
    assert result.text is not None and "krónur" in result.text


def test_html_extract_post_filter_drops_headline_prompt_and_credit_lines():
    lines = [
        "Old weir to be rebuilt before spring floods",
        BODY[0],
        "Sign up for our newsletter to get the latest flood news in your inbox",
        BODY[1],
        "Reporting by Jon Abel; Editing by Ann Berg",
    ]
    kept, removed = html_mod.filter_paragraphs(lines, title="Old weir to be rebuilt before spring floods")
    assert kept == [BODY[0], BODY[1]]
    assert [r.reason for r in removed] == [
        "boilerplate (html): headline",
        "boilerplate (html): prompt",
        "boilerplate (html): credit",
    ]


def test_html_extract_falls_back_to_readability_when_trafilatura_finds_nothing(monkeypatch):
    monkeypatch.setattr(html_mod, "_trafilatura_body", lambda tree, url: [])
    result = extract_html(page(head=META_HEAD))
    assert result.text is not None
    assert BODY[1] in result.paragraphs
