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
    monkeypatch.setattr(html_mod, "_trafilatura_body", lambda tree, url, **kw: [])
    result = extract_html(page(head=META_HEAD))
    assert result.text is not None
    assert BODY[1] in result.paragraphs


# --- issue 18: candidate choice, CJK, leading text, dates ---------------------------------------------

PROMO = [
    "Subscribe today and get the Vessington Courier delivered to your door every morning for half the price.",
    "Our readers say the weekend edition is the best way to catch up on everything that happened in town.",
    "Offer ends soon, so do not miss your chance to join thousands of happy subscribers across the valley.",
]  # a promo box of 300 characters, all sentences: the kind of block trafilatura's fast mode can pick


def test_html_extract_consults_other_extractors_when_the_first_body_is_a_small_part_of_the_page(monkeypatch):
    real = html_mod._trafilatura_body

    def fast_picks_the_promo(tree, url, *, fast):
        return list(PROMO) if fast else real(tree, url, fast=False)

    monkeypatch.setattr(html_mod, "_trafilatura_body", fast_picks_the_promo)
    long_body = BODY * 3 + [p.replace("weir", "dam") for p in BODY]
    result = extract_html(page(body=long_body, after="<aside>" + "".join(f"<p>{p}</p>" for p in PROMO) + "</aside>"))
    assert result.text is not None
    assert BODY[2] in result.paragraphs
    assert PROMO[0] not in result.paragraphs


def test_html_extract_keeps_the_first_body_when_it_holds_most_of_the_page(monkeypatch):
    calls = []
    real = html_mod._trafilatura_body

    def counting(tree, url, *, fast):
        calls.append(fast)
        return real(tree, url, fast=fast)

    monkeypatch.setattr(html_mod, "_trafilatura_body", counting)
    result = extract_html(page(head=META_HEAD))
    assert list(result.paragraphs) == BODY
    assert calls == [True]  # no second extraction on a page the fast mode read well


def test_html_extract_a_menu_without_sentences_never_beats_a_short_article(monkeypatch):
    menu = [f"Section {i}: news, sport, weather" for i in range(60)]  # 2,000 characters, no sentence
    article = BODY[:3]  # about 550 characters of prose
    monkeypatch.setattr(html_mod, "_trafilatura_body", lambda tree, url, **kw: list(menu))
    monkeypatch.setattr(html_mod, "_readability_body", lambda tree, url: list(article))
    result = extract_html(page(body=article))
    assert result.text is not None
    assert list(result.paragraphs) == article


def test_html_extract_quality_counts_prose_not_length():
    links = {html_mod._key("Council votes to close the swimming baths for the winter season")}
    menu = ["Home", "News", "Sport"] * 40
    teasers = ["Council votes to close the swimming baths for the winter season"] * 5
    assert html_mod._quality(menu, links) == 0
    assert html_mod._quality(teasers, links) == 0
    assert html_mod._quality(BODY[:2], links) > html_mod._quality(BODY[:1] + menu, links)
    assert html_mod._quality([BODY[0]] * 4, links) < html_mod._quality(BODY, links)  # a repeat is no prose


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("The council met on Tuesday.", 5),
        ("北京市政府周二宣布新的交通规则", 7.5),  # 15 characters, no spaces
        ("東京都は火曜日に新しい計画を発表した", 9),
        ("G20 峰会在大阪举行", 1 + 3.5),
    ],
)
def test_html_extract_units_count_cjk_characters(text, units):
    assert html_mod._units(text) == units


ZH_BODY = [
    "北京市交通委员会周二宣布，从下个月起将在市中心试行新的公交线路调整方案，以缓解早晚高峰时段的拥堵。",
    "该方案将新增十二条快速公交线路，并延长部分地铁线路的运营时间，预计每天可服务超过五十万名乘客。",
    "市民可以通过官方网站和手机应用查询新的线路信息，有关部门表示将根据试行效果进一步完善方案。",
]
JA_BODY = [
    "東京都は火曜日、来年度から都内の公立小学校で新しい防災教育の授業を始めると発表しました。",
    "授業では地震や台風への備えを学び、地域の避難所を実際に訪れる体験学習も行われる予定です。",
    "都の担当者は、子どもたちが自分の命を守る力を身につけることが大切だと話しています。",
]


def cjk_page(lang: str, headline: str, body: list[str]) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{headline}</title>
<meta property="article:published_time" content="2021-06-08T10:00:00+08:00"></head>
<body><nav><a href="/">首页</a> <a href="/news">新闻</a> <a href="/sport">体育</a></nav>
<article><h1>{headline}</h1>{paragraphs}</article><footer><p>联系我们</p></footer></body></html>"""


@pytest.mark.parametrize(
    ("lang", "headline", "body"),
    [("zh", "北京试行新公交线路", ZH_BODY), ("ja", "都内の小学校で防災教育", JA_BODY)],
)
def test_html_extract_keeps_cjk_articles_and_their_dates(lang, headline, body):
    # each sentence is one or two \w runs: counted as space-separated words, no line has 8 and the page was
    # rejected, its date with it
    result = extract_html(cjk_page(lang, headline, body))
    assert result.text is not None
    assert all(p in result.text for p in body)
    assert result.published == "2021-06-08T10:00"


def test_html_extract_short_line_rules_judge_cjk_by_characters():
    # a long CJK paragraph is one \w run: judged by runs it is a short line, and one that a "share" widget
    # also shows as a link would be dropped as a teaser
    lead = ZH_BODY[0] + ZH_BODY[1]
    kept, removed = html_mod.filter_paragraphs([lead], title=None, tree=html_mod._parse(
        f'<html><body><a href="/share">{lead}</a><p>{lead}</p></body></html>'))
    assert kept == [lead] and not removed
    short = "相关新闻北京公交线路调整方案公布"  # 16 characters: short, and a link elsewhere on the page
    kept, removed = html_mod.filter_paragraphs([short], title=None, tree=html_mod._parse(
        f'<html><body><a href="/n/1">{short}</a></body></html>'))
    assert kept == [] and removed[0].reason.endswith("link")


@pytest.mark.parametrize(
    "leading",
    [
        "<br />\n<b>Warning</b>:  Undefined variable $title in <b>/var/www/html/article.php</b> on line "
        "<b>12</b><br />\n",
        "Notice: session_start(): headers already sent\n",
        "<b>Deprecated</b>: Function create_function() is deprecated in /srv/www/inc.php on line 5<br />\n" * 40,
    ],
)
@pytest.mark.parametrize("as_bytes", [False, True])
def test_html_extract_reads_a_page_after_leading_text(leading, as_bytes):
    doc = leading + page(head=META_HEAD)
    result = extract_html(doc.encode() if as_bytes else doc)
    assert list(result.paragraphs) == BODY
    assert result.title == "Old weir to be rebuilt before spring floods"
    assert result.published == "2019-03-14T09:30"


@pytest.mark.parametrize(
    "byline",
    ['<div class="info">Maria Ostrova | 2019/03/14</div>', "<div>Written on Mar 14th, 2019</div>",
     "<div>Thursday 14 March 2019</div>"],
)
def test_html_extract_finds_a_date_only_the_page_text_states(byline):
    result = extract_html(page(before=byline))
    assert result.published == "2019-03-14"
    assert result.date_source == "htmldate"


def test_html_extract_takes_no_copyright_year_for_a_date():
    result = extract_html(page(after="<p>© 2018 Vessington Courier</p>"))
    assert result.published is None  # htmldate's extensive search would say 2018-01-01


def test_html_extract_fragment_keeps_a_one_line_teaser():
    item = "<html><body><article><h1>Water accord signed</h1><p>Ministers agree to share three rivers.</p>" \
           "</article></body></html>"
    assert extract_html(item).text is None  # a page holding one short line has no article
    result = extract_html(item, fragment=True)
    assert result.text == "Ministers agree to share three rivers."
    assert result.title == "Water accord signed"


@pytest.mark.parametrize("as_bytes", [False, True])
def test_html_extract_reads_the_date_htmldate_finds_in_the_page_comments(as_bytes):
    # the extraction tree drops comments; htmldate reads the page as fetched, as it would if called directly
    html = page(before="<!-- published 2019-03-14T09:30:00 -->")
    result = extract_html(html.encode() if as_bytes else html)
    assert result.published == "2019-03-14"


SUBHEAD = "Engineers found cracks along most of the old weir"


@pytest.mark.parametrize(
    "elsewhere",
    [
        f'<nav class="toc"><ul><li><a href="#cracks">{SUBHEAD}</a></li></ul></nav>',  # in-page contents
        f'<p>Our reporter spent a day on the river bank, where <a href="/n/9">{SUBHEAD.lower()}</a> was '
        "the only thing the anglers wanted to talk about all afternoon.</p>",  # a phrase of a paragraph
    ],
)
def test_html_extract_keeps_a_body_line_that_is_also_the_text_of_a_non_teaser_link(elsewhere):
    body = BODY[:2] + [SUBHEAD] + BODY[2:]
    result = extract_html(page(body=body, after=elsewhere))
    assert SUBHEAD in result.paragraphs
    # a teaser link elsewhere on the page still marks the same line as one
    teaser = extract_html(page(body=body, after=f'<ul><li><a href="/n/8">{SUBHEAD}</a></li></ul>'))
    assert SUBHEAD not in teaser.paragraphs


@pytest.mark.parametrize(
    "credit",
    ["Additional reporting by Jan Novak in Prague; Editing by Ana Silva",
     "(Reporting by Li Wei and Tom Berg; Editing by Ana Silva)",
     "Photographs by Ola Nordmann; writing by Jan Novak"],
)
def test_html_extract_drops_credit_lines(credit):
    result = extract_html(page(body=BODY + [credit]))
    assert result.paragraphs == tuple(BODY)
    assert any(r.text == credit and r.reason.endswith("credit") for r in result.removed)


@pytest.mark.parametrize(
    "notice",
    ["Le Courrier de Vessington. Tous droits réservés.", "Vessinger Kurier GmbH. Alle Rechte vorbehalten.",
     "Diario de Vessington. Todos los derechos reservados.", "维森顿信使报 版权所有", "(c) 2019 Vessington Courier"],
)
def test_boilerplate_recognises_copyright_notices_in_other_languages(notice):
    from newsdesk.extract.boilerplate import line_info

    assert line_info(notice, frozenset()).furniture
    sentence = "The court heard that all of the rights to the weir belong to the regional council."
    assert not line_info(sentence, frozenset()).furniture


# --- tables (issue 18, pattern 9) ------------------------------------------------------------------------

_LEAD = ("<p>Turnout in the regional vote rose for the first time in a decade, the electoral commission said on "
         "Sunday, as counting ended in all but two districts of the province.</p>")
_FIGURES = ("<table><tr><th>District</th><th>Votes</th><th>Share</th></tr>"
            + "".join(f"<tr><td>District {n}</td><td>{n * 1310}</td><td>{n + 20}%</td></tr>" for n in range(1, 7))
            + "<tr><td></td><td>–</td><td></td></tr></table>")
_LAYOUT = ("<table><tr><td><p>Observers from three neighbouring countries said the count had been orderly and "
           "that complaints about missing ballots in the mountain districts were being checked.</p></td>"
           "<td>Sidebar</td></tr></table>")


def test_html_extract_table_rows_become_lines_of_cells_and_layout_prose_stays_paragraphs():
    page = f"<html><body><article><h1>Turnout rises</h1>{_LEAD}{_FIGURES}{_LEAD.replace('rose', 'fell')}{_LAYOUT}" \
           "</article></body></html>"
    h = extract_html(page)
    assert "|" not in h.text
    assert "District; Votes; Share" in h.paragraphs and "District 3; 3930; 23%" in h.paragraphs
    assert any(p.startswith("Observers from three neighbouring countries") and p.endswith("checked.")
               for p in h.paragraphs)
    assert any(r.reason.endswith("empty table row") for r in h.removed)


def test_html_extract_untable_leaves_other_lines_alone():
    removed: list = []
    lines = ["A line with | a pipe inside it.", "| Name | Role |", "| Ana Lopez | Mayor |"]
    assert html_mod._untable(lines, removed) == ["A line with | a pipe inside it.", "Name; Role", "Ana Lopez; Mayor"]
    assert removed == []


def test_html_extract_a_long_table_does_not_sink_the_short_report_around_it():
    rows = "".join(f"<tr><td>District {n}</td><td>{n * 1310}</td><td>{n % 40}%</td></tr>" for n in range(300))
    h = extract_html(f"<html><body><article><h1>Turnout rises</h1>{_LEAD}<table>{rows}</table></article></body></html>")
    assert h.text is not None and h.paragraphs[0].startswith("Turnout in the regional vote rose")
    assert "District 299; 391690; 19%" in h.paragraphs


# --- excerpts of other pages (the precision lost when a fallback body reads the whole page) ---------------

_OWN_LEAD = ("The river authority will raise the dikes along the lower Rhine by half a metre before the winter "
             "storms, its director said on Monday.")
_OWN_BODY = ("Engineers have found that parts of the old dikes near the delta could give way during a long "
             "surge, and the work is to be finished by November.")
_OTHER = ("Farmers along the Meuse have asked the province for help after a wet spring left thousands of "
          "hectares of fields under water for weeks.")


def test_filter_drops_excerpts_of_other_pages_and_keeps_the_pages_own_standfirst():
    page = (f"<html><body class='single has-excerpt'><article><h1>Dikes to be raised</h1>"
            f"<div class='entry-excerpt'><p>{_OWN_LEAD}</p></div><p>{_OWN_BODY}</p></article>"
            f"<section class='related'><div class='post-card'><h3><a href='/meuse-fields'>Meuse fields flooded</a>"
            f"</h3><div class='post-excerpt'><p>{_OTHER}</p></div><a href='/meuse-fields'>Read more</a></div>"
            f"</section></body></html>")
    kept, removed = html_mod.filter_paragraphs([_OWN_LEAD, _OWN_BODY, _OTHER], title=None,
                                               tree=html_mod._parse(page))
    assert kept == [_OWN_LEAD, _OWN_BODY]
    assert [(r.text, r.reason) for r in removed] == [(_OTHER, "boilerplate (html): excerpt")]


def test_html_extract_audit_trail_keeps_a_line_that_spans_two_body_paragraphs():
    # a block inside one body paragraph (an inline quote) is not logged; one whose words run from the end of
    # a paragraph into the next is other text, whatever order the paragraphs are looked up in
    tree = html_mod._parse("<html><body><p>The weir leaked in the rain.</p><div>rain the authority</div>"
                           "<div>weir leaked</div></body></html>")
    kept = ["The weir leaked in the rain.", "The authority expects the work to take four months."]
    assert [r.text for r in html_mod._page_leftovers(tree, kept, 10)] == ["rain the authority"]


@pytest.mark.parametrize("full_changes_it", [True, False])
def test_html_extract_readability_only_when_the_full_cascade_keeps_the_fast_body(monkeypatch, full_changes_it):
    teaser = ["Weir to be rebuilt"]  # no sentence: the fast body looks wrong and the fallbacks run
    asked = []
    monkeypatch.setattr(html_mod, "_trafilatura_body",
                        lambda tree, url, *, fast: teaser if fast or not full_changes_it else BODY[:2])
    monkeypatch.setattr(html_mod, "_readability_body", lambda tree, url: asked.append(url) or BODY)
    body = html_mod._body(html_mod._parse(page()), "https://courier.example/weir")
    # the full cascade already weighed its own readability port when it changed the body
    assert body == (BODY[:2] if full_changes_it else BODY)
    assert asked == ([] if full_changes_it else ["https://courier.example/weir"])
