"""Feeds that are not UTF-8 are decoded before feedparser sees them: its fallback (chardet) takes time
quadratic in the longest word, so a feed with a 70,000-letter word stalled a run for minutes."""

from __future__ import annotations

import feedparser.encodings
import pytest

from newsdesk.errors import InputError
from newsdesk.ingest import read_bytes
from newsdesk.ingest.readers import feed_utf8

_BODY = ("Le gouvernement a annoncé mercredi une réforme des retraites. Les syndicats ont réagi très vite et "
         "appelé à la grève générale dès jeudi, à Paris comme à Marseille.")


def _feed(declaration: str, title: str, body: str, outlet: str = "Le Café") -> str:
    return (f'{declaration}<rss version="2.0"><channel><title>{outlet}</title><item><title>{title}</title>'
            f"<link>https://cafe.example/1</link><description>{body}</description></item></channel></rss>")


@pytest.fixture
def no_chardet(monkeypatch):
    """Fail the test if feedparser falls back to guessing the encoding."""
    def refuse(data: bytes) -> str:
        raise AssertionError("feedparser consulted chardet")
    monkeypatch.setattr(feedparser.encodings, "lazy_chardet_encoding", refuse)


@pytest.mark.parametrize("declaration", ['<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8"?>', ""])
def test_readers_latin1_feed_with_a_huge_word_is_decoded_before_feedparser(no_chardet, declaration):
    word = "x" * 70_000
    data = _feed(declaration, "Réforme", f"{_BODY} {word}").encode("latin-1")
    [doc] = list(read_bytes(data, "cafe.xml"))
    assert not isinstance(doc, InputError), doc
    assert doc.title == "Réforme"
    html = doc.data.decode("utf-8")
    assert "grève générale" in html and word in html


def test_readers_feed_decoded_by_its_declared_encoding(no_chardet):
    data = _feed('<?xml version="1.0" encoding="windows-1251"?>', "Переговоры в Минске",
                 "Стороны договорились продолжить переговоры в четверг. " * 3, "Вести").encode("cp1251")
    [doc] = list(read_bytes(data, "minsk.xml"))
    assert doc.title == "Переговоры в Минске"


def test_readers_feed_utf8_rewrites_the_declaration():
    data = _feed('<?xml version="1.0" encoding="ISO-8859-1"?>', "Été", _BODY).encode("latin-1")
    out = feed_utf8(data, "cafe.xml")
    assert out.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert "Été" in out.decode("utf-8")
    # valid UTF-8 is passed through unchanged apart from its byte-order mark
    utf8 = _feed('<?xml version="1.0" encoding="utf-8"?>', "Été", _BODY).encode("utf-8")
    assert feed_utf8(b"\xef\xbb\xbf" + utf8, "cafe.xml") == utf8
