"""Readers for each input format. Each yields `RawDoc`s, or an `InputError` per record it could not read,
so that one bad record never stops the file and one bad file never stops the run."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from html import escape, unescape
from pathlib import Path

from newsdesk.errors import InputError, printable
from newsdesk.ingest.sniff import UTF8_BOM, looks_binary, prolog_end, sniff, wide_encoding
from newsdesk.records import RawDoc

MAX_DOC_BYTES = 20 * 1024 * 1024  # one article larger than this is not an article
MAX_GZIP_LAYERS = 3  # .gz of a .tar.gz of ... : deeper nesting is an attack, not an archive
_HEAD = 16384

Item = RawDoc | InputError


def read_input(path: str, *, max_doc_bytes: int = MAX_DOC_BYTES) -> Iterator[Item]:
    """Read one input (a file path, or `-` for standard input) and yield its documents."""
    if path == "-":
        yield from read_bytes(sys.stdin.buffer.read(), "<stdin>", max_doc_bytes=max_doc_bytes)
        return
    name = printable(path)  # a file name that is not UTF-8 names its records with escapes (\udcff)
    try:
        with open(path, "rb") as f:
            head = f.read(_HEAD)
    except OSError as e:
        yield InputError(path, f"cannot read: {e.strerror or e}")
        return
    if not head:
        yield InputError(path, "empty file")
        return
    kind = sniff(head)
    if kind in ("warc", "arc") or (kind == "gzip" and _gzip_is_warc(path)):
        yield from read_warc(path, max_doc_bytes=max_doc_bytes, source=name)
        return
    if kind == "jsonl":
        with open(path, "rb") as f:
            yield from _jsonl_lines(f, name, max_doc_bytes)
        return
    size = Path(path).stat().st_size
    if kind != "gzip" and size > max_doc_bytes:
        yield InputError(path, f"file too large for one article ({size / 1e6:.1f} MB > {max_doc_bytes / 1e6:.0f} MB)")
        return
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        yield InputError(path, f"cannot read: {e.strerror or e}")
        return
    yield from read_bytes(data, name, max_doc_bytes=max_doc_bytes)


def read_bytes(data: bytes, source: str, *, max_doc_bytes: int = MAX_DOC_BYTES, _layers: int = 0) -> Iterator[Item]:
    """Read an input held in memory (standard input, or a decompressed file)."""
    if not data.strip():
        yield InputError(source, "empty input")
        return
    kind = sniff(_head(data))
    if kind == "gzip":
        if _layers >= MAX_GZIP_LAYERS:
            yield InputError(source, f"gzip nested more than {MAX_GZIP_LAYERS} deep (not an archive of articles)")
            return
        try:
            data = _gunzip(data, max_doc_bytes * 50)
        except InputError as e:
            yield InputError(source, e.problem)
            return
        yield from read_bytes(data, source, max_doc_bytes=max_doc_bytes, _layers=_layers + 1)
        return
    encoding = wide_encoding(data[:_HEAD]) if kind in ("binary", "text") else None
    if encoding:
        try:
            data = _to_utf8(data, encoding)
        except UnicodeDecodeError as e:
            yield InputError(source, f"not valid {encoding.upper()} (offset {e.start}: {e.reason})")
            return
        kind = sniff(_head(data))
    if kind == "binary":
        yield InputError(source, "binary file, not text, HTML, JSONL, RSS/Atom or WARC")
    elif kind == "empty":
        yield InputError(source, "nothing but comments and whitespace (no document after them)")
    elif kind in ("warc", "arc"):
        yield from _warc_records(io.BytesIO(data), source, max_doc_bytes)
    elif kind == "jsonl":
        yield from _jsonl_lines(io.BytesIO(data), source, max_doc_bytes)
    elif len(data) > max_doc_bytes:
        yield InputError(source, f"too large for one article ({len(data) / 1e6:.1f} MB > {max_doc_bytes / 1e6:.0f} MB)")
    elif kind == "feed":
        yield from read_feed(data, source)
    else:
        yield from _single(data, source, "text/html" if kind == "html" else "text/plain")


def _head(data: bytes) -> bytes:
    """What `sniff` needs to see: the first KB after however long a run of leading comments."""
    return data[: prolog_end(data) + _HEAD]


_XML_ENCODING = re.compile(rb"""^(<\?xml[^>]*?\sencoding\s*=\s*["'])([^"']*)""")


def _to_utf8(data: bytes, encoding: str) -> bytes:
    """UTF-16/32 input as UTF-8, its XML declaration saying so (feedparser would trust the old one)."""
    text = data.decode(encoding).removeprefix("\ufeff")
    return _XML_ENCODING.sub(rb"\1utf-8", text.encode("utf-8"), count=1)


def feed_utf8(data: bytes, source: str) -> bytes:
    """An 8-bit feed as UTF-8, its XML declaration saying so. The declared encoding (UTF-8 when none is) is
    tried first, then charset-normalizer's guess: feedparser's own fallback, chardet, takes time quadratic in
    the longest word (a 70,000-letter title took minutes), and feedparser never calls it on valid UTF-8.
    Raises InputError when no encoding decodes the feed."""
    data = data.removeprefix(UTF8_BOM)
    m = _XML_ENCODING.match(data)
    declared = m.group(2).decode("ascii", "replace").strip() if m else "utf-8"
    text = _decode(data, declared)
    if text is None:
        from charset_normalizer import from_bytes  # imported lazily: only a mis-declared feed needs it

        best = from_bytes(data).best()
        text = str(best) if best is not None else None
        if text is None:
            raise InputError(source, f"feed is not valid {printable(declared)[:40]} and no other encoding fits it")
    return _XML_ENCODING.sub(rb"\1utf-8", text.encode("utf-8"), count=1)


def _decode(data: bytes, encoding: str) -> str | None:
    """`data` decoded as `encoding`, or None when it is not that (or no known encoding). A declared UTF-16/32
    is ignored: the declaration was read as ASCII, so the bytes are not (wide input was converted before)."""
    try:
        if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
            return None
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def _single(data: bytes, source: str, media_type: str, **hints: str | None) -> Iterator[Item]:
    problem = check_text(data, media_type)
    if problem:
        yield InputError(source, problem)
    else:
        yield RawDoc(data=data, media_type=media_type, source=source, **hints)


def check_text(data: bytes, media_type: str) -> str | None:
    """Return why `data` is not usable text, or None. Plain text must be UTF-8; HTML may declare a charset."""
    if looks_binary(data[:_HEAD]):
        return "binary content, not text"
    if media_type == "text/plain":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            return f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); convert the file to UTF-8"
    return None


_GZIP_STEP = 1 << 16  # read and decompressed 64 KB at a time, so that a bomb is caught before it is held
_GZIP_MAX_RATIO = 200  # text compresses 3-20x; 1000x is a run of one byte (a bomb), never an archive
_GZIP_RATIO_FLOOR = 16 << 20  # below this much output any ratio is allowed


def _gunzip(data: bytes, limit: int) -> bytes:
    """Decompress in steps, refusing output over `limit` bytes, or over `_GZIP_MAX_RATIO` times the
    compressed bytes read so far (a 10 MB gzip bomb is refused after 16 MB, not after `limit`)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out: list[bytes] = []
    size, view = 0, memoryview(data)
    for start in range(0, len(data), _GZIP_STEP):
        piece = view[start:start + _GZIP_STEP]
        pending: bytes | memoryview = piece
        while pending and not d.eof:
            try:
                chunk = d.decompress(pending, _GZIP_STEP)
            except zlib.error as e:
                raise InputError("", f"corrupt gzip data ({e})") from None
            pending = d.unconsumed_tail
            size += len(chunk)
            out.append(chunk)
            if size > limit:
                raise InputError("", f"decompresses to more than {limit / 1e6:.0f} MB")
            if size > _GZIP_RATIO_FLOOR and size > _GZIP_MAX_RATIO * (start + len(piece) - len(pending)):
                raise InputError("", f"decompresses to more than {_GZIP_MAX_RATIO} times its size (a gzip bomb, "
                                     "not an archive of articles)")
        if d.eof:
            break
    if not d.eof:
        out.append(d.flush())
    if not d.eof:
        raise InputError("", "truncated gzip file (ends before the end of the compressed stream)")
    return b"".join(out)


def _gzip_is_warc(path: str) -> bool:
    """Whether a gzip file holds a WARC or ARC, judged from its first compressed bytes only (damage further on
    is then reported by the WARC reader, record by record)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
        start = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
    except (OSError, zlib.error):
        return False
    return start.lstrip().startswith((b"WARC/", b"filedesc://"))


# --- JSONL ---------------------------------------------------------------------------------------------

_TEXT_FIELDS = ("text", "html", "content", "body")


def _jsonl_lines(f: io.BufferedIOBase | io.BytesIO, source: str, max_doc_bytes: int) -> Iterator[Item]:
    for n, raw in enumerate(f, 1):
        where = f"{source}:{n}"
        if not raw.strip():
            continue
        if len(raw) > max_doc_bytes:
            yield InputError(where, f"line too large for one article ({len(raw) / 1e6:.1f} MB)")
            continue
        try:
            obj = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            yield InputError(where, f"not a JSON object ({e.__class__.__name__}: {printable(str(e)[:80])})")
            continue
        except RecursionError:
            yield InputError(where, "JSON nested too deeply to be an article record")
            continue
        if not isinstance(obj, dict):
            yield InputError(where, "not a JSON object")
            continue
        yield jsonl_record(obj, where)


def jsonl_record(obj: dict, where: str) -> Item:
    """One JSONL object -> RawDoc. Fields: id, url, outlet, title, published, and text or html."""
    html = obj.get("html")
    text = next((obj[k] for k in _TEXT_FIELDS if isinstance(obj.get(k), str) and obj[k].strip()), None)
    if not text:
        return InputError(where, "no 'text' or 'html' field with content")
    media = "text/html" if (isinstance(html, str) and text is html) else "text/plain"

    def s(key: str) -> str | None:
        v = obj.get(key)
        return str(v) if v not in (None, "") else None

    ext = s("id")
    fields = {"text": text, **{k: s(k) for k in ("id", "url", "outlet", "title", "published", "date")}}
    problem = unicode_problem(fields)
    if problem:
        return InputError(where, problem)
    source = f"{where.rsplit(':', 1)[0]}#{ext}" if ext else where
    return RawDoc(
        data=text.encode("utf-8"), media_type=media, source=source, url=s("url"), outlet=s("outlet"),
        title=s("title"), published=s("published") or s("date"), external_id=ext, container="jsonl",
    )


# --- RSS / Atom ----------------------------------------------------------------------------------------

def read_feed(data: bytes, source: str) -> Iterator[Item]:
    import feedparser  # imported lazily: only feeds need it

    try:
        data = feed_utf8(data, source)
    except InputError as e:
        yield e
        return
    data = _SURROGATE_REF.sub(_mark_surrogate, data)
    try:
        parsed = feedparser.parse(data)
    except Exception as e:  # the XML parser's own limits (nesting, entities) end the feed, not the run
        yield InputError(source, f"unreadable feed ({e.__class__.__name__}: {printable(str(e)[:80])})")
        return
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        yield InputError(source, f"feed has no items{f' ({reason})' if reason else ''}")
        return
    outlet = parsed.feed.get("title") or None
    for i, e in enumerate(parsed.entries, 1):
        body = ""
        if e.get("content"):
            body = max((c.get("value") or "" for c in e.content), key=len)
        body = body or e.get("summary") or ""  # an empty <itunes:subtitle/> sets the summary to None
        where = printable(f"{source}#{e.get('id') or e.get('link') or i}")
        if not body.strip():
            yield InputError(where, "feed item has neither content nor summary")
            continue
        fields = {"content": body, **{k: e.get(k) for k in ("title", "link", "id")}, "feed title": outlet}
        problem = next((f"character reference to a surrogate in '{k}' (not a character: XML forbids it)"
                        for k, v in fields.items() if isinstance(v, str) and _SURROGATE_MARK in v), None)
        problem = problem or unicode_problem(fields)
        if problem:
            yield InputError(where, problem)
            continue
        published = None
        for key in ("published_parsed", "updated_parsed"):
            t = e.get(key)
            if t:
                published = datetime(*t[:6], tzinfo=UTC).isoformat().replace("+00:00", "Z")
                break
        title = _plain(e.get("title"))  # feedparser keeps the markup of an HTML-typed title
        html = f"<html><body><article><h1>{escape(title)}</h1>{_as_html(body)}</article></body></html>"
        yield RawDoc(
            data=html.encode("utf-8"), media_type="text/html", source=where, url=e.get("link") or None,
            outlet=_plain(outlet) or None, title=title or None, published=published,
            external_id=e.get("id") or None, container="feed",
        )


# `&#xD800;` names half a UTF-16 pair, which XML forbids; feedparser's fallback parser crashes on it and
# loses the whole feed. It is swapped for a noncharacter (reserved for such internal use) before parsing,
# and the item holding it is reported alone.
_SURROGATE_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_SURROGATE_MARK = "\ufdd0"


def _mark_surrogate(m: re.Match[bytes]) -> bytes:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    return b"&#xFDD0;" if 0xD800 <= code <= 0xDFFF else m.group(0)


def unicode_problem(fields: dict[str, str | None]) -> str | None:
    """Why these fields cannot be stored as UTF-8 text, or None. JSON's "\\ud800", XML's "&#xD800;" and the
    bytes ED A0 80 all decode to a lone UTF-16 surrogate, which no database or terminal can take."""
    for name, value in fields.items():
        if not isinstance(value, str):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            return (f"invalid Unicode in '{name}': lone surrogate U+{ord(value[e.start]):04X} at character "
                    f"{e.start} (not a character; fix the encoder that wrote this record)")
    return None


def _plain(text: str | None) -> str:
    """Text of a feed title that may hold markup ("<b>Water</b> accord &amp; more" -> "Water accord & more")."""
    if not text:
        return ""
    return " ".join(unescape(_TAG.sub(" ", text)).split()) if "<" in text or "&" in text else " ".join(text.split())


_TAG = re.compile(r"<[^>]*>")


def _as_html(body: str) -> str:
    if "<" in body and ">" in body:
        return body
    return "".join(f"<p>{p}</p>" for p in body.split("\n\n") if p.strip())


# --- WARC ----------------------------------------------------------------------------------------------

def read_warc(path: str, *, max_doc_bytes: int = MAX_DOC_BYTES, source: str | None = None) -> Iterator[Item]:
    try:
        f = open(path, "rb")
    except OSError as e:
        yield InputError(path, f"cannot read: {e.strerror or e}")
        return
    with f:
        yield from _warc_records(f, source or printable(path), max_doc_bytes, reopen=lambda: _whole_gzip(path))


def _whole_gzip(path: str) -> io.BufferedReader:
    """A WARC gzipped as one stream (`gzip crawl.warc`; warcio reads only one gzip member per record), read
    through the standard gzip module."""
    return io.BufferedReader(_UntilDamage(gzip.GzipFile(path)))


class _UntilDamage(io.RawIOBase):
    """A gzip stream that ends quietly where the file is cut off or its compressed data is corrupt, keeping
    the reason: the record cut there then reads as a short record (and its first part can be kept), and the
    records before it are not lost to the read-ahead of the WARC reader meeting the damage first."""

    def __init__(self, gz: gzip.GzipFile) -> None:
        self._gz = gz
        self.problem: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.problem:
            return 0
        try:
            # one step at a time: a larger read that meets the damage loses what it had decompressed
            data = self._gz.read1(len(buffer))
        except EOFError:
            return 0  # cut off: the WARC reader sees a short record and says so
        except (zlib.error, gzip.BadGzipFile) as e:
            self.problem = f"corrupt gzip data ({e})"
            return 0
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._gz.close()
        super().close()


def _warc_records(stream, source: str, max_doc_bytes: int, *, reopen=None, skip: int = 0) -> Iterator[Item]:
    """The response records of a WARC or ARC stream as documents, and one line per problem. `reopen` gives the
    file as a one-stream gzip when warcio finds it is one; `skip` response records were read already."""
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    raw = getattr(stream, "raw", None)
    damage = raw if isinstance(raw, _UntilDamage) else None
    other_types: dict[str, int] = {}  # responses that are no web page (images, PDFs, scripts) by content type

    def broken(n: int) -> InputError | None:
        """The gzip damage that ended the records, if that is what ended them."""
        problem = damage.problem if damage else None
        return InputError(source, f"corrupt WARC after {n} response record(s): {problem}") if problem else None

    try:
        for record in ArchiveIterator(stream, arc2warc=True):  # ARC records read as their WARC equivalent
            if record.rec_type != "response":
                continue
            n += 1
            if n <= skip:
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{source}#{uri or n}"
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
            if ctype and "html" not in ctype.lower():
                kind = ctype.split(";")[0].strip().lower() or "unknown"
                other_types[kind] = other_types.get(kind, 0) + 1
                continue
            body = record.content_stream().read(max_doc_bytes + 1)
            if len(body) > max_doc_bytes:
                yield InputError(where, "response body too large for one article")
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:
                # the record promised more bytes than the file holds: the archive was cut (or is corrupt) here.
                # The start of a page is usually the article: what was read goes on to extraction, which judges it
                yield broken(n - 1) or InputError(
                    source, f"truncated WARC: record {n} ({uri}) is cut off at the end of the file"
                    + (f"; its first {len(body)} bytes are read as the page" if body.strip()
                       else "; nothing of its body is left"))
                if body.strip():
                    yield from _single(body, where, "text/html", url=uri,
                                       fetched_at=record.rec_headers.get_header("WARC-Date"), container="warc")
                return
            if not body.strip():
                yield InputError(where, "empty response body")
                continue
            yield from _single(body, where, "text/html", url=uri,
                               fetched_at=record.rec_headers.get_header("WARC-Date"), container="warc")
    except Exception as e:  # warcio raises many types on broken archives: report, keep what was read
        if reopen is not None and "non-chunked gzip" in str(e):
            with reopen() as whole:
                yield from _warc_records(whole, source, max_doc_bytes, skip=n)
            return
        yield broken(n) or InputError(source, f"corrupt WARC after {n} response record(s): {_warc_problem(e)}")
        return
    damaged = broken(n)
    if damaged:
        yield damaged
    elif n == 0:
        yield InputError(source, "WARC holds no complete response record (truncated, or only requests/metadata)")
    elif len(other_types) and sum(other_types.values()) == n:
        kinds = ", ".join(f"{k} ({c})" for k, c in sorted(other_types.items(), key=lambda kc: -kc[1])[:5])
        yield InputError(source, f"no HTML responses: all {n} response record(s) hold other content ({kinds})")


def _warc_problem(e: Exception) -> str:
    """What a reading error says about the archive, in one line (warcio's messages span lines or quote the
    binary bytes it could not read)."""
    if isinstance(e, (zlib.error, gzip.BadGzipFile)):
        return f"corrupt gzip data ({e})"
    text = " ".join(str(e).split())
    if text.startswith("Unknown archive format"):
        # warcio reads a gzip member it cannot decompress as uncompressed bytes, and finds no header in them
        return "no WARC record header where the next record should start (corrupt compressed data, or not a WARC)"
    if isinstance(e, (AttributeError, IndexError, KeyError, ValueError)):  # warcio on a header it cannot parse
        return f"a record header is cut off or garbled ({e.__class__.__name__}: {text[:80]})"
    return f"{e.__class__.__name__}: {text[:100]}" if text else e.__class__.__name__
