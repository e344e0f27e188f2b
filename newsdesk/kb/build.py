"""Building a `KnowledgeBase` from parsed documents: office definitions first, then people and
organisations with their office keys resolved; user entries with a built-in id extend that entry."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from newsdesk.kb.countries import CountryTable, build_countries
from newsdesk.kb.load import DATA_DIR, Document, RawEntry, builtin_files, locate, read_builtin, read_file
from newsdesk.kb.model import Entry, KBError, Office
from newsdesk.kb.offices import OfficeDef, OfficeTable
from newsdesk.kb.resolve import KnowledgeBase

# office-key prefixes that are IGOs rather than ISO3 countries, and their CAMEO codes
IGO_PREFIXES = {"UN": "IGOUNO", "EU": "IGOEUREEC", "NATO": "IGOWSTNAT"}


@lru_cache(maxsize=1)
def builtin() -> tuple[CountryTable, tuple[Document, ...], str]:
    """The package's own data, parsed once per process: countries, documents and their digest."""
    demonyms = (DATA_DIR / "demonyms.csv").read_text(encoding="utf-8")
    names = (DATA_DIR / "country_names.csv").read_text(encoding="utf-8")
    ethnic = (DATA_DIR / "ethnic_groups.csv").read_text(encoding="utf-8")
    digest = hashlib.sha256(demonyms.encode() + names.encode() + ethnic.encode())
    digest.update((DATA_DIR / "role_sectors.csv").read_bytes())  # role words' sectors change actor codes too
    documents = read_builtin(builtin_files())
    for d in documents:
        digest.update(d.path.name.encode() + d.digest.encode())
    return build_countries(demonyms, names, ethnic), documents, digest.hexdigest()


def _office_def(key: str, spec: dict, countries: CountryTable, source: str) -> OfficeDef:
    prefix, _, role = key.partition(".")
    country = spec.get("country") or (prefix if prefix in countries.entries else IGO_PREFIXES.get(prefix))
    if not country:
        raise KBError(source, f"offices: {key}: {prefix!r} is neither an ISO3 country nor one of "
                              f"{', '.join(IGO_PREFIXES)}; give country: explicitly")
    also = tuple(spec.get("also") or ())
    qid = spec.get("wikidata")
    return OfficeDef(key=key, title=str(spec["title"]), country=country,
                     sector=spec.get("sector", "GOV") if "sector" in spec else "GOV", role=role,
                     roles=(role, *also), titles=tuple(spec.get("titles") or ()), bare=tuple(spec.get("bare") or ()),
                     leader=bool(spec.get("leader")), wikidata=str(qid) if qid else None,
                     igo=country.startswith("IGO") or prefix in IGO_PREFIXES)


def _merge(old: RawEntry, new: RawEntry) -> RawEntry:
    """A user entry with a built-in id: its aliases and offices are added, its other fields win."""
    seen = {(o.key, o.start) for o in old.offices}
    offices = old.offices + [o for o in new.offices if (o.key, o.start) not in seen]
    aliases = old.aliases + ([old.name] if new.name != old.name else []) + new.aliases
    return RawEntry(old.id, new.name or old.name, new.kind or old.kind, new.source, list(dict.fromkeys(aliases)),
                    new.gender or old.gender, new.wikidata or old.wikidata, new.country or old.country,
                    new.cameo or old.cameo, new.parent or old.parent, offices)


def _office(raw, entry: RawEntry, table: OfficeTable) -> Office:
    d = table.defs.get(raw.key)
    if d is not None:
        return Office(raw.key, d.country, raw.sector or d.sector, raw.start, raw.end, raw.title or d.title, raw.note)
    if raw.title or raw.key.startswith("wikidata:"):
        return Office(raw.key, raw.country or entry.country, raw.sector, raw.start, raw.end,
                      raw.title or raw.key, raw.note)
    raise KBError(locate(entry.source), f"{entry.id}: unknown office key {raw.key!r} (define it under offices: "
                                f"or give the office a title)")


def build(documents: list[Document], countries: CountryTable, version: str, n_builtin: int,
          builtin_version: str | None = None) -> KnowledgeBase:
    table = OfficeTable()
    for doc in documents:
        for role, phrases in doc.roles.items():
            table.add_role(role, phrases)
        for key, spec in doc.offices.items():
            table.add(_office_def(key, spec, countries, str(doc.path)))

    raws: dict[str, RawEntry] = {}
    for n, doc in enumerate(documents):
        for raw in doc.entries:
            if raw.id in countries.entries:
                raise KBError(locate(raw.source), f"id {raw.id!r} is a country code; countries are built in")
            if raw.id in raws:
                if n < n_builtin:
                    raise KBError(locate(raw.source), f"duplicate id {raw.id!r} (also at {raws[raw.id].source})")
                raws[raw.id] = _merge(raws[raw.id], raw)
            else:
                raws[raw.id] = raw

    entries: dict[str, Entry] = dict(countries.entries)
    for raw in raws.values():
        offices = tuple(sorted((_office(o, raw, table) for o in raw.offices), key=lambda o: o.start or ""))
        if raw.kind == "person":
            country = raw.country or next((o.country for o in offices if o.country in countries.entries), None)
            cameo = raw.cameo or country
        elif raw.kind == "igo":
            cameo = raw.cameo or raw.country
            country = cameo
        else:
            country, cameo = raw.country, raw.cameo or raw.country
        if raw.parent and raw.parent not in raws:
            raise KBError(locate(raw.source), f"{raw.id}: parent {raw.parent!r} is not a known organisation id")
        aliases = tuple(a for a in dict.fromkeys(raw.aliases) if a != raw.name)
        entries[raw.id] = Entry(raw.id, raw.name, raw.kind, aliases, country, cameo, offices, raw.gender,
                                raw.wikidata, raw.parent)
    user = documents[n_builtin:]
    return KnowledgeBase(entries, countries, table, version, builtin_version=builtin_version,
                         user_ids=frozenset(raw.id for doc in user for raw in doc.entries),
                         user_offices=frozenset(key for doc in user for key in doc.offices))


def build_kb(paths: list[Path]) -> KnowledgeBase:
    """The built-in data plus the user files in `paths` (in that order)."""
    countries, documents, digest = builtin()
    docs = list(documents)
    h = hashlib.sha256(digest.encode())
    for p in paths:
        doc = read_file(p)
        docs.append(doc)
        h.update(doc.digest.encode())
    return build(docs, countries, h.hexdigest()[:16], len(documents), digest[:16])

