"""Visible text of an HTML element, one line per block-level element.

Owns what counts as a block and as invisible markup for the extractors' line-based readers (the audit trail of
dropped page text, a fallback extractor's summary, a feed fragment's lines).
"""

from __future__ import annotations

import threading

from lxml import etree
from lxml.html import HtmlElement

__all__ = ["BLOCK_TAGS", "block_lines"]

SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "select", "option",
                       "button"})
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
})  # fmt: skip

# The walk runs in libxslt, not Python: it visits every element of the page, and a Python walk spent more time
# creating lxml's element proxies than the lines are worth (about 40% of the time on real pages). Block edges
# are marked with a noncharacter, which no text carries (HTML calls one in a page a parse error); comments and
# processing instructions give no text, their tails do.
_EDGE = "\ufdd0"
_STYLESHEET = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="utf-8"/>
<xsl:template match="{'|'.join(sorted(SKIP_TAGS))}"/>
<xsl:template match="{'|'.join(sorted(BLOCK_TAGS))}"><xsl:text>{_EDGE}</xsl:text><xsl:apply-templates/><xsl:text>{
_EDGE}</xsl:text></xsl:template>
</xsl:stylesheet>"""
_local = threading.local()  # an XSLT object is not to be shared between threads


def _transform() -> etree.XSLT:
    xslt = getattr(_local, "xslt", None)
    if xslt is None:
        xslt = _local.xslt = etree.XSLT(etree.XML(_STYLESHEET))
    return xslt


def block_lines(root: HtmlElement) -> list[str]:
    """Visible text of `root` (not its tail), one string per block-level element, whitespace collapsed; [] when
    the markup is too deeply nested to walk."""
    try:
        text = str(_transform()(root))
    except etree.XSLTApplyError:  # libxslt's own depth limit on pathologically nested markup
        return []
    return [" ".join(part.split()) for part in text.split(_EDGE) if part and not part.isspace()]
