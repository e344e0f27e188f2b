"""HTML extraction: main body text, metadata and the dropped boilerplate of one web page.

Owns the choice and combination of extractors (trafilatura first, readability-lxml as a fallback for
pages where trafilatura finds little) and the light post-filter of leftover boilerplate lines.
"""

from __future__ import annotations

import itertools
import logging
import re
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement, fromstring
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from newsdesk.extract.block_text import BLOCK_TAGS, block_lines
from newsdesk.extract.html_meta import PageMeta, domain_of, read_meta
from newsdesk.records import RemovedLine

__all__ = ["HtmlExtract", "extract_html"]

LOGGER = logging.getLogger(__name__)

BOILERPLATE = "boilerplate (html)"
MAX_REMOVED = 200
# Below this many characters of prose (trafilatura's own minimum output size) other extractors are tried.
FALLBACK_CHARS = 250
# ... and when the first body holds less than this share of the prose in the page's paragraphs
RETRY_SHARE = 0.5
# another extractor's body replaces the first only when its quality is this much higher
SWITCH_GAIN = 1.2
JUNK_WEIGHT = 0.5  # a line that is not prose costs half its length
MIN_SENTENCE_WORDS = 8


@dataclass(frozen=True)
class HtmlExtract:
    text: str | None  # main body text, paragraphs separated by "\n\n"; None if no body found
    paragraphs: tuple[str, ...]
    title: str | None
    byline: str | None  # author name(s)
    outlet: str | None  # site name, else domain of url (without www.)
    published: str | None  # ISO 8601: date, or "YYYY-MM-DDTHH:MM" when the page states the time
    updated: str | None
    language: str | None  # from <html lang> or meta
    removed: tuple[RemovedLine, ...]  # page text dropped as boilerplate, at most MAX_REMOVED lines
    date_source: str | None  # where `published` came from: "htmldate" or "meta"


def extract_html(html: str | bytes, url: str | None = None, *, fragment: bool = False) -> HtmlExtract:
    """Extract the article body and metadata of one HTML page.

    Args:
        html: the page, as text or as undecoded bytes (the charset is detected).
        url: where the page came from; used for dates in the URL and as the outlet of last resort.
        fragment: the HTML is the article itself, not a page around it (a feed item's content): when no
            extractor finds a body in it (a one-line teaser), its visible text is the body.

    Returns:
        An HtmlExtract; `text` is None when the page has no recognisable body (empty, not HTML,
        binary garbage). Never raises for bad input.
    """
    tree = _parse(html)
    if tree is None:
        return _empty(PageMeta(outlet=domain_of(url)))
    try:
        meta = read_meta(tree, url, page=html)
    except Exception:  # metadata is a bonus: a failure there must not lose the body
        LOGGER.debug("metadata extraction failed for %s", url, exc_info=True)
        meta = PageMeta(outlet=domain_of(url))
    anchors = _anchors(tree)  # read once: both the candidates' quality and the post-filter weigh link texts
    paragraphs = _body(tree, url, anchors)
    kept, dropped = filter_paragraphs(paragraphs, title=meta.title, tree=tree, anchors=anchors)
    if not kept and fragment:
        kept, dropped = _fragment_text(tree, meta.title), []
    if not kept:
        return _empty(meta)
    removed = dropped + _page_leftovers(tree, kept, MAX_REMOVED - len(dropped))
    return HtmlExtract(
        text="\n\n".join(kept),
        paragraphs=tuple(kept),
        title=meta.title,
        byline=meta.byline,
        outlet=meta.outlet,
        published=meta.published,
        updated=meta.updated,
        language=meta.language,
        removed=tuple(removed[:MAX_REMOVED]),
        date_source=meta.date_source,
    )


def _fragment_text(tree: HtmlElement, title: str | None) -> list[str]:
    """All visible lines of a fragment but its headline (the headline alone when it is all there is)."""
    body = tree.find(".//body")
    lines = block_lines(body) if body is not None else []
    titles = {_key(title)} | {_key(h.text_content()) for h in tree.iter("h1")}
    return [line for line in lines if _key(line) not in titles] or lines


def _empty(meta: PageMeta) -> HtmlExtract:
    return HtmlExtract(
        text=None,
        paragraphs=(),
        title=meta.title,
        byline=meta.byline,
        outlet=meta.outlet,
        published=meta.published,
        updated=meta.updated,
        language=meta.language,
        removed=(),
        date_source=meta.date_source,
    )


def _parse(html: str | bytes) -> HtmlElement | None:
    """One lxml tree for all extractors (trafilatura's loader: charset detection, repairs)."""
    if not isinstance(html, (str, bytes)) or not html.strip():
        return None
    tree = _load(html)
    if tree is not None and tree.tag != "html" and tree.find(".//body") is None:
        # text before the document (a PHP warning, a stray BOM line) makes lxml read the page as a
        # fragment, head and all: read it again from its doctype or <html> tag
        head = html[:_DOC_SCAN] if isinstance(html, str) else html[:_DOC_SCAN].decode("latin-1")  # byte offsets kept
        start = _DOC_START.search(head)
        if start and start.start() > 0:
            tree = _load(html[start.start():])
    if tree is not None and tree.find(".//body") is None:
        # a fragment (a JSONL `html` field, a feed item): give it the page around it
        head = html[:_HEAD_BYTES].lower() if isinstance(html, str) else html[:_HEAD_BYTES].lower().decode("latin-1")
        if "<html" not in head and "<body" not in head:
            wrapped = (b"<html><body>" + html + b"</body></html>") if isinstance(html, bytes) \
                else f"<html><body>{html}</body></html>"
            tree = _load(wrapped)
    if tree is None or tree.find(".//body") is None:
        return None
    return tree


_HEAD_BYTES = 2048
_DOC_SCAN = 65536  # how far into the input a document may start after leading junk
_DOC_START = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)


def _load(html: str | bytes) -> HtmlElement | None:
    try:
        return load_html(html)
    except Exception:  # lxml and the decoders raise a zoo of errors on garbage
        return None


# --- body ------------------------------------------------------------------------------------


def _body(tree: HtmlElement, url: str | None, anchors: list[tuple[HtmlElement, str]] | None = None) -> list[str]:
    """The best of several extractors' bodies, judged by how much of each reads as prose.

    trafilatura's fast mode goes first; the others (its full cascade, readability) are consulted only when
    that first body looks wrong: too little prose, or far less than the page's own paragraphs hold (a teaser,
    a promo box or a calendar picked instead of the article).
    """
    links = {key for _, key in (_anchors(tree) if anchors is None else anchors)}
    page_prose = _page_prose(tree)
    first = _trafilatura_body(tree, url, fast=True)
    best, best_q = first, _quality(first, links)
    if best_q < FALLBACK_CHARS or best_q < RETRY_SHARE * page_prose:
        # trafilatura's full cascade weighs its fast body against its own readability port and justext: when
        # it changes the body, readability has been heard; when it keeps it, readability-lxml (which the
        # quality measure sometimes prefers) is asked. On the dev pages readability never beat a changed body.
        full = _trafilatura_body(tree, url, fast=False)
        other = full if full != first else _readability_body(tree, url)
        q = _quality(other, links)
        if q > best_q * SWITCH_GAIN:
            best, best_q = other, q
    # both extractors return *something* on a page without an article, down to a lone nav link:
    # a body needs at least one real sentence, and one with none has quality 0
    return best if best_q > 0 else []


def _quality(paragraphs: list[str], links: set[str]) -> float:
    """Characters of prose (lines of a sentence's length, not the text of a link, not repeated), less a
    share of the characters of the other lines: a menu or a list of teasers scores low however long it is.
    A table's rows are neither: a long table of figures must not sink the short report around it."""
    prose = junk = 0
    seen: set[str] = set()
    for p in paragraphs:
        key = _key(p)
        if _TABLE_ROW.match(p):
            continue
        if key not in seen and key not in links and _units(p) >= MIN_SENTENCE_WORDS:
            seen.add(key)
            prose += _size(p)
        else:
            junk += _size(p)
    return prose - JUNK_WEIGHT * junk if prose else 0


def _page_prose(tree: HtmlElement) -> int:
    """Characters of prose in the page's <p> elements, wherever they are: what an article body could hold."""
    total = 0
    seen: set[str] = set()
    for p in tree.iter("p"):
        text = _norm(p.text_content())
        if text not in seen and _units(text) >= MIN_SENTENCE_WORDS:
            seen.add(text)
            total += _size(text)
    return total


def _trafilatura_body(tree: HtmlElement, url: str | None, *, fast: bool) -> list[str]:
    # fast=True skips trafilatura's own readability/justext comparison (about 40% of its time) but keeps
    # its baseline rescue and recall retry; the full cascade runs only when the fast body looks wrong.
    try:
        doc = bare_extraction(tree, url=url, include_comments=False, fast=fast)
    except Exception:  # trafilatura raises on some malformed trees instead of returning None
        LOGGER.debug("trafilatura failed on %s", url, exc_info=True)
        return []
    text = getattr(doc, "text", None) if doc is not None else None
    return [p for p in (_norm(line) for line in (text or "").split("\n")) if p]


def _readability_body(tree: HtmlElement, url: str | None) -> list[str]:
    from readability import Document  # only the rare fallback pays for the import

    try:
        summary = Document(deepcopy(tree), url=url).summary(html_partial=True)
        return list(block_lines(fromstring(summary)))
    except Exception:  # readability raises on pages without candidates
        LOGGER.debug("readability failed on %s", url, exc_info=True)
        return []


# --- post-filter -----------------------------------------------------------------------------

# Short lines that announce other content, ask the reader to act, or credit the staff. Applied to
# lines of at most SHORT_LINE_WORDS words only, so a body sentence that mentions "subscribe" survives.
# Each rule is (reason, mode, pattern); `match` anchors at the line start, `search` looks anywhere.
SHORT_LINE_WORDS = 30
_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (reason, mode, re.compile(pattern, re.IGNORECASE))
    for reason, mode, pattern in (
        (
            "prompt",
            "match",
            r"\W*(read (more|also|next|this)|also read|see (more|also)|related\s*:"
            r"|related( (articles?|stories|coverage|content))?\W*$|recommended( for you)?\W*$"
            r"|more (from|on|stories)\b|most (read|popular|viewed|shared)|trending( now)?\W*$|don.t miss"
            r"|watch( now)?\s*:|click here|tap here|follow (us|@)|like this (story|article)|share (this|it|on)"
            r"|have a tip|get the latest|get (the )?[\w ]{0,30} app\b|download (the|our) app|advertisement\W*$"
            # a few non-English "read also" / "reading time"
            r"|leia (também|mais)|tempo de leitura|lesen sie (auch|mehr)|leggi anche|lire aussi"
            r"|lea también|baca juga|читайте также)",
        ),
        (
            "prompt",
            "match",
            r"\W*(follow|find|join|like|connect with)\b.{0,80}\b(facebook|twitter|instagram|youtube|linkedin)\b",
        ),
        # "sign up"/"subscribe" also start genuine sentences (offers, how-tos): only newsletter-ish ones go
        ("prompt", "search", r"\b(sign up|subscribe)\b.{0,120}\b(newsletters?|inbox|e-?mail alerts)\b"),
        (
            "disclosure",
            "search",
            r"\b(may|might|will) (earn|get|receive) (a )?(small )?(share|commission|portion)\b",
        ),
        ("copyright", "match", r"\W*(copyright|all rights reserved|[©ⓒ]|\(c\)\s*\d{4})"),
        ("credit", "match", r"\W*(additional |compiled |)(reporting|writing|editing|research) by\b"),
        # "Photos by X; Editing by Y": a credit line whose later part names the reporting or editing
        ("credit", "search", r"[;,]\s*(additional )?(reporting|writing|editing|research) by\b"),
        ("credit", "search", r"contributed (reporting|to this (report|story|article))"),
        (
            "timestamp",
            "match",
            r"\W*(last )?(updated|published|posted|modified)( at| on)?\s*:?\s*\w{0,12}\s*\d.{0,40}$",
        ),
    )
)
_WORD = re.compile(r"\w+")
# Chinese and Japanese write sentences without spaces: their characters are counted, two to a word
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# A page's lines are measured several times (candidate quality, page prose, post-filter, audit trail):
# measures are cached by text, over a few pages' worth of lines.
_CACHE_LINES = 4096


@lru_cache(maxsize=_CACHE_LINES)
def _size(text: str) -> int:
    """Length in characters, where a Chinese or Japanese character counts as three (half a word's worth)."""
    if not _CJK.search(text):
        return len(text)
    return len(text) + 2 * len(_CJK.findall(text))


@lru_cache(maxsize=_CACHE_LINES)
def _units(text: str) -> float:
    """Length in words, where two Chinese or Japanese characters make a word (a CJK sentence has no spaces)."""
    if not _CJK.search(text):
        return len(_WORD.findall(text))
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk / 2


def filter_paragraphs(
    paragraphs: list[str],
    *,
    title: str | None,
    tree: HtmlElement | None = None,
    anchors: list[tuple[HtmlElement, str]] | None = None,
) -> tuple[list[str], list[RemovedLine]]:
    """Drop leftover boilerplate lines an extractor let through; return (kept, removed).

    `tree` (the whole page) lets headlines, captions and link teasers be recognised by where
    their text occurs in the page; `anchors` are its `_anchors`, when the caller has read them already.
    """
    titles = {_key(title)} if title else set()
    links: set[str] = set()
    captions: set[str] = set()
    excerpts: set[str] = set()
    if tree is not None:
        h1s = list(itertools.islice(tree.iter("h1"), 2))
        if len(h1s) == 1:  # several h1s are section heads, not the headline
            titles.add(_key(h1s[0].text_content()))
        links = _teaser_links(_anchors(tree) if anchors is None else anchors)
        captions = {_key(c.text_content()) for c in tree.iter("figcaption")}
        excerpts = _excerpts(tree)
    kept: list[str] = []
    removed: list[RemovedLine] = []
    for para in _untable(paragraphs, removed):
        reason = "excerpt" if _key(para) in excerpts else _why_boilerplate(para, titles, links, captions)
        if reason:
            removed.append(RemovedLine(para, f"{BOILERPLATE}: {reason}"))
        else:
            kept.append(para)
    return kept, removed


# trafilatura writes a table row as "| cell | cell |"
_TABLE_ROW = re.compile(r"^\|.*\|$")


def _untable(paragraphs: list[str], removed: list[RemovedLine]) -> list[str]:
    """Table rows as text, never pipes: a row holding a sentence (a table used for layout) gives each
    cell a line of its own, judged like any other line; a row of short cells (names, figures, labels)
    is one line, its cells separated by semicolons.

    The rows' words stay: a ranking, a price list or a comparison is what many pages are about (dropping
    tables of figures lowered dev WCXB word F1 from 0.943 to 0.941, dropping all tables to 0.939). A row
    with no words goes to `removed`."""
    out: list[str] = []
    for para in paragraphs:
        if not _TABLE_ROW.match(para):
            out.append(para)
            continue
        cells = [c.strip() for c in para.strip("|").split(" | ") if c.strip()]
        if not any(_WORD.search(c) for c in cells):
            removed.append(RemovedLine(para, f"{BOILERPLATE}: empty table row"))
        elif any(_units(c) >= MIN_SENTENCE_WORDS for c in cells):
            out.extend(cells)
        else:
            out.append("; ".join(cells))
    return out


def _why_boilerplate(para: str, titles: set[str], links: set[str], captions: set[str]) -> str | None:
    words = _WORD.findall(para)
    if not words:
        return "no words"
    key = " ".join(words).lower()
    if key in titles:
        return "headline"  # the page's own headline repeated at the top of the body
    if _units(para) > SHORT_LINE_WORDS:
        return None
    for reason, mode, pattern in _RULES:
        if pattern.match(para) if mode == "match" else pattern.search(para):
            return reason
    if key in captions:
        return "caption"
    if _is_teaser(para, words, links):
        return "link"
    return None


def _is_teaser(para: str, words: list[str], links: set[str]) -> bool:
    """A headline-like line that is (almost) the whole text of a link: a teaser for another page."""
    # short link texts are product or place names inside the body; a bare URL shown as a link is content
    if _units(para) < 5 or (" " not in para.strip() and not _CJK.search(para)):
        return False
    if para.rstrip().endswith((".", "!", "?", ":", ";", '"', "”", "。", "！", "？")):
        return False  # a sentence, not a headline
    # allow a trailing label outside the link, e.g. "... [VIDEO]"
    for cut in range(0, 3):
        if cut and len(words) - cut < 5:
            break
        if " ".join(words[: len(words) - cut]).lower() in links:
            return True
    return False


@lru_cache(maxsize=_CACHE_LINES)
def _key(text: str | None) -> str:
    return " ".join(_WORD.findall(text or "")).lower()


def _anchors(tree: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """The page's links whose text is long enough to be a headline (over 12 characters), with its `_key`."""
    return [(a, key) for a in tree.iter("a") if len(key := _key(a.text_content())) > 12]


# A CMS marks the summary of a post shown on another page's card "excerpt" or "teaser" (post-excerpt,
# elementor-post__excerpt, card-teaser); "has-excerpt" is a body class saying the page itself has one.
MAX_EXCERPT_CHARS = 1000
_EXCERPT_CLASS = re.compile(r"(?:^|\s)(?!has-)\S*(?:excerpt|teaser)(?:\s|$)", re.IGNORECASE)
# the elements whose class may say so (testing the attributes, not every element: a third of the time)
_EXCERPT_CANDIDATES = etree.XPath('//@class[contains(., "xcerpt") or contains(., "easer")]/..')


def _excerpts(tree: HtmlElement) -> set[str]:
    """Texts of the paragraphs that are excerpts of other pages: in an element classed as an excerpt or a
    teaser, inside a card that links elsewhere (its headline, "read more"). A fallback extractor that reads
    the whole page keeps them (a list of related posts under the article) and they read as prose."""
    out: set[str] = set()
    for elem in _EXCERPT_CANDIDATES(tree):
        # an excerpt is a few sentences (a site's body classes name its layout options, "...-excerpt" too)
        if not _EXCERPT_CLASS.search(elem.get("class") or "") or len(elem.text_content()) > MAX_EXCERPT_CHARS:
            continue
        # the card: the excerpt's parent or grandparent, small, holding a link to the post (headline, "read more")
        cards = [elem.getparent(), elem.getparent().getparent() if elem.getparent() is not None else None]
        if not any(_is_card(card) for card in cards):
            continue
        paragraphs = list(elem.iter("p")) or [elem]
        out.update(k for k in (_key(p.text_content()) for p in paragraphs) if k)
    return out


def _is_card(elem: HtmlElement | None) -> bool:
    """A small block linking to another page: a post's card in a list of posts (not the page or its article)."""
    if elem is None or elem.tag in ("body", "html", "main") or len(elem.text_content()) > 2 * MAX_EXCERPT_CHARS:
        return False
    return any(not (a.get("href") or "#").lstrip().startswith("#") for a in elem.iter("a"))


def _teaser_links(anchors: list[tuple[HtmlElement, str]]) -> set[str]:
    """Texts of the links that are not part of a paragraph's prose: teasers, lists of related stories.

    A link inside a <p> of other text is a phrase of that paragraph (its text may also be a line of the
    body), and a link to a place in the same page (a table of contents) repeats the page's own
    subheadings: neither marks a teaser.
    """
    out: set[str] = set()
    prose: dict[HtmlElement, int] = {}  # characters of a block's text outside its links
    for a, key in anchors:
        if (a.get("href") or "").lstrip().startswith("#"):
            continue
        block = a.getparent()
        for _ in range(3):  # up through inline wrappers (<strong>, <span>) to the block holding the link
            if block is None or block.tag in BLOCK_TAGS:
                break
            block = block.getparent()
        if block is not None and block.tag == "p":
            if block not in prose:
                links_len = sum(len(_key(x.text_content())) for x in block.iter("a"))
                prose[block] = len(_key(block.text_content())) - links_len
            if prose[block] > 0.5 * len(key) + 20:
                continue  # the link is a phrase of a text of its own
        out.add(key)
    return out


# --- page text outside the body --------------------------------------------------------------


def _page_leftovers(tree: HtmlElement, kept: list[str], limit: int) -> list[RemovedLine]:
    """Visible block-level lines of the page that did not make it into the body, for the audit trail."""
    if limit <= 0:
        return []
    body = tree.find(".//body")
    if body is None:
        return []
    in_body = {_key(p) for p in kept}
    # one body paragraph a line, in page order: a fragment never spans two paragraphs, and the log does not
    # depend on the order of a set (which changes with the interpreter's hash seed)
    joined = "\n".join(_key(p) for p in kept)
    out: list[RemovedLine] = []
    seen: set[str] = set()
    for line in block_lines(body):
        key = _key(line)
        if not key or key in seen or key in in_body:
            continue
        seen.add(key)
        # a block whose text is a fragment of a body paragraph (an inline quote, a list item) stayed
        if len(key) > 3 and key in joined:
            continue
        out.append(RemovedLine(line, BOILERPLATE))
        if len(out) >= limit:
            break
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())
