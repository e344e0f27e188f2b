"""What one stored report brings to clustering: its `Features` (the term vector and the dates, people, places
and main happening the clusterer compares), built from the article dict `Store.get_article` returns. Apart
from `features.py`'s primitives because the main happening is the one `consolidate.ballot` reads, and
consolidation in turn uses those primitives."""

from __future__ import annotations

from typing import Any

from newsdesk.cluster.consolidate import ballot
from newsdesk.cluster.features import (
    DAY,
    LEAD_EVENTS,
    LEAD_WORDS,
    NAME_BOOST,
    NUMBER_BOOST,
    TOKEN,
    YEAR,
    Features,
    Happening,
    family,
    is_sentence,
    lead_names,
    report_date,
    term_vector,
)

__all__ = ["features", "main_happening"]


def main_happening(article: dict[str, Any]) -> Happening | None:
    """The report's main event (the mention `consolidate.ballot` reads as the one it reports), None when it
    codes none; its day only when the text gives it to the day."""
    b = ballot(article)
    if not b["root"]:
        return None
    m = b["by_root"][b["root"]]
    day = m.get("date")
    # the place a report gives its happening is often in another sentence than the act's (`ballot` takes the
    # most common of them); its country is that of the place of that name, in a mention or the article's places
    places = [e.get("place") or {} for e in article.get("events") or []] + list(article.get("places") or [])
    country = next((p.get("country") for p in places if m.get("place") and p.get("name") == m["place"]), None)
    sides = {m.get("source"), m.get("target")} - {None, ""}
    people = frozenset(a["id"] for a in article.get("actors") or [] if a.get("kind") == "person"
                       and sides & {a.get("name"), *(a.get("mentions") or [])})
    return Happening(family(b["root"]), m.get("source"), m.get("target"), country or None,
                     day if day and DAY.fullmatch(day) else None, people)


def features(article: dict[str, Any]) -> Features:
    """Features of a stored article (the dict `Store.get_article` returns)."""
    # Lines the cleaner judged boilerplate by their shape alone are often real sentences of a short report,
    # and a comparison of vocabularies loses little by a stray one; stamps ("Posted 05/09/2013 10:05 GMT")
    # are left out, since their numbers would tie together any two reports filed the same day.
    removed = article.get("removed") or []
    sentences = [r["text"] for r in removed if r.get("reason") == "boilerplate" and is_sentence(r["text"])]
    text = "\n".join(x for x in (article.get("title"), *sentences, article.get("text")) if x)
    datelines = " ".join(r["text"] for r in removed if r.get("reason") == "dateline")
    day, published = report_date(article)
    main = main_happening(article)
    coded = sorted(article.get("events") or [], key=lambda e: e.get("start") or 0)[:LEAD_EVENTS]
    # years of the dateline count too: they are often the only date a report carries
    stamps = " ".join([datelines, article.get("published") or "", article.get("updated") or ""])
    return Features(
        vector=term_vector(text, name_boost=NAME_BOOST, number_boost=NUMBER_BOOST, lead_words=LEAD_WORDS),
        years=frozenset(YEAR.findall(text + " " + stamps)),
        date=day,
        actors=frozenset(a["id"] for a in article.get("actors") or [] if a.get("kind") == "person"),
        places=frozenset(p["name"] for p in article.get("places") or []),
        published=published,
        happened=main.day if main else None,
        main=main,
        roots=frozenset(e["cameo"][:2] for e in coded if e.get("cameo")),
        scenes=frozenset(c for e in coded if (c := (e.get("place") or {}).get("country"))),
        lead_names=lead_names(article.get("title"), article.get("text") or ""),
        words=frozenset(t.lower() for t in TOKEN.findall(text)),
    )
