"""PLOVER export (the ontology POLECAT uses): JSON lines, one record per clustered event (per event mention for
coded articles in no event), shaped as the PLOVER manual says (`data/plover_manual.yaml` holds its quad codes,
mode tables and location keys). A record that cannot be written is counted and reported, never dropped quietly."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any, TextIO

from newsdesk import __version__
from newsdesk.exporters.event_records import Record, date_span, iso3, iter_event_records

CODER = f"newsdesk-{__version__}"
_WIKIDATA = re.compile(r"^Q\d+$")


@lru_cache(maxsize=1)
def manual() -> dict[str, Any]:
    """The PLOVER manual's tables as newsdesk writes them (`data/plover_manual.yaml`)."""
    import yaml

    with resources.files("newsdesk.exporters").joinpath("data", "plover_manual.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def manual_quad(event: str) -> int | None:
    """The manual's quad code of a PLOVER type: 1 verbal cooperation ... 4 material conflict (REQUEST is 3)."""
    return (manual()["types"].get(event) or {}).get("quad")


def manual_mode(event: str, coder_mode: str | None, cameo: str) -> str | None:
    """The manual's mode for a coded event: from the CAMEO code where the coder's mode lumps what the manual
    tells apart, else from the coder's mode; None when the manual has no mode for it (AGREE has none at all)."""
    t = manual()["types"].get(event) or {}
    by_cameo = t.get("by_cameo") or {}
    hit = next((cameo[:n] for n in range(len(cameo), 1, -1) if cameo[:n] in by_cameo), None)
    mode = by_cameo[hit] if hit else (t.get("from_coder") or {}).get(coder_mode or "")
    return mode if mode in (t.get("modes") or []) else None


def entity(side: dict[str, Any] | None) -> dict[str, Any] | None:
    """A PLOVER actor object: `code` the 3-letter top-level actor code (ISO 3166 alpha-3, or IGO/NGO/... for
    non-state actors, whose organisation is in `identifier_text`), `sector` (GOV, MIL, ...), `entity_text` as
    written, `identifier_id` (a Wikidata id when the knowledge base holds one), `identifier_text` (the canonical
    name) and `office`."""
    if not side:
        return None
    code = (side.get("country") or "").upper()[:3] or None
    sector = (side.get("sector") or "").upper() or None
    kb = side.get("kb_id")
    return {"code": code, "sector": None if sector == code else sector, "entity_text": side.get("text") or "",
            "identifier_id": kb if kb and _WIKIDATA.match(str(kb)) else None,
            "identifier_text": side.get("name"), "office": side.get("office")}


def location(place: dict[str, Any] | None) -> dict[str, Any] | None:
    """The manual's location object (GeoNames' field names): `geonameid`, `name`, `latitude`, `longitude`,
    `feature class`, `feature code`, `country code` (ISO alpha-2), `cc3` (alpha-3); unknown keys left out."""
    if not place or not place.get("name"):
        return None
    gid = place.get("geoname_id")
    fclass, fcode = (manual().get("geonames_features") or {}).get(place.get("feature") or "", (None, None))
    loc = {"geonameid": gid if isinstance(gid, int) and gid > 0 else None, "name": place["name"],
           "latitude": place.get("lat"), "longitude": place.get("lon"), "feature class": fclass,
           "feature code": fcode, "country code": place.get("country"), "cc3": iso3(place.get("country"))}
    return {k: v for k, v in loc.items() if v is not None}


def unwritable(r: Record) -> str | None:
    """Why a record cannot be a PLOVER event (the manual requires id, date, a source actor and an event), or
    None when it can."""
    if not r.get("plover"):
        return "no PLOVER type (CAMEO 01, public statements, which PLOVER does not code)"
    if not r.get("source"):
        return "no source actor"
    if date_span(r.get("date")) is None:
        return f"no date a day can be given for ({r.get('date') or 'none'})"
    return None


def plover_record(r: Record) -> dict[str, Any] | None:
    """The PLOVER record of an event record; None when it cannot be written (see `unwritable`)."""
    if unwritable(r):
        return None
    first, last = date_span(r["date"])  # type: ignore[misc]
    event = r["plover"]
    quad = manual_quad(event)
    return {
        "id": r["id"], "date": first.isoformat(),
        # a date coarser than a day (a week, a month) is the span from `date` to `enddate`
        "enddate": last.isoformat() if last != first else None,
        "actor": entity(r["source"]), "recipient": entity(r.get("target")),
        "event": event, "mode": manual_mode(event, r.get("plover_mode"), r["cameo"]),
        "event_loc": location(r.get("place")), "event_text": r.get("sentence"),
        "quad_code": quad if quad is not None else r.get("quad_class"),
        # the manual's `link` is a reference shared by related events: the storyline
        "link": r.get("story_id"),
        "cite_info": {k: v for k, v in (("url", r.get("url")), ("title", r.get("title")),
                                        ("publication", r.get("outlet")), ("language", r.get("language")))
                      if v},
        "coder": CODER, "coded_date": (r.get("date_added") or "")[:10] or None,
        "comment": f"CAMEO {r['cameo']}; {r['n_articles']} report(s) from {r['n_sources']} source(s), "
                   f"{r['n_mentions']} mention(s)",
    }


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def export_plover(store, out: TextIO, *, report: Callable[[str], None] | None = None) -> int:
    """Write PLOVER JSON lines to `out`; returns the number of records written. Records that cannot be
    written are counted by reason and reported in one line (to standard error unless `report` is given)."""
    n, skipped = 0, Counter[str]()
    for r in iter_event_records(store):
        why = unwritable(r)
        if why:
            skipped[why] += 1
            continue
        out.write(json.dumps(plover_record(r), ensure_ascii=False) + "\n")
        n += 1
    if skipped:
        reasons = "; ".join(f"{k}: {v}" for k, v in skipped.most_common())
        (report or _stderr)(f"plover: {sum(skipped.values())} event record(s) not written ({reasons})")
    return n
