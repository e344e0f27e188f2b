"""Tell an input's format from its first bytes, not its name: WARC/ARC, gzip, JSONL, RSS/Atom/CDF, HTML or text.

Markup is judged by its first element, past a BOM, whitespace, comments, processing instructions and a doctype."""

from __future__ import annotations

import re

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"

_HTML_RE = re.compile(rb"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|article[\s>]|div[\s>]|p[\s>])", re.I)
_FEED_RE = re.compile(rb"<(rss[\s>]|feed[\s>]|rdf:RDF[\s>])", re.I)

# What may come before a document's first element: whitespace, <!-- comments -->, <?xml ...?> and other
# processing instructions, and a doctype (with its internal subset).
_PROLOG = re.compile(rb"\s+|<!--.*?-->|<\?.*?\?>|<!doctype[^>\[]*(?:\[.*?\])?\s*>", re.S | re.I)
_DOCTYPE_HTML = re.compile(rb"<!doctype\s+html", re.I)
_ROOT = re.compile(rb"<([a-z_][\w.\-]*(?::[\w.\-]+)?)[\s/>]", re.I)
# a feed's root by its local name, whatever its prefix (<rdf:RDF>, <atom:feed>); CDF's is <CHANNEL>
_FEED_ROOTS = {b"rss", b"feed", b"rdf", b"channel"}
# elements a page may open with; <style> and <script> can fill its first kilobytes
_HTML_ROOTS = {b"html", b"head", b"body", b"title", b"meta", b"link", b"base", b"style", b"script", b"noscript",
               b"article", b"main", b"section", b"header", b"div", b"p"}
_CODE_OPEN = re.compile(rb"<(script|style)\b|<!--", re.I)


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


def prolog_end(data: bytes) -> int:
    """Offset of the first byte after the BOM, whitespace, comments, processing instructions and doctype that
    open `data` (len(data) when nothing else follows them). An unclosed comment ends the prolog where it opens."""
    i = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    while m := _PROLOG.match(data, i):
        i = m.end()
    return i


_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"))
# (encoding, code unit width, byte positions in a unit that are NUL for ASCII, positions never NUL)
_NUL_PATTERNS = (("utf-32-le", 4, (2, 3), (0,)), ("utf-32-be", 4, (0, 1), (3,)),
                 ("utf-16-le", 2, (1,), (0,)), ("utf-16-be", 2, (0,), (1,)))


def wide_encoding(head: bytes) -> str | None:
    """'utf-16-le', 'utf-32-be', ... when `head` is UTF-16 or UTF-32 text, else None. A byte-order mark says so;
    without one, the NULs must fall only where ASCII characters put them ("a\\0b\\0" is UTF-16LE) and the
    start must decode. Binary data has NULs everywhere, so it never matches."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    for encoding, width, high, low in _NUL_PATTERNS:
        sample = head[:4096]
        sample = sample[: len(sample) - len(sample) % width]
        units = len(sample) // width
        if units < 8:
            continue
        nuls = [sample[k::width].count(0) / units for k in range(width)]
        if min(nuls[k] for k in high) >= 0.1 and max(nuls[k] for k in low) <= 0.01:
            try:
                text = sample.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not looks_binary(text.encode("utf-8", "replace")):
                return encoding
    return None


def without_code(data: bytes) -> bytes:
    """`data` less its <script> and <style> blocks and comments (an unclosed one runs to the end). One pass:
    a regex with a lazy `.*?` would rescan the rest of the input from each unclosed opening tag."""
    low = data.lower()
    parts, i = [], 0
    while m := _CODE_OPEN.search(low, i):
        parts.append(data[i:m.start()])
        close = b"-->" if m.group(1) is None else b"</" + m.group(1)
        end = low.find(close, m.end())
        if end < 0:
            return b"".join(parts)
        i = low.find(b">", end) + 1 or len(data)
    parts.append(data[i:])
    return b"".join(parts)


def sniff(head: bytes) -> str:
    """Classify by content: 'gzip', 'warc', 'arc', 'jsonl', 'feed', 'html', 'text', 'binary', or 'empty' (nothing
    but whitespace and comments: judge that on the whole input, or a head reaching past `prolog_end`).

    `head` is the first few KB of the (decompressed) input."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    stripped = head.lstrip(UTF8_BOM + b" \t\r\n")
    if stripped.startswith(b"WARC/"):
        return "warc"
    if stripped.startswith(b"filedesc://"):  # the ARC format's first record, which warcio reads too
        return "arc"
    if looks_binary(head):
        return "binary"
    if stripped.startswith(b"{"):
        # An article never starts with a brace; a JSON object per line does. Lines that are not JSON
        # are reported one by one by the JSONL reader.
        return "jsonl"
    start = prolog_end(head)
    if start == len(head):
        return "empty"
    root = _ROOT.match(head, start)
    name = root.group(1).lower() if root else b""
    if name.rsplit(b":", 1)[-1] in _FEED_ROOTS:
        return "feed"
    low = stripped[:2048]
    if low.startswith(b"<?xml") or _FEED_RE.search(low[:600]):
        if _FEED_RE.search(stripped[:4096]):
            return "feed"
    if name in _HTML_ROOTS or _DOCTYPE_HTML.search(head, 0, start):
        return "html"
    # a page's scripts and styles say nothing about it, however long they are
    markup = without_code(stripped[:65536])
    if markup.startswith(b"<") and _HTML_RE.search(markup[:8192]):
        return "html"
    if _HTML_RE.search(markup[:2048]) and markup.count(b"<") > 10:
        return "html"
    return "text"
