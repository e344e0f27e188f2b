"""Tests for the plain-text cleaner (`newsdesk.extract.text_cleaner`): header metadata, removals, seeds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsdesk.extract.text_cleaner import CleanedText, clean_text
from newsdesk.extract.text_meta import parse_byline, parse_dateline

SHARED = Path(__file__).resolve().parents[2] / "shared"

BODY = [
    "The city council voted on Tuesday to approve a new budget for the harbour district after a long debate.",
    "Councillor Maria Lindqvist said the plan would fund repairs to the old pier and two new ferry routes.",
    "Opponents argued that the harbour budget ignored schools, and several of them walked out of the chamber.",
    "The harbour plan now goes to the regional assembly, which is expected to vote on it before the summer.",
]


def article(*extra_before: str, after: tuple[str, ...] = (), body: list[str] = BODY) -> str:
    return "\n\n".join([*extra_before, *body, *after])


def joined(c: CleanedText) -> str:
    return "\n".join(c.paragraphs)


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("By Jane Doe and John Roe", "Jane Doe and John Roe"),
        ("By Jane Doe, Political Correspondent", "Jane Doe"),
        ("By Jane Doe | Example Outlet", "Jane Doe"),
        ("By Jane Doe in Oslo", "Jane Doe"),
        ("By Jane Doe, John Roe and Ann Poe", "Jane Doe, John Roe and Ann Poe"),
        ("By the way, this is a sentence.", None),
    ],
)
def test_text_cleaner_parses_byline(line: str, want: str | None) -> None:
    assert parse_byline(line) == want


@pytest.mark.parametrize(
    ("line", "published", "updated"),
    [
        ("1 March 2022, 14:46 | Updated: 2 March 2022, 07:36", "2022-03-01T14:46", "2022-03-02T07:36"),
        ("March 1, 2022 2:46 pm", "2022-03-01T14:46", None),
        ("Published: 2022-03-01T14:46:00Z", "2022-03-01T14:46", None),
        ("Published March 1, 2022 at 9:05 a.m. ET | Updated March 2, 2022", "2022-03-01T09:05", "2022-03-02"),
        ("Tue 1 Mar 2022 14.46 GMT", "2022-03-01T14:46", None),
        ("Posted on 5th June 2021", "2021-06-05", None),
        ("Updated 2 March 2022", None, "2022-03-02"),
    ],
)
def test_text_cleaner_parses_dateline(line: str, published: str | None, updated: str | None) -> None:
    assert parse_dateline(line) == (published, updated)


def test_text_cleaner_sentence_with_date_is_not_dateline() -> None:
    assert parse_dateline("The council met on 1 March 2022 and argued about the harbour for hours.") is None


def test_text_cleaner_reads_header() -> None:
    text = article(
        "Harbour budget approved after stormy council debate",
        "1 March 2022, 14:46 | Updated: 2 March 2022, 07:36",
        "By Jane Doe, Political Correspondent",
    )
    c = clean_text(text)
    assert c.title == "Harbour budget approved after stormy council debate"
    assert c.byline == "Jane Doe"
    assert (c.published, c.updated) == ("2022-03-01T14:46", "2022-03-02T07:36")
    assert list(c.paragraphs) == BODY
    reasons = {r.reason for r in c.removed}
    assert {"title", "byline", "dateline"} <= reasons


def test_text_cleaner_no_title_when_first_line_is_body() -> None:
    c = clean_text(article())
    assert c.title is None
    assert c.paragraphs[0] == BODY[0]


@pytest.mark.parametrize(
    ("noise", "reason"),
    [
        ("READ MORE: Ferry company announces record summer timetable", "link teaser"),
        ("LIVE: Storm warning issued for the coast", "link teaser"),
        ("WATCH: Councillors clash over pier repairs", "link teaser"),
        ("Related: Five things to know about the harbour", "link teaser"),
        ("See also", "link teaser"),
        ("<image>data:image/png;base64,iVBORw0KGgo=</image>", "image"),
        ("![The old pier at dusk](https://example.org/pier.jpg)", "image"),
        ("data:image/jpeg;base64,/9j/4AAQSkZJRg==", "image"),
        ("Picture: Example Agency", "photo credit"),
        ("Photo: Jane Doe / Example Agency", "photo credit"),
        ("The old pier at dusk (photo: Jane Doe / Example Agency)", "caption"),
        ("Councillors leave the chamber. Picture: Example Agency", "caption"),
        ("Councillor Maria Lindqvist (pictured) at the harbour", "caption"),
        ("The pier in winter. Getty Images", "caption"),
    ],
)
def test_text_cleaner_removes_noise_line(noise: str, reason: str) -> None:
    text = article().replace(BODY[1], BODY[1] + "\n\n" + noise)
    c = clean_text(text)
    assert noise not in joined(c)
    assert any(r.reason == reason for r in c.removed), c.removed
    assert list(c.paragraphs) == BODY


def test_text_cleaner_drops_caption_copy_of_lead() -> None:
    caption_copy = BODY[1].replace("Lindqvist", "Lindqvist (pictured)")
    text = article(after=(caption_copy,) + tuple(BODY[2:]), body=BODY[:2])
    c = clean_text(text)
    assert joined(c).count("would fund repairs to the old pier") == 1
    assert "(pictured)" not in joined(c)


def test_text_cleaner_drops_near_duplicate_captions() -> None:
    cap = "Councillors walk out (left) during the harbour debate"
    text = article(cap, cap + ". Picture: Example Agency")
    c = clean_text(text)
    assert "walk out (left)" not in joined(c)
    assert list(c.paragraphs) == BODY


def test_text_cleaner_drops_exact_duplicate_sentence() -> None:
    c = clean_text(article(after=(BODY[0],)))
    assert joined(c).count(BODY[0]) == 1
    assert any(r.reason == "duplicate" for r in c.removed)


def test_text_cleaner_drops_unrelated_trailing_block() -> None:
    promo = (
        "\n\n\nJoin our supper club for tasting evenings and a friendly crowd of food lovers every month.",
        "• Bakery wins national sourdough prize",
        "Bakery wins national sourdough prize",
        "A family bakery in the valley has won the national sourdough award, beating two hundred entries from across the country.",
        "• Cycling festival draws record crowds",
        "Cycling festival draws record crowds",
        "Thousands of riders joined the mountain cycling festival this weekend, with the youngest aged just seven.",
    )
    c = clean_text(article(after=promo))
    text = joined(c)
    assert "sourdough" not in text and "Cycling festival" not in text and "supper club" not in text
    assert list(c.paragraphs) == BODY
    assert any(r.reason == "unrelated trailing block" for r in c.removed)


def test_text_cleaner_keeps_related_closing_paragraphs() -> None:
    closing = (
        "\n\n\nLindqvist said the harbour vote showed the council could still agree on big projects.",
        "The regional assembly will debate the harbour budget and the pier repairs in June.",
    )
    c = clean_text(article(after=closing))
    assert "regional assembly will debate the harbour budget" in joined(c)


def test_text_cleaner_removes_web_boilerplate() -> None:
    menu = ["Home", "News", "Sport", "Business", "Subscribe to our newsletter", "Sign in"]
    footer = ["Share this article", "Comments", "© 2022 Example Media Ltd. All rights reserved.", "Privacy Policy"]
    text = "\n".join(menu) + "\n\n" + article() + "\n\n" + "\n".join(footer)
    c = clean_text(text)
    assert list(c.paragraphs) == BODY
    assert all(r.reason == "boilerplate" for r in c.removed if r.text in menu[1:] + footer)


def test_text_cleaner_drops_comment_section() -> None:
    comments = [
        "12 Comments",
        "harbourfan says:",
        "March 2, 2022 at 7:02 am",
        "I have lived by the harbour for forty years and I have never seen the pier in such a bad state as now.",
        "Reply",
        "oslo_mike says:",
        "March 2, 2022 at 8:15 am",
        "The ferries are always late anyway, so I doubt two more routes will change very much for anybody here.",
    ]
    c = clean_text(article() + "\n\n" + "\n".join(comments))
    assert list(c.paragraphs) == BODY


def test_text_cleaner_short_clean_text_survives() -> None:
    c = clean_text("The vote passed.\n\nNobody objected to it.")
    assert c.paragraphs == ("The vote passed.", "Nobody objected to it.")


def test_text_cleaner_label_prefix_on_a_whole_paragraph_is_no_teaser() -> None:
    body = ("Analysis: why the harbour strike in Valmora matters. " + "Dock workers stayed home for a third day "
            "while the port authority said talks would resume next week with the union and the ministry. " * 4)
    c = clean_text(body)
    assert c.paragraphs and c.paragraphs[0].startswith("Analysis: why the harbour strike")
    c = clean_text("Dock workers stayed home on Monday.\n\nAnalysis: the strike explained\n\nThe port stayed shut.")
    assert [r.reason for r in c.removed] == ["link teaser"]


def test_text_cleaner_empty_text() -> None:
    c = clean_text("")
    assert c.paragraphs == () and c.title is None


def _norm(s: object) -> str:
    """The seed scorer's normalisation: quote marks and dashes folded, whitespace collapsed, lowercased."""
    s = "" if s is None else str(s)
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2013", "-"), ("\u2014", "-")):
        s = s.replace(a, b)
    return re.sub(r"\s+", " ", s).strip().lower()


def test_text_cleaner_seed_checks() -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared not found: seed checks need the shared data")
    expected = json.loads((seeds / "expected.json").read_text(encoding="utf-8"))["articles"]
    failures = []
    for name, e in expected.items():
        c = clean_text((seeds / name).read_text(encoding="utf-8"))
        text = _norm("\n\n".join(c.paragraphs))
        for fld in ("title", "byline"):
            if fld in e and e[fld] is not None and _norm(getattr(c, fld)) != _norm(e[fld]):
                failures.append(f"{name}: {fld} {getattr(c, fld)!r} != {e[fld]!r}")
        if "byline" in e and e["byline"] is None and c.byline:
            failures.append(f"{name}: byline {c.byline!r}, want none")
        for fld in ("published", "updated"):
            if e.get(fld) and not str(getattr(c, fld) or "").startswith(e[fld]):
                failures.append(f"{name}: {fld} {getattr(c, fld)!r} != {e[fld]!r}")
        failures += [f"{name}: lost {k!r}" for k in e.get("keeps", []) if _norm(k) not in text]
        failures += [f"{name}: kept {d!r}" for d in e.get("drops", []) if _norm(d) in text]
        for s, n in (e.get("max_copies") or {}).items():
            if text.count(_norm(s)) > n:
                failures.append(f"{name}: {s!r} appears {text.count(_norm(s))}x, max {n}")
    assert not failures, "\n".join(failures)
