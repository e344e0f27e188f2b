"""Shared fixtures: a fresh database per test, small articles written for the tests, the shared data dir."""

from __future__ import annotations

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
