"""The `KnowledgeBase`: look up names (exact, then transliteration-aware fuzzy), countries, office holders
at a date, and CAMEO actor codes with validity ranges."""

from __future__ import annotations

from collections.abc import Iterator

from rapidfuzz import fuzz, process

from newsdesk.kb.countries import CountryTable
from newsdesk.kb.model import Entry, Office
from newsdesk.kb.names import normalise, skeleton
from newsdesk.kb.offices import OfficeTable

_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "madam", "lord", "lady", "prof", "professor",
               "president", "premier", "chancellor", "minister", "secretary", "ambassador", "king", "queen",
               "prince", "sheikh", "ayatollah", "general", "gen", "senator", "sen", "rep", "mp"}
_FUZZY_CUTOFF = 88.0
_FUZZY_SURNAME_CUTOFF = 95.0  # a surname alone is short: "Mitchell" is not "Michel" (92)


class KnowledgeBase:
    """Resolution over a loaded knowledge base; build one with `load_kb()`.

    Dates are ISO strings ("2022-03-01"; "2022-03" and "2022" mean their first day). A `date` of None in
    `office_holder` means the most recent holder (the incumbent if the office is filled): fine for "who is
    X now", unreliable for old articles, so pass the article's date whenever there is one."""

    def __init__(self, entries: dict[str, Entry], countries: CountryTable, offices: OfficeTable,
                 version: str, *, builtin_version: str | None = None, user_ids: frozenset[str] = frozenset(),
                 user_offices: frozenset[str] = frozenset()) -> None:
        self.version = version
        self.builtin_version = builtin_version or version  # the package's data alone
        self.user_ids = user_ids  # entries that user files add or extend
        self.user_offices = user_offices  # offices that user files define
        self.entries = entries
        self.countries = countries
        self.offices = offices
        self._exact: dict[str, list[str]] = {}
        self._skeletons: dict[str, set[str]] = {}
        self._surnames: dict[str, set[str]] = {}
        self._holders: dict[str, list[tuple[Entry, Office]]] = {}
        for entry in entries.values():
            if entry.kind == "country":
                continue
            for form in (entry.name, *entry.aliases):
                ids = self._exact.setdefault(normalise(form), [])
                if entry.id not in ids:
                    ids.append(entry.id)
            if entry.kind == "person":
                self._index_person(entry)
        self._fuzzy_keys = [k for k in self._skeletons if " " in k]

    def _index_person(self, entry: Entry) -> None:
        for form in (entry.name, *entry.aliases):
            key = skeleton(form)
            self._skeletons.setdefault(key, set()).add(entry.id)
            tokens = key.split()
            suffixes = {" ".join(tokens[i:]) for i in range(1, len(tokens))}
            if entry.country in ("CHN", "KOR", "PRK", "TWN", "VNM") and len(tokens) > 1:
                # family name first in Chinese and Korean, and often cited alone; the given name's
                # last syllable is no surname ("Lee Myung-bak" is not "Bak")
                suffixes = {tokens[0]}
            elif entry.country == "JPN" and len(tokens) > 1:
                suffixes.add(tokens[0])  # Japanese names appear in either order
            for s in suffixes:
                self._surnames.setdefault(s, set()).add(entry.id)
        for office in entry.offices:
            self._holders.setdefault(office.key, []).append((entry, office))

    # --- entries ---------------------------------------------------------------------------------------
    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id ("sergey-lavrov", "nato", "RUS"), or None."""
        return self.entries.get(entry_id)

    def __len__(self) -> int:
        return len(self.entries)

    def _choose(self, ids, date: str | None) -> Entry | None:
        ids = list(dict.fromkeys(ids))
        if len(ids) == 1:
            return self.entries[ids[0]]
        if date and ids:
            active = [i for i in ids if any(o.valid_at(date) for o in self.entries[i].offices)]
            if len(active) == 1:
                return self.entries[active[0]]
        return None

    def lookup(self, name: str, date: str | None = None) -> Entry | None:
        """The person, organisation, IGO or country a name refers to, or None when unknown or ambiguous.

        Tried in order: an exact alias after normalisation (case, diacritics, apostrophes, "the",
        possessive 's); a country name or demonym (not a capital: "London" stays a place); the transliteration skeleton
        ("Sergei Lavrov" = "Sergey Lavrov"); a surname alone ("Zelenskiy"), only when one person has it
        (or, given `date`, only one of them is in office then); a fuzzy match of a full person name; and,
        given `date`, a role phrase ("Russia's foreign minister") resolved to its holder."""
        key = normalise(name)
        if not key:
            return None
        if key in self._exact:
            return self._choose(self._exact[key], date)
        # "Moscow" is a place here (see country()); a name is never an ISO code ("BLM" is an acronym)
        iso = self.countries.resolve(name, metonyms=False, codes=False)
        if iso:
            return self.entries.get(iso)
        tokens = key.split()
        while len(tokens) > 1 and tokens[0] in _HONORIFICS:
            tokens = tokens[1:]
        stripped = " ".join(tokens)
        if stripped != key and stripped in self._exact:
            return self._choose(self._exact[stripped], date)
        skel = skeleton(stripped)
        for index in (self._skeletons, self._surnames):
            if skel in index:
                return self._choose(index[skel], date)
        hit = self._fuzzy(skel, date)
        if hit is None and date:
            holder = self.office_holder(name, date)
            hit = holder[0] if holder else None
        return hit

    def _fuzzy(self, skel: str, date: str | None) -> Entry | None:
        if " " in skel:
            keys, index = self._fuzzy_keys, self._skeletons
        else:
            keys, index = [k for k in self._surnames if " " not in k], self._surnames
        cutoff = _FUZZY_CUTOFF if " " in skel else _FUZZY_SURNAME_CUTOFF
        found = process.extract(skel, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8)
        if not found:
            return None
        best = found[0][1]
        last = skel.split()[-1]
        ids = set()
        for key, score, _ in found:
            if score >= best - 3 and key.split()[-1][:1] == last[:1]:
                ids |= index[key]
        return self._choose(ids, date)

    # --- countries -------------------------------------------------------------------------------------
    def country(self, text: str, metonyms: bool = True) -> str | None:
        """ISO3 for a country name ("Russia", "the United States", "UK"), demonym ("Danish", "Britons"),
        possessive ("Ukraine's", "Russia’s"), code ("RUS", "DK") or, unless `metonyms=False`, a capital
        or seat of government used as a metonym ("Moscow", "Kremlin"). Pass `metonyms=False` for a span
        that may be a place ("talks in London"), True for a modifier or actor ("Moscow's envoy")."""
        return self.countries.resolve(text, metonyms=metonyms)

    def ethnic_countries(self, text: str) -> tuple[str, ...]:
        """ISO3 codes of the countries a stateless ethnic group lives in ("Kurds" -> IRQ, TUR, SYR, IRN),
        the most often meant first; () when `text` names none."""
        return self.countries.ethnic_countries(text)

    # --- offices ---------------------------------------------------------------------------------------
    def office_holder(self, phrase: str, date: str | None,
                      country: str | None = None) -> tuple[Entry, Office] | None:
        """The person holding the office a role phrase names, at `date`, and that term.

        "Russia's foreign minister", "the Ukrainian President", "foreign minister of Denmark", "the US
        secretary of state", "UK Foreign Secretary". A country in the phrase wins; else `country` (ISO3,
        e.g. from the article's context) is used; titles that exist in one country only ("the Foreign
        Secretary" -> GBR, "Secretary of State" -> USA) need neither. With `date` None: the most recent
        holder (see the class docstring)."""
        keys = self.offices.match(phrase, country, self.countries.resolve)
        terms = [t for k in sorted(keys) for t in self._holders.get(k, [])]
        if date:
            terms = [t for t in terms if t[1].valid_at(date)]
        if not terms:
            return None
        # substantive before acting, then the latest start: the incumbent when date is None, and the
        # successor when a predecessor's end date is missing
        return max(terms, key=lambda t: ("acting" not in (t[1].note or ""), t[1].start or ""))

    def roles_at(self, entry: Entry, date: str | None) -> tuple[Office, ...]:
        """Offices `entry` holds at `date`, latest start first; all of them when `date` is None."""
        offices = entry.offices if date is None else [o for o in entry.offices if o.valid_at(date)]
        return tuple(sorted(offices, key=lambda o: o.start or "", reverse=True))

    def actor_code(self, entry: Entry, date: str | None) -> tuple[str | None, str | None]:
        """(country ISO3 or IGO code, CAMEO sector) for `entry` at `date`.

        A person is e.g. ("RUS", "GOV") only while in office; outside every term ("RUS", None). With
        `date` None the offices still held (end null) count. IGOs give (their code, None), countries
        (ISO3, None), national bodies their code split ("USAMIL" -> ("USA", "MIL")). An undated text about
        someone out of office names them by their last office ("Kofi Annan" -> "IGOUNO"): a
        historical figure is quoted in that role far more often than as a private citizen."""
        if entry.kind == "person":
            if date:
                held = self.roles_at(entry, date)
            else:
                every = self.roles_at(entry, None)
                held = tuple(o for o in every if o.end is None)
                if not held and every:
                    return every[0].country, every[0].sector
            if held:
                return held[0].country, held[0].sector
            return entry.country, None
        if entry.kind == "org" and entry.cameo and entry.country and entry.cameo.startswith(entry.country):
            return entry.country, entry.cameo[3:6] or None
        return (entry.cameo or entry.country), None

    def office_titles(self, key: str) -> list[str]:
        """Phrases naming office `key`, generated from its titles, role phrases and the country's demonym."""
        d = self.offices.defs[key]
        return self.offices.titles_for(key, self.countries.adjectives.get(d.country),
                                       self.countries.short_name(d.country))

    # --- matching --------------------------------------------------------------------------------------
    def patterns(self, metonyms: bool = False) -> Iterator[tuple[str, str]]:
        """(surface alias, entry id) for every name and alias: input for a spaCy PhraseMatcher or
        EntityRuler. Capital-city metonyms ("Moscow" -> "RUS") only with `metonyms=True`: as places they
        belong to the gazetteer."""
        for entry in self.entries.values():
            for form in dict.fromkeys((entry.name, *entry.aliases)):
                yield form, entry.id
        if metonyms:
            for iso, forms in self.countries.metonym_surfaces.items():
                for form in forms:
                    yield form, iso

    def holders(self, key: str) -> list[tuple[Entry, Office]]:
        """Every term of office `key`, in order of start."""
        return sorted(self._holders.get(key, []), key=lambda t: t[1].start or "")
