"""Importing people and the positions they held from a Wikidata JSON dump subset (a JSON array, or one
entity per line with trailing commas as in `latest-all.json`) into a knowledge-base YAML file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newsdesk.kb.model import KBError
from newsdesk.kb.names import slug

HUMAN = "Q5"
GENDERS = {"Q6581097": "male", "Q6581072": "female"}
# citizenship (P27) -> ISO3, for the countries whose items we are sure of; others are left out
COUNTRY_QIDS = {
    "Q30": "USA", "Q145": "GBR", "Q142": "FRA", "Q159": "RUS", "Q148": "CHN", "Q183": "DEU", "Q38": "ITA",
    "Q17": "JPN", "Q16": "CAN", "Q408": "AUS", "Q668": "IND", "Q252": "IDN", "Q96": "MEX", "Q155": "BRA",
    "Q414": "ARG", "Q851": "SAU", "Q258": "ZAF", "Q884": "KOR", "Q43": "TUR", "Q212": "UKR", "Q801": "ISR",
    "Q794": "IRN", "Q35": "DNK", "Q20": "NOR", "Q34": "SWE", "Q33": "FIN", "Q189": "ISL", "Q36": "POL",
    "Q29": "ESP", "Q55": "NLD", "Q31": "BEL", "Q39": "CHE", "Q40": "AUT", "Q45": "PRT", "Q41": "GRC",
    "Q27": "IRL",
}


@dataclass
class ImportReport:
    people: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0  # entities that are not humans
    positions: int = 0
    unknown_positions: int = 0  # kept as wikidata:QID offices

    def summary(self) -> dict[str, int]:
        return {"people": len(self.people), "skipped": self.skipped, "positions": self.positions,
                "unknown_positions": self.unknown_positions}


def iter_entities(path: Path) -> Iterator[dict[str, Any]]:
    """Entities of a dump: one per line (trailing commas and the enclosing "[" "]" lines allowed), or a
    JSON array in any layout."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    try:
        parsed = []
        for n, line in enumerate(lines, 1):
            s = line.strip().rstrip(",")
            if s in ("", "[", "]"):
                continue
            try:
                parsed.append(json.loads(s))
            except json.JSONDecodeError as e:
                raise KBError(f"{path}:{n}", f"not a JSON entity ({e.msg})") from None
        yield from parsed
    except KBError:
        if not text.lstrip().startswith("["):
            raise
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise KBError(f"{path}:{e.lineno}", f"not a Wikidata JSON dump ({e.msg})") from None
        if not isinstance(data, list):
            raise KBError(str(path), "expected a JSON array of entities") from None
        yield from data


def _ids(entity: dict, prop: str) -> list[str]:
    out = []
    for claim in entity.get("claims", {}).get(prop, []):
        value = (claim.get("mainsnak", {}).get("datavalue") or {}).get("value")
        if isinstance(value, dict) and value.get("id"):
            out.append(value["id"])
    return out


def wikidata_date(value: str | None) -> str | None:
    """"+2022-09-06T00:00:00Z" -> "2022-09-06"; unknown month or day ("-00") -> the first."""
    if not value:
        return None
    core = value.lstrip("+").split("T")[0]
    parts = core.split("-")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    year, month, day = parts
    return f"{int(year):04d}-{month if month != '00' else '01'}-{day if day != '00' else '01'}"


def _qualifier(claim: dict, prop: str) -> str | None:
    for q in claim.get("qualifiers", {}).get(prop, []):
        value = (q.get("datavalue") or {}).get("value")
        if isinstance(value, dict):
            return wikidata_date(value.get("time"))
    return None


def _label(entity: dict) -> str | None:
    return ((entity.get("labels") or {}).get("en") or {}).get("value")


def convert(path: Path, known_positions: dict[str, str], known_people: dict[str, str],
            taken_ids: set[str]) -> ImportReport:
    """People of the dump as KB entries. `known_positions` maps position QIDs to office keys,
    `known_people` QIDs to existing entry ids (so an import extends, not duplicates, a built-in person)."""
    entities = list(iter_entities(path))
    labels = {e.get("id"): _label(e) for e in entities if isinstance(e, dict)}
    report = ImportReport()
    for entity in entities:
        if not isinstance(entity, dict) or HUMAN not in _ids(entity, "P31"):
            report.skipped += 1
            continue
        qid, name = entity.get("id"), _label(entity)
        if not qid or not name:
            raise KBError(str(path), f"entity {qid or '?'}: a human without an id or English label")
        ident = known_people.get(qid) or slug(name)
        if qid not in known_people and ident in taken_ids:
            ident = f"{ident}-{qid.lower()}"
        taken_ids.add(ident)
        aliases = [a.get("value") for a in (entity.get("aliases") or {}).get("en", []) if a.get("value")]
        citizenship = [COUNTRY_QIDS[c] for c in _ids(entity, "P27") if c in COUNTRY_QIDS]
        person: dict[str, Any] = {"id": ident, "name": name, "wikidata": qid}
        if aliases:
            person["aliases"] = aliases
        gender = next((GENDERS[g] for g in _ids(entity, "P21") if g in GENDERS), None)
        if gender:
            person["gender"] = gender
        if citizenship:
            person["country"] = citizenship[0]
        offices = []
        for claim in entity.get("claims", {}).get("P39", []):
            value = (claim.get("mainsnak", {}).get("datavalue") or {}).get("value") or {}
            pos = value.get("id") if isinstance(value, dict) else None
            if not pos:
                continue
            report.positions += 1
            office: dict[str, Any] = {"key": known_positions.get(pos, f"wikidata:{pos}"),
                                      "start": _qualifier(claim, "P580"), "end": _qualifier(claim, "P582")}
            if pos not in known_positions:
                report.unknown_positions += 1
                office["title"] = labels.get(pos) or f"Wikidata position {pos}"
                if citizenship:
                    office["country"] = citizenship[0]
            offices.append(office)
        if offices:
            person["offices"] = offices
        report.people.append(person)
    return report


def write_yaml(report: ImportReport, source: Path, target: Path) -> None:
    header = f"# Imported by `newsdesk kb import-wikidata` from {source.name}\n"
    body = yaml.safe_dump({"version": 1, "people": report.people}, sort_keys=False, allow_unicode=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(header + body, encoding="utf-8")
