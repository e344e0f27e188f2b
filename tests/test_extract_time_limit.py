"""Per-document extraction time limit (issue 20, item 5): a page that takes too long is reported in one line
and skipped, and the run goes on. Not timed: the pages here take far longer than the tiny limits given."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import ARTICLE_TEXT

from newsdesk.errors import InputError
from newsdesk.extract import extract
from newsdesk.extract.time_limit import ExtractionTimeout, time_limit
from newsdesk.pipeline import ingest_paths
from newsdesk.records import RawDoc


def _table_page(rows: int) -> str:
    cells = "".join(f"<tr><td>Lot {i}</td><td>{i * 7} t</td><td>{i % 89} %</td></tr>" for i in range(rows))
    return ("<html><body><article><h1>Harbour freight figures</h1><p>The port authority published its yearly "
            "freight figures on Tuesday, lot by lot, as it does every spring.</p>"
            f"<table>{cells}</table></article></body></html>")


def _spin(until: float) -> None:
    """Busy work that swallows every Exception, as the extractors' fallbacks do."""
    while time.monotonic() < until:
        try:
            sum(range(1000))
        except Exception:
            pass


def test_time_limit_interrupts_work_that_swallows_exceptions():
    start = time.monotonic()
    with pytest.raises(ExtractionTimeout):
        with time_limit(0.05):
            _spin(start + 20)
    assert time.monotonic() - start < 20


def test_time_limit_off_the_main_thread_or_without_a_limit_lets_work_finish():
    done = []

    def work() -> None:
        with time_limit(0.01):
            _spin(time.monotonic() + 0.1)
        done.append(True)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    with time_limit(None):
        _spin(time.monotonic() + 0.05)
    assert done == [True]


def test_extract_reports_a_page_over_the_limit():
    raw = RawDoc(data=_table_page(4000).encode(), media_type="text/html", source="freight.html")
    with pytest.raises(InputError) as e:
        extract(raw, timeout=0.05)
    assert str(e.value).startswith("freight.html: extraction took longer than 0.05 s (")
    assert "skipped" in str(e.value) and "--extract-timeout" in str(e.value)


def test_ingest_skips_a_page_over_the_limit_and_goes_on(tmp_path, any_store):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a_freight.html").write_text(_table_page(4000))
    (inputs / "b_fisheries.txt").write_text(ARTICLE_TEXT)
    report = ingest_paths([str(inputs)], any_store, annotate=False, extract_timeout=0.2)
    assert report.ingested == 1 and len(report.failed) == 1
    msg = str(report.failed[0])
    assert "a_freight.html: extraction took longer than 0.2 s" in msg and "\n" not in msg
    assert any_store.get_article(report.article_ids[0])["title"].startswith("Ministers agree new fisheries pact")
