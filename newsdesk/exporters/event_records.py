"""One flat record per real-world event for the event-data formats (GDELT, PLOVER): a clustered event,
consolidated across its reports; or, for a coded article not (yet) in any event, each of its event mentions.
Also the geography helpers (ISO -> FIPS 10-4, country names) those formats need."""

from __future__ import annotations

import calendar
import csv
import hashlib
import re
from collections.abc import Iterator
from datetime import date as Date
from datetime import timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from newsdesk.records import ClusteredEvent, ConsolidatedEvent

Record = dict[str, Any]


def global_id(newsdesk_id: str) -> int:
    """A stable integer id (< 2**60) for formats that want integers: the first 15 hex digits of the newsdesk
    id when it is a hash (`e` + 16 hex digits for events), else of the id's SHA-256."""
    hex_part = newsdesk_id.removeprefix("e")
    if len(hex_part) < 15 or any(c not in "0123456789abcdef" for c in hex_part):
        hex_part = hashlib.sha256(newsdesk_id.encode()).hexdigest()
    return int(hex_part[:15], 16)


@lru_cache(maxsize=1)
def iso2_to_fips() -> dict[str, str]:
    with resources.files("newsdesk.exporters").joinpath("data", "iso2_fips.csv").open(encoding="utf-8") as f:
        return {r["iso2"]: r["fips"] for r in csv.DictReader(line for line in f if not line.startswith("#"))}


def iso2(code: str | None) -> str | None:
    """ISO 3166-1 alpha-2 of an alpha-2 or alpha-3 code (None when unknown)."""
    if not code:
        return None
    code = code.upper()
    if len(code) == 2:
        return code
    if len(code) == 3:
        import pycountry

        c = pycountry.countries.get(alpha_3=code)
        return c.alpha_2 if c else None
    return None


def iso3(code: str | None) -> str | None:
    """ISO 3166-1 alpha-3 of an alpha-2 or alpha-3 code (None when unknown)."""
    a2 = iso2(code)
    if not a2:
        return None
    import pycountry

    c = pycountry.countries.get(alpha_2=a2)
    return c.alpha_3 if c else None


def fips(code: str | None) -> str | None:
    a2 = iso2(code)
    return iso2_to_fips().get(a2) if a2 else None


def country_name(code: str | None) -> str | None:
    a2 = iso2(code)
    if not a2:
        return None
    import pycountry

    c = pycountry.countries.get(alpha_2=a2)
    return (getattr(c, "common_name", None) or c.name) if c else None


# "-W" is a weekend cut to ten characters ("2025-W14-WE"[:10]), as stored event dates are
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(?:-(WE?|[1-7]))?$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def date_span(value: str | None) -> tuple[Date, Date] | None:
    """The first and last day of a TIMEX3-style date: a day (`2025-04-08`, a time after it ignored), an ISO
    week (`2025-W14`, Monday to Sunday), a weekend (`2025-W14-WE`, Saturday and Sunday), a month, a quarter
    (`2025-Q2`) or a year. None for what no day span fits (seasons, decades, `PRESENT_REF`)."""
    v = (value or "").strip()
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}", v):
            d = Date.fromisoformat(v[:10])
            return d, d
        if m := _WEEK.match(v):
            monday = Date.fromisocalendar(int(m[1]), int(m[2]), 1)
            if m[3] in ("W", "WE"):
                return monday + timedelta(days=5), monday + timedelta(days=6)
            if m[3]:
                d = monday + timedelta(days=int(m[3]) - 1)
                return d, d
            return monday, monday + timedelta(days=6)
        if m := _QUARTER.match(v):
            y, q = int(m[1]), int(m[2])
            last = 3 * q
            return Date(y, last - 2, 1), Date(y, last, calendar.monthrange(y, last)[1])
        if re.fullmatch(r"\d{4}-\d{2}", v):
            y, mo = int(v[:4]), int(v[5:])
            return Date(y, mo, 1), Date(y, mo, calendar.monthrange(y, mo)[1])
        if re.fullmatch(r"\d{4}", v):
            return Date(int(v), 1, 1), Date(int(v), 12, 31)
    except ValueError:
        return None
    return None


def first_day(value: str | None) -> Date | None:
    """The first day of a date's span (see `date_span`): what a format that wants one day gets."""
    span = date_span(value)
    return span[0] if span else None


def _first_paragraph_end(article: dict[str, Any]) -> int:
    i = (article.get("text") or "").find("\n\n")
    return i if i >= 0 else len(article.get("text") or "")


def _place(article: dict[str, Any], m: dict[str, Any]) -> dict[str, Any] | None:
    p = m.get("place")
    if not p or not p.get("name"):
        return None
    found: dict[str, Any] = next((x for x in article.get("places") or [] if x["name"] == p["name"]), {})
    return {"name": p["name"], "country": iso2(p.get("country") or found.get("country")),
            "lat": p.get("lat", found.get("lat")), "lon": p.get("lon", found.get("lon")),
            "feature": found.get("feature"), "geoname_id": found.get("geoname_id")}


def _added(articles: list[dict[str, Any]]) -> str | None:
    stamps = [s["ingested_at"] for a in articles for s in a.get("sources") or [] if s.get("ingested_at")]
    return min(stamps) if stamps else None


def _actor_extra(article: dict[str, Any], side: dict[str, Any] | None) -> dict[str, Any] | None:
    if not side:
        return None
    hit: dict[str, Any] = next((a for a in article.get("actors") or [] if side.get("actor_id") and a["id"] == side["actor_id"]), {})
    return {**side, "kb_id": hit.get("kb_id"), "office": hit.get("office")}


def _record(kind: str, rid: str, article: dict[str, Any], m: dict[str, Any], members: list[dict[str, Any]],
            **extra: Any) -> Record:
    return {
        "kind": kind, "id": rid, "global_id": global_id(rid),
        # kept whole ("2025-W14-WE"): each format places a coarse date its own way (see `date_span`)
        "date": m.get("date") or (article.get("published") or "")[:10] or None,
        "cameo": m["cameo"], "quad_class": m.get("quad_class"), "goldstein": m.get("goldstein"),
        "plover": m.get("plover") or None, "plover_mode": m.get("plover_mode"),
        "source": _actor_extra(article, m.get("source")), "target": _actor_extra(article, m.get("target")),
        "place": _place(article, m), "is_root": m.get("start", 0) < _first_paragraph_end(article),
        "sentence": m.get("sentence"), "url": article.get("url") or article.get("source"),
        "title": article.get("title"), "outlet": article.get("outlet"), "language": article.get("language"),
        "date_added": _added(members), "article_ids": [a["id"] for a in members],
        "n_mentions": 1, "n_sources": 1, "n_articles": 1, **extra,
    }


def _side_name(m: dict[str, Any], key: str) -> str | None:
    s = m.get(key) or {}
    return s.get("name") or s.get("text")


def clustered_record(event: ClusteredEvent, rec: ConsolidatedEvent, articles: list[dict[str, Any]]) -> Record | None:
    """The record of one clustered event: its consolidated CAMEO code, PLOVER type, source, target, date and
    place (`Store.consolidated_event`, what `newsdesk events` and `newsdesk event` show), each actor and the
    place with the details of the report's main mention that gave it; None when no report of it was coded."""
    eid = rec.id
    code = rec.cameo.value
    if not code:
        return None
    reports = sorted(articles, key=lambda a: (a.get("published") or "9999", a["id"]))
    by_id = {a["id"]: a for a in reports}
    # each voting report's main mention, in report order: the ones the decided values were read from
    mains = [(by_id[aid], by_id[aid]["events"][pos]) for aid, pos in rec.main_mentions.items()]
    value = {"plover": rec.plover.value, "source": rec.source.value, "target": rec.target.value,
             "date": rec.date.value, "place": rec.place.value}

    def first(pred) -> tuple[dict[str, Any], dict[str, Any]] | None:
        return next(((a, m) for a, m in mains if pred(m)), None)

    # the mention of the decided code naming the decided source gives the mode and the sentence
    a, m = first(lambda m: m["cameo"] == code and _side_name(m, "source") == value["source"]) or \
        first(lambda m: m["cameo"] == code) or mains[0]
    sides = {}
    for key in ("source", "target"):
        hit = first(lambda m, key=key: value[key] is not None and _side_name(m, key) == value[key])
        sides[key] = _actor_extra(hit[0], hit[1].get(key)) if hit else None
    hit = first(lambda m: value["place"] is not None and (m.get("place") or {}).get("name") == value["place"])
    place = _place(*hit) if hit else None
    pairs = [(a2, m2) for a2 in reports for m2 in a2.get("events") or []]
    out = _record("event", eid, a, {**m, "cameo": code, "plover": value["plover"],
                                    "date": value["date"] or event.date_min}, reports,
                  n_mentions=len([1 for _, m2 in pairs if (m2.get("cameo") or "")[:2] == code[:2]]),
                  n_sources=event.n_sources or len(rec.outlets), n_articles=len(reports),
                  story_id=event.story_id, title=rec.title)
    out.update(sides, place=place)
    first_report = reports[0]
    out["url"], out["outlet"] = first_report.get("url") or first_report.get("source"), first_report.get("outlet")
    return out


def iter_event_records(store) -> Iterator[Record]:
    """Clustered events first (newest first, as `newsdesk events` lists them), then the mentions of coded
    articles that belong to no event, in time order."""
    for event in store.clustered_events(limit=10**12):
        rec = clustered_record(event, *store.event_with_reports(event.id, mentioned_in=False))
        if rec is not None:
            yield rec
    for aid in store.article_ids_in_time_order():
        a = store.get_article(aid)
        if a.get("event_id") or not a.get("events"):
            continue
        for i, m in enumerate(a["events"]):
            yield _record("mention", f"{aid}-{i}", a, m, [a])
