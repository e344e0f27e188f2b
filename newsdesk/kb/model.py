"""The knowledge base's records: `Entry` (a person, organisation, IGO or country) and the `Office`s a person
holds, with ISO-8601 validity ranges; and `KBError`, raised for a bad data file."""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.errors import InputError

KINDS = ("person", "org", "igo", "country")
SECTORS = ("GOV", "DIP", "MIL", "LEG", "JUD", "OPP", "COP", "BUS", "MED", "CVL", "NGO", "REB", "INS", "IGO")


class KBError(InputError):
    """A knowledge-base file that cannot be used; the message names the file, the line or entry, the problem."""


@dataclass(frozen=True)
class Office:
    """One term in one office. `country` is an ISO3 code, or a CAMEO IGO code for posts of an IGO
    ("IGOUNO" for the UN Secretary-General); `sector` is a CAMEO sector (None for IGO posts);
    `start`/`end` are ISO dates, `end` None while the term lasts; `note` says "acting" or "approximate"."""

    key: str
    country: str
    sector: str | None
    start: str | None
    end: str | None
    title: str
    note: str | None = None

    def valid_at(self, date: str) -> bool:
        """True when `date` (ISO, any precision: "2022", "2022-03", "2022-03-01") falls within the term;
        the end date itself belongs to the successor."""
        day = (date + "-01-01"[len(date) - 4:]) if len(date) < 10 else date[:10]
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Entry:
    """A person, organisation ("org"), intergovernmental organisation ("igo") or country.

    `country` is the ISO3 code (a person's country of citizenship, an org's home country) or, for an IGO,
    its CAMEO code; `cameo` the actor code of the entry itself ("RUS", "IGOUNO", "USAGOV")."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    country: str | None
    cameo: str | None
    offices: tuple[Office, ...] = ()
    gender: str | None = None
    wikidata: str | None = None
    parent: str | None = None
