"""Tell an input's format from its first bytes, not its name: WARC, gzip, JSONL, RSS/Atom, HTML or text."""

from __future__ import annotations

import re

GZIP_MAGIC = b"\x1f\x8b"

_HTML_RE = re.compile(rb"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|article[\s>]|div[\s>]|p[\s>])", re.I)
_FEED_RE = re.compile(rb"<(rss[\s>]|feed[\s>]|rdf:RDF[\s>])", re.I)


# every byte except the control characters that never appear in text
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters mean this is not text of any kind."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _NOT_CONTROL))
    return controls / len(head) > 0.05


def sniff(head: bytes) -> str:
    """Classify by content: 'gzip', 'warc', 'jsonl', 'feed', 'html', 'text' or 'binary'.

    `head` is the first few KB of the (decompressed) input."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/"):
        return "warc"
    if looks_binary(head):
        return "binary"
    if stripped.startswith(b"{"):
        # An article never starts with a brace; a JSON object per line does. Lines that are not JSON
        # are reported one by one by the JSONL reader.
        return "jsonl"
    low = stripped[:2048]
    if low.startswith(b"<?xml") or _FEED_RE.search(low[:600]):
        if _FEED_RE.search(stripped[:4096]):
            return "feed"
    if stripped.startswith(b"<") and _HTML_RE.search(stripped[:8192]):
        return "html"
    if _HTML_RE.search(stripped[:2048]) and stripped.count(b"<") > 10:
        return "html"
    return "text"
