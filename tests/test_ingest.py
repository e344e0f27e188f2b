"""Ingest: every format is sniffed from content and stored; bad inputs give one clear line each."""

from __future__ import annotations

import gzip
import io
import json
import zlib

import pytest
from conftest import ARTICLE_HTML, ARTICLE_TEXT

from newsdesk.errors import InputError
from newsdesk.ingest import read_bytes, read_input
from newsdesk.pipeline import ingest_paths


@pytest.fixture
def store(any_store):
    """Each test here runs on SQLite and on PostgreSQL."""
    return any_store


def make_warc(path, pages, *, gz=True):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gz)
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            rec = w.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=headers,
                                       warc_headers_dict={"WARC-Date": "2023-06-03T00:00:00Z"})
            w.write_record(rec)


def test_ingest_plain_text(tmp_path, store):
    p = tmp_path / "fish.txt"
    p.write_text(ARTICLE_TEXT)
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.summary() == {"ingested": 1, "new_sources": 0, "already_present": 0, "failed": 0}
    a = store.get_article(report.article_ids[0])
    assert a["title"].startswith("Ministers agree new fisheries pact")
    assert a["byline"] == "Ingrid Solberg"
    assert a["published"].startswith("2023-05-12T18:05")
    assert a["updated"].startswith("2023-05-13T08:30")
    assert a["language"] == "en"
    assert "Storm warning" not in a["text"]
    assert any("Storm warning" in r["text"] for r in a["removed"])


def test_ingest_html_file_sniffed_without_extension(tmp_path, store):
    p = tmp_path / "page"  # no extension: the content says HTML
    p.write_text(ARTICLE_HTML)
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 1, report.failed
    a = store.get_article(report.article_ids[0])
    assert "resumed talks in Vienna" in a["text"]
    assert "All rights reserved" not in a["text"]
    assert a["outlet"] == "Alpine Courier"
    assert a["published"].startswith("2023-06-02")


def test_ingest_jsonl_keeps_ids_and_hints(tmp_path, store):
    p = tmp_path / "wire.jsonl"
    rows = [
        {"id": "w-1", "url": "https://wire.example/a", "outlet": "Example Wire", "title": "Fisheries pact",
         "published": "2023-05-12T18:05:00Z", "text": ARTICLE_TEXT},
        {"id": "w-2", "url": "https://wire.example/b", "outlet": "Example Wire", "html": ARTICLE_HTML},
    ]
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 2, report.failed
    recs = {r["external_id"]: r for r in store.iter_export()}
    assert set(recs) == {"w-1", "w-2"}
    assert recs["w-1"]["title"] == "Fisheries pact"  # the container's hint wins
    assert recs["w-1"]["outlet"] == "Example Wire"
    assert recs["w-2"]["url"] == "https://wire.example/b"


def test_ingest_rss_items(tmp_path, store):
    item = "<p>The foreign ministers of Chile and Argentina met in Santiago on Monday to sign a water " \
           "sharing accord covering three rivers that cross the Andes.</p>" * 2
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Andes Daily</title>
    <item><title>Water accord signed</title><link>https://andes.example/1</link>
    <pubDate>Mon, 05 Jun 2023 09:00:00 GMT</pubDate><description><![CDATA[{item}]]></description></item>
    </channel></rss>"""
    p = tmp_path / "feed.xml"
    p.write_text(feed)
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 1, report.failed
    rec = next(store.iter_export())
    assert rec["url"] == "https://andes.example/1"
    assert rec["outlet"] == "Andes Daily"
    assert rec["published"].startswith("2023-06-05")
    assert "water sharing accord" in rec["text"]


def test_ingest_feed_keeps_items_with_a_one_line_teaser(tmp_path, store):
    # a headline feed: each item's summary is one short line, not an article body
    feed = """<?xml version="1.0"?><rss version="2.0"><channel><title>Andes &amp; Pacific Daily</title>
    <item><title><![CDATA[<b>Water accord</b> signed &amp; sealed]]></title><link>https://andes.example/1</link>
    <pubDate>Mon, 05 Jun 2023 09:00:00 GMT</pubDate><description>Ministers agree to share three rivers.</description></item>
    <item><title>Border talks resume</title><link>https://andes.example/2</link>
    <pubDate>Tue, 06 Jun 2023 09:00:00 GMT</pubDate><description><![CDATA[<p>Talks resume in Arica.</p>]]></description>
    </item></channel></rss>"""
    p = tmp_path / "headlines.xml"
    p.write_text(feed)
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 2, report.failed
    recs = {r["url"]: r for r in store.iter_export()}
    first = recs["https://andes.example/1"]
    assert first["title"] == "Water accord signed & sealed"  # the title's markup is gone
    assert first["outlet"] == "Andes & Pacific Daily"
    assert first["published"].startswith("2023-06-05")
    assert first["text"] == "Ministers agree to share three rivers."
    assert recs["https://andes.example/2"]["text"] == "Talks resume in Arica."


@pytest.mark.parametrize("gz", [True, False])
def test_ingest_warc(tmp_path, store, gz):
    p = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    make_warc(p, [("https://courier.example/vienna", ARTICLE_HTML)], gz=gz)
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 1, report.failed
    rec = next(store.iter_export())
    assert rec["url"] == "https://courier.example/vienna"


def test_ingest_gzipped_text_and_stdin(tmp_path, store, monkeypatch):
    p = tmp_path / "fish.txt.gz"
    p.write_bytes(gzip.compress(ARTICLE_TEXT.encode()))
    assert ingest_paths([str(p)], store, annotate=False).ingested == 1
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ARTICLE_HTML.encode())))
    report = ingest_paths(["-"], store, annotate=False)
    assert report.ingested == 1, report.failed


def test_ingest_directory_recursive_and_glob(tmp_path, store):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text(ARTICLE_TEXT)
    (tmp_path / "a" / "b" / "two.html").write_text(ARTICLE_HTML)
    assert ingest_paths([str(tmp_path / "a")], store, annotate=False).ingested == 2
    assert ingest_paths([str(tmp_path / "a" / "*.txt")], store, annotate=False).present == 1


def test_ingest_same_article_twice_is_noop(tmp_path, store):
    p = tmp_path / "fish.txt"
    p.write_text(ARTICLE_TEXT)
    ingest_paths([str(p)], store, annotate=False)
    before = store.counts()
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.present == 1 and report.ingested == 0
    assert store.counts() == before


def test_ingest_syndicated_copy_stored_once_with_both_sources(tmp_path, store):
    (tmp_path / "outlet_a.txt").write_text(ARTICLE_TEXT)
    (tmp_path / "wire.jsonl").write_text(json.dumps({"id": "wire-77", "outlet": "Wire", "text": ARTICLE_TEXT}))
    report = ingest_paths([str(tmp_path / "outlet_a.txt"), str(tmp_path / "wire.jsonl")], store, annotate=False)
    assert (report.ingested, report.new_sources) == (1, 1)
    assert store.counts()["articles"] == 1 and store.counts()["sources"] == 2
    ids = {r["external_id"] for r in store.iter_export()}
    assert "wire-77" in ids and len(list(store.iter_export())) == 2


def _bad_inputs(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        line = b"word " * 20 + b"\n"
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))
    truncated_gz = tmp_path / "cut.txt.gz"
    truncated_gz.write_bytes(gzip.compress(ARTICLE_TEXT.encode() * 20)[:-40])
    warc = tmp_path / "whole.warc.gz"
    make_warc(warc, [("https://x.example/1", ARTICLE_HTML)])
    truncated_warc = tmp_path / "cut.warc.gz"
    truncated_warc.write_bytes(warc.read_bytes()[:200])
    files = {
        "empty": ("empty.txt", b""),
        "binary": ("blob.bin", bytes(range(256)) * 40),
        "invalid utf-8": ("latin.txt", "Caf\u00e9 talks in Li\u00e8ge ended early on Monday.".encode("latin-1")),
        "html without body": ("nobody.html", b"<html><head><title>Nothing here</title></head></html>"),
        "jsonl not json": ("broken.jsonl", b'{"id": "1", "text": "unterminated\n'),
    }
    for _, (name, data) in files.items():
        (tmp_path / name).write_bytes(data)
    paths = {k: str(tmp_path / n) for k, (n, _) in files.items()}
    paths.update({"50 MB file": str(big), "truncated gzip": str(truncated_gz), "truncated warc": str(truncated_warc)})
    return paths


def test_ingest_bad_inputs_each_get_one_line_and_leave_db_unchanged(tmp_path, store):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE_TEXT)
    ingest_paths([str(good)], store, annotate=False)
    before = (store.counts(), [r["text"] for r in store.iter_export()])
    for label, path in _bad_inputs(tmp_path).items():
        report = ingest_paths([path], store, annotate=False)
        assert report.ingested == 0 and len(report.failed) == 1, (label, report.failed)
        msg = str(report.failed[0])
        assert "\n" not in msg and path in msg, (label, msg)
        assert not report.ok, label
    assert (store.counts(), [r["text"] for r in store.iter_export()]) == before


@pytest.mark.parametrize("gz", [True, False])
def test_ingest_truncated_warc_keeps_the_record_cut_at_the_end(tmp_path, store, gz):
    """The last record of a WARC cut off in its page's footer: the article before the cut is kept, and the
    cut is reported in one line."""
    footer = "<footer>" + " ".join(f"<a href='/s{i}'>Section {i}</a>" for i in range(60)) + "</footer></body></html>"
    cut_page = ARTICLE_HTML.replace("Vienna", "Geneva").replace("</body></html>", footer)
    warc = tmp_path / ("two.warc.gz" if gz else "two.warc")
    make_warc(warc, [("https://x.example/1", ARTICLE_HTML), ("https://x.example/2", cut_page)], gz=gz)
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - (300 if gz else 900)])
    report = ingest_paths([str(warc)], store, annotate=False)
    assert report.ingested == 2 and len(report.failed) == 1, report.failed
    msg = str(report.failed[0])
    assert msg.startswith(str(warc)) and "record 2 (https://x.example/2) is cut off" in msg and "\n" not in msg
    texts = [r["text"] for r in store.iter_export()]
    assert any("talks in Geneva on Friday" in t for t in texts)


def test_ingest_warc_with_only_non_html_responses_says_so(tmp_path, store):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    p = tmp_path / "assets.warc.gz"
    with open(p, "wb") as f:
        w = WARCWriter(f, gzip=True)
        for url, ctype, body in [("https://x.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
                                 ("https://x.example/a.pdf", "application/pdf", b"%PDF-1.4 ..."),
                                 ("https://x.example/b.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(9))]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 0 and not report.ok
    assert [str(e) for e in report.failed] == [
        f"{p}: no HTML responses: all 3 response record(s) hold other content (image/png (2), application/pdf (1))"]


def test_ingest_reads_a_warc_gzipped_as_one_stream(tmp_path, store):
    """`gzip crawl.warc` makes one gzip member of the whole archive (warcio refuses it; it is still a WARC)."""
    plain = tmp_path / "crawl.warc"
    make_warc(plain, [("https://x.example/1", ARTICLE_HTML),
                      ("https://x.example/2", ARTICLE_HTML.replace("Vienna", "Geneva"))], gz=False)
    whole = tmp_path / "crawl.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    report = ingest_paths([str(whole)], store, annotate=False)
    assert report.ingested == 2 and report.ok, report.failed
    data = gzip.compress(plain.read_bytes(), mtime=0)
    whole.write_bytes(data[: len(data) // 2] + bytes(16) + data[len(data) // 2 + 16:])  # corrupt in record 2
    problems = [str(i) for i in read_input(str(whole)) if isinstance(i, InputError)]
    assert len(problems) == 1 and problems[0].startswith(f"{whole}: corrupt WARC after ")
    assert "corrupt" in problems[0].split(": ", 2)[2] and "()" not in problems[0]


def test_ingest_corrupt_gzip_warc_names_the_file_and_the_problem(tmp_path, store):
    warc = tmp_path / "crawl.warc.gz"
    make_warc(warc, [("https://x.example/1", ARTICLE_HTML),
                     ("https://x.example/2", ARTICLE_HTML.replace("Vienna", "Geneva"))])
    data = bytearray(warc.read_bytes())
    first = zlib.decompressobj(16 + zlib.MAX_WBITS)
    first.decompress(bytes(data))
    second = len(data) - len(first.unused_data)  # where the second record's gzip member starts
    # the second member's gzip header with reserved flag bits set: corrupt on every run (zeroing bytes inside
    # the deflate data, which changes with the random WARC record ids, now and then still inflated to a record)
    data[second + 3] = 0xE0
    warc.write_bytes(bytes(data))
    report = ingest_paths([str(warc)], store, annotate=False)
    assert report.ingested == 1 and len(report.failed) == 1
    msg = str(report.failed[0])
    assert msg.startswith(f"{warc}: corrupt WARC after 1 response record(s): ") and "corrupt compressed data" in msg
    assert "()" not in msg and "\n" not in msg


def test_ingest_missing_path_reported(tmp_path, store):
    report = ingest_paths([str(tmp_path / "nope.txt")], store, annotate=False)
    assert "no such file" in str(report.failed[0])


# --- content sniffing (issue 18, pattern 5) --------------------------------------------------------------

_STORY = ("<div class='story'><h1>Dam deal reached on the Mekong</h1>"
          "<p>Energy ministers of Laos and Cambodia agreed in Vientiane on Thursday to share the output of a new "
          "dam on the Mekong, ending two years of talks about water levels downstream.</p>"
          "<p>The accord gives Cambodia a third of the power and sets minimum flows for the dry season, the "
          "ministers told reporters after the signing ceremony in the capital.</p></div>")


def test_ingest_html_opening_with_kilobytes_of_style_and_script_is_html(tmp_path, store):
    css = "".join(f".promo-{i} {{ color: #{i:06x}; margin: 0 auto }}\n" for i in range(250))
    js = "var settings = {" + ", ".join(f'"flag{i}": {i}' for i in range(500)) + "};"
    assert len(css) + len(js) > 8192
    p = tmp_path / "page"
    p.write_text(f"<style>{css}</style>\n<script>{js}</script>\n{_STORY}")
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 1, report.failed
    rec = next(store.iter_export())
    assert rec["media_type"] == "text/html"
    assert "agreed in Vientiane" in rec["text"] and "settings" not in rec["text"] and "promo" not in rec["text"]


def _arc(pages: list[tuple[str, str]], *, gz: bool) -> bytes:
    """An ARC v1 file: a filedesc:// record, then one record per page (URL IP date type length, HTTP reply)."""
    version = b"1 0 Test Archive\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://crawl.arc 0.0.0.0 20230603000000 text/plain %d\n%s\n" % (len(version), version)]
    for url, html in pages:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode()
        records.append(b"%s 192.0.2.7 20230603101500 text/html %d\n%s\n" % (url.encode(), len(http), http))
    return b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)


@pytest.mark.parametrize("gz", [True, False])
def test_ingest_arc_records_read_like_warc(tmp_path, store, gz):
    p = tmp_path / ("crawl.arc.gz" if gz else "crawl.arc")
    p.write_bytes(_arc([("https://courier.example/vienna", ARTICLE_HTML),
                        ("https://courier.example/mekong", f"<html><body>{_STORY}</body></html>")], gz=gz))
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 2, report.failed
    recs = {r["url"]: r for r in store.iter_export()}
    assert set(recs) == {"https://courier.example/vienna", "https://courier.example/mekong"}
    assert "filedesc" not in recs["https://courier.example/vienna"]["text"]
    assert "agreed in Vientiane" in recs["https://courier.example/mekong"]["text"]


_ITEM_BODY = ("Energy ministers of Laos and Cambodia agreed in Vientiane on Thursday to share the output of a new "
              "dam on the Mekong, ending two years of talks about water levels downstream.")
FEEDS = {
    "prefixed atom root": (
        '<?xml version="1.0"?><a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>Mekong Wire</a:title>'
        '<a:entry><a:id>urn:m:1</a:id><a:title>Dam deal</a:title><a:link href="https://mekong.example/1"/>'
        f"<a:updated>2023-06-01T08:00:00Z</a:updated><a:summary>{_ITEM_BODY}</a:summary></a:entry></a:feed>"),
    "long leading comment": (
        '<?xml version="1.0" encoding="utf-8"?>\n<!--\n' + "  Licensed under the feed terms of use.\n" * 150
        + '-->\n<rss version="2.0"><channel><title>Mekong Wire</title><item><title>Dam deal</title>'
        f"<link>https://mekong.example/1</link><description>{_ITEM_BODY}</description></item></channel></rss>"),
    "cdf channel root": (
        '<?xml version="1.0"?>\n<CHANNEL HREF="https://mekong.example/"><TITLE>Mekong Wire</TITLE>'
        '<ITEM HREF="https://mekong.example/1"><TITLE>Dam deal</TITLE>'
        f"<ABSTRACT>{_ITEM_BODY}</ABSTRACT></ITEM></CHANNEL>"),
}


@pytest.mark.parametrize("label", list(FEEDS))
def test_ingest_feed_recognised_by_its_root_element(tmp_path, store, label):
    p = tmp_path / "feed"
    p.write_text(FEEDS[label])
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 1, report.failed
    rec = next(store.iter_export())
    assert (rec["url"], rec["title"], rec["outlet"]) == ("https://mekong.example/1", "Dam deal", "Mekong Wire")
    assert rec["text"] == _ITEM_BODY


def test_ingest_comment_only_file_is_one_input_error(tmp_path, store):
    p = tmp_path / "cached.html"
    p.write_bytes(b"\xef\xbb\xbf\n<!-- page cache: miss -->\n  <!-- served by node 7 in 12 ms -->\n\n")
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 0 and len(report.failed) == 1
    msg = str(report.failed[0])
    assert "comments" in msg and str(p) in msg and "\n" not in msg


@pytest.mark.parametrize(("kind", "encoding", "bom"), [
    ("text", "utf-16-le", True), ("text", "utf-16-le", False), ("text", "utf-16-be", False),
    ("text", "utf-32-le", True), ("text", "utf-32-be", False),
    ("html", "utf-16-le", False), ("feed", "utf-16-be", True),
])
def test_ingest_utf16_and_utf32_documents_are_decoded(tmp_path, store, kind, encoding, bom):
    content = {
        "text": ARTICLE_TEXT,
        "html": ARTICLE_HTML.replace("<head>", '<head><meta charset="utf-16">'),
        "feed": FEEDS["long leading comment"].replace('encoding="utf-8"', 'encoding="UTF-16"'),
    }[kind]
    p = tmp_path / "doc"
    p.write_bytes(("\ufeff" if bom else "").encode(encoding) + content.encode(encoding))
    report = ingest_paths([str(p)], store, annotate=False)
    assert report.ingested == 1, report.failed
    text = next(store.iter_export())["text"]
    assert {"text": "fisheries", "html": "resumed talks in Vienna", "feed": "agreed in Vientiane"}[kind] in text


def test_ingest_utf16_without_bom_in_a_non_latin_script():
    story = "Министры энергетики Лаоса и Камбоджи договорились в четверг о плотине на Меконге."
    items = list(read_bytes(story.encode("utf-16-le"), "ru.txt"))
    assert [i.data.decode("utf-8") for i in items] == [story]
