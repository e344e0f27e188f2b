"""Block-level lines of an HTML element (newsdesk.extract.block_text)."""

from __future__ import annotations

import pytest
from lxml.html import document_fromstring, fragment_fromstring

from newsdesk.extract.block_text import block_lines


def body_of(html: str):
    return document_fromstring(html).find(".//body")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # inline markup stays on its line, whitespace collapses
        ("<p>The <b>weir</b>  was\n rebuilt <a href='/x'>in March</a>.</p>", ["The weir was rebuilt in March."]),
        # every block element starts a line, nested or not
        ("<div>Flood news<p>First paragraph.</p>Loose text<ul><li>One</li><li>Two</li></ul></div>",
         ["Flood news", "First paragraph.", "Loose text", "One", "Two"]),
        ("<p>Line one<br>line two</p>", ["Line one", "line two"]),
        # invisible elements give no text, but the text after them does
        ("<p>Before<script>var x = 1;</script> after<style>p {}</style>.</p>", ["Before after."]),
        ("<div><button>Menu</button><select><option>A</option></select>Visible</div>", ["Visible"]),
        # a comment gives no text; its tail does
        ("<p>Posted <!-- 2019-03-14 -->today</p>", ["Posted today"]),
        ("<div> \n <p>  </p>\t</div>", []),
    ],
)
def test_extract_block_text_lines(html: str, expected: list[str]) -> None:
    assert block_lines(body_of(f"<html><body>{html}</body></html>")) == expected


def test_extract_block_text_leaves_out_the_roots_tail() -> None:
    div = fragment_fromstring("<div><p>Inside the block.</p></div>")
    div.tail = "after the block"
    assert block_lines(div) == ["Inside the block."]


def test_extract_block_text_on_deeply_nested_markup_gives_lines_or_nothing() -> None:
    # far deeper than Python's recursion limit: the walk must neither crash nor hang
    html = "<div>" * 5000 + "Deep text." + "</div>" * 5000
    lines = block_lines(body_of(f"<html><body>{html}</body></html>"))
    assert lines in ([], ["Deep text."])
