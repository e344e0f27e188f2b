"""Countries: every ISO 3166 country from pycountry, with the common names, demonyms and capital-city
metonyms of `data/country_names.csv` and `data/demonyms.csv`, indexed by normalised surface form."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from newsdesk.kb.model import Entry
from newsdesk.kb.names import normalise


@dataclass
class CountryTable:
    """Country entries and the surface forms that name them: `names` (names, common names, demonyms)
    and `metonyms` (capitals and seats of government, "Moscow" for Russia's government)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    metonyms: dict[str, str] = field(default_factory=dict)
    metonym_surfaces: dict[str, list[str]] = field(default_factory=dict)
    adjectives: dict[str, str] = field(default_factory=dict)  # iso3 -> main adjective ("Danish")
    ethnic: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "kurds" -> ("IRQ", "TUR", ...)
    codes2: dict[str, str] = field(default_factory=dict)  # alpha-2 -> alpha-3

    def resolve(self, text: str, metonyms: bool = True, codes: bool = True) -> str | None:
        """ISO3 for a country name, common name, demonym, code (unless `codes=False`: in running text
        "BLM" is an acronym, not Saint Barthélemy) or (with `metonyms`) capital; else None."""
        stripped = text.strip()
        if codes and stripped.isupper() and stripped.isalpha():  # codes only when written as codes: "RUS"
            if len(stripped) == 3 and stripped in self.entries:
                return stripped
            if len(stripped) == 2 and stripped in self.codes2:
                return self.codes2[stripped]
        key = normalise(text)
        iso = self.names.get(key)
        if iso is None and metonyms:
            iso = self.metonyms.get(key)
        return iso

    def ethnic_countries(self, text: str) -> tuple[str, ...]:
        """Countries an ethnic group without a state of its own lives in ("Kurdish" -> IRQ, TUR, SYR, IRN),
        the most often meant first; () for anything else."""
        return self.ethnic.get(normalise(text), ())

    def short_name(self, iso3: str) -> str:
        entry = self.entries.get(iso3)
        return entry.name if entry is not None else iso3


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split("|") if p.strip()]


def _inverted(name: str) -> str | None:
    """"Korea, Republic of" -> "Republic of Korea"; names whose comma is a list are left alone."""
    head, _, tail = name.partition(", ")
    if tail and (tail.endswith(" of") or tail.endswith(" of the")):
        return f"{tail} {head}"
    return None


def iso3166() -> list[dict[str, str]]:
    """pycountry's ISO 3166-1 records, read from its JSON database without importing the package
    (whose import costs more than the whole knowledge base otherwise takes to load)."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("pycountry")
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location) / "databases" / "iso3166-1.json"
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))["3166-1"]
    import pycountry  # a layout we do not know: fall back to the package's API

    return [{k: getattr(c, k) for k in ("alpha_2", "alpha_3", "name", "official_name", "common_name")
             if hasattr(c, k)} for c in pycountry.countries]


def build_countries(demonyms_csv: str, names_csv: str, ethnic_csv: str = "") -> CountryTable:
    table = CountryTable()
    for row in csv.DictReader(io.StringIO(ethnic_csv)):
        for name in _split(row["names"]):
            table.ethnic[normalise(name)] = tuple(_split(row["countries"]))
    extra: dict[str, list[str]] = {}
    canonical: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(names_csv)):
        iso, kind, name = row["iso3"], row["kind"], row["name"]
        if kind == "canonical":
            canonical[iso] = name
        elif kind == "name":
            extra.setdefault(iso, []).append(name)
        elif kind == "capital":
            table.metonyms.setdefault(normalise(name), iso)
            table.metonym_surfaces.setdefault(iso, []).append(name)
    demonyms: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(demonyms_csv)):
        adjectives = _split(row["adjectives"])
        demonyms[row["iso3"]] = adjectives + _split(row["person"]) + _split(row["plural"])
        if adjectives:
            table.adjectives[row["iso3"]] = adjectives[0]

    official: dict[str, list[str]] = {}
    for c in iso3166():
        forms = [c.get("common_name"), c["name"], c.get("official_name")]
        forms += [_inverted(f) for f in forms if f]
        official[c["alpha_3"]] = list(dict.fromkeys(f for f in forms if f))
        table.codes2[c["alpha_2"]] = c["alpha_3"]
    for iso in extra:
        official.setdefault(iso, [])

    # priority: hand-written names, then ISO names, then demonyms (setdefault keeps the first)
    for source in (extra, official, demonyms):
        for iso, forms in source.items():
            for form in forms:
                table.names.setdefault(normalise(form), iso)
    for iso in official:
        forms = list(dict.fromkeys(official[iso] + extra.get(iso, []) + demonyms.get(iso, [])))
        name = canonical.get(iso) or (official[iso][0] if official[iso] else forms[0])
        aliases = tuple(f for f in forms if f != name)
        table.entries[iso] = Entry(id=iso, name=name, kind="country", aliases=aliases, country=iso, cameo=iso)
    return table
