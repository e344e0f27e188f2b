"""GDELT 2.0 event export: tab-separated, the 61 columns in GDELT's order, no header row (as GDELT's own files;
`header=True` adds one), one row per clustered event (per event mention for coded articles in no event).
Codes are strings; what newsdesk does not know is left empty. Geo country codes are FIPS 10-4, as GDELT's (mapped from ISO by `data/iso2_fips.csv`);
actor country codes are CAMEO (ISO-3 based)."""

from __future__ import annotations

import csv
from typing import Any, TextIO

from newsdesk.code.ontology import cameo
from newsdesk.exporters.event_records import Record, country_name, fips, first_day, iter_event_records

_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR), *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions",
    "NumSources", "NumArticles", "AvgTone",
    *(f"{g}_{c}" for g in ("Actor1Geo", "Actor2Geo", "ActionGeo") for c in _GEO),
    "DATEADDED", "SOURCEURL",
)
assert len(COLUMNS) == 61

# GDELT geo types: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1)
_GEO_TYPE = {"country": 1, "admin1": 5, "city": 4, "landmark": 4}


def actor_columns(side: dict[str, Any] | None) -> list[Any]:
    """Code, Name, CountryCode, KnownGroupCode, EthnicCode, Religion1/2, Type1/2/3 of one side."""
    if not side:
        return [""] * len(_ACTOR)
    country, sector = (side.get("country") or "").upper(), (side.get("sector") or "").upper()
    igo = country.startswith("IGO")
    code = country if igo or (sector and sector in country) else country + sector
    known = country[-3:] if igo and len(country) >= 6 else ""
    types = [t for t in ([sector] if sector and sector not in country else []) + (["IGO"] if igo else [])][:3]
    return [code, side.get("name") or side.get("text") or "", "" if igo else country, known, "", "", "",
            *(types + ["", "", ""])[:3]]


def geo_columns(place: dict[str, Any] | None) -> list[Any]:
    if not place:
        return [""] * len(_GEO)
    iso, feature = place.get("country"), place.get("feature")
    gtype = _GEO_TYPE.get(feature or "", 4 if place.get("lat") is not None else "")
    if iso == "US" and gtype in (4, 5):
        gtype = 3 if gtype == 4 else 2
    cname = country_name(iso)
    full = cname if feature == "country" else ", ".join(x for x in (place["name"], cname) if x)
    # FeatureID is a GNS/GNIS id in GDELT; newsdesk has GeoNames ids, which are not the same: left empty
    return [gtype, full or place["name"], fips(iso) or "", "", "", _num(place.get("lat")), _num(place.get("lon")), ""]


def _num(x: Any) -> Any:
    return "" if x is None else x


def date_columns(value: str | None) -> list[Any]:
    """Day (YYYYMMDD), MonthYear, Year, FractionDate. A date coarser than a day (a week, a month, a year) is
    placed on its first day, since GDELT users filter on Day; one no day fits (a season) leaves them empty."""
    d = first_day(value)
    if d is None:
        return ["", "", "", ""]
    # GDELT's FractionDate: YEAR + (MONTH * 30 + DAY) / 365
    return [d.strftime("%Y%m%d"), d.strftime("%Y%m"), d.year, round(d.year + (d.month * 30 + d.day) / 365, 4)]


def _ontology(code: str) -> tuple[Any, Any]:
    try:
        c = cameo(code)
        return c.quad, c.goldstein
    except Exception:
        return None, None


def gdelt_row(r: Record) -> list[Any]:
    code = r["cameo"]
    quad, goldstein = _ontology(code)
    quad = quad if quad is not None else r.get("quad_class")
    goldstein = goldstein if goldstein is not None else r.get("goldstein")
    added = (r.get("date_added") or "").replace("-", "").replace(":", "").replace("T", "").replace("Z", "")[:14]
    return [
        r["global_id"], *date_columns(r.get("date")),
        *actor_columns(r.get("source")), *actor_columns(r.get("target")),
        int(bool(r.get("is_root"))), code, code[:3], code[:2], _num(quad), _num(goldstein),
        r["n_mentions"], r["n_sources"], r["n_articles"], "",
        *geo_columns(None), *geo_columns(None), *geo_columns(r.get("place")),
        added, r.get("url") or "",
    ]


def export_gdelt(store, out: TextIO, *, header: bool = False) -> int:
    """Write GDELT 2.0 event rows to `out`, headerless as GDELT's own files unless `header`; returns the
    number of events written."""
    w = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    if header:
        w.writerow(COLUMNS)
    n = 0
    for r in iter_event_records(store):
        w.writerow(gdelt_row(r))
        n += 1
    return n
