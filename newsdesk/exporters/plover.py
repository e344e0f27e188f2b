"""PLOVER export (the ontology POLECAT uses): JSON lines, one record per clustered event (per event mention
for coded articles in no event). Required fields id, date, actor, event are always present: events with no
PLOVER type (CAMEO 01, public statements) or no source actor are not written."""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from newsdesk import __version__
from newsdesk.exporters.event_records import Record, iter_event_records

CODER = f"newsdesk-{__version__}"
_WIKIDATA = re.compile(r"^Q\d+$")


def entity(side: dict[str, Any] | None) -> dict[str, Any] | None:
    """A PLOVER entity object: country or IGO code, sector, the text as written, and the canonical actor
    (a Wikidata id as identifier_id when the knowledge base holds one)."""
    if not side:
        return None
    kb = side.get("kb_id")
    return {"code": side.get("country"), "sector": side.get("sector"), "entity_text": side.get("text") or "",
            "identifier_id": kb if kb and _WIKIDATA.match(str(kb)) else None,
            "identifier_text": side.get("name"), "office": side.get("office")}


def plover_record(r: Record) -> dict[str, Any] | None:
    if not r.get("plover") or not r.get("source") or not r.get("date"):
        return None
    p = r.get("place")
    loc = None if not p else {"name": p["name"], "country": p.get("country"), "lat": p.get("lat"),
                              "lon": p.get("lon"), "geonames_id": p.get("geoname_id")}
    quad = r.get("quad_class")
    try:
        from newsdesk.code.ontology import plover_types

        quad = plover_types().get(r["plover"], {}).get("quad", quad)
    except Exception:
        pass
    return {
        "id": r["id"], "date": r["date"], "actor": entity(r["source"]), "recipient": entity(r.get("target")),
        "event": r["plover"], "mode": r.get("plover_mode"), "event_loc": loc, "event_text": r.get("sentence"),
        "quad_code": quad, "link": r.get("url"), "coder": CODER,
        "coded_date": (r.get("date_added") or "")[:10] or None,
        "comment": f"CAMEO {r['cameo']}; {r['n_articles']} report(s) from {r['n_sources']} source(s), "
                   f"{r['n_mentions']} mention(s)",
    }


def export_plover(store, out: TextIO) -> int:
    """Write PLOVER JSON lines to `out`; returns the number of records written."""
    n = 0
    for r in iter_event_records(store):
        rec = plover_record(r)
        if rec is None:
            continue
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n
