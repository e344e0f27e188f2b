"""Office definitions (`data/offices.yaml`) and title phrases: which offices a phrase such as "Russia's
foreign minister", "the US secretary of state" or "foreign minister of Ukraine" names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from newsdesk.kb.names import normalise

_FILLERS = {"current", "incumbent", "new", "sitting", "serving"}


@dataclass(frozen=True)
class OfficeDef:
    key: str  # "GBR.foreign_minister"
    title: str
    country: str  # ISO3 or a CAMEO IGO code
    sector: str | None
    role: str  # "foreign_minister"
    roles: tuple[str, ...]  # role and `also`
    titles: tuple[str, ...] = ()
    bare: tuple[str, ...] = ()
    leader: bool = False
    wikidata: str | None = None
    igo: bool = False  # IGO posts: titles are complete phrases


@dataclass
class OfficeTable:
    defs: dict[str, OfficeDef] = field(default_factory=dict)
    role_phrases: dict[str, list[str]] = field(default_factory=dict)  # role -> generic phrases
    _by_title: dict[str, set[str]] = field(default_factory=dict)  # country-specific title -> keys
    _by_role_phrase: dict[str, set[str]] = field(default_factory=dict)  # generic phrase -> roles
    _bare: dict[str, set[str]] = field(default_factory=dict)  # title without country -> keys
    _full: dict[str, set[str]] = field(default_factory=dict)  # IGO title -> keys
    _by_country: dict[str, list[OfficeDef]] = field(default_factory=dict)

    def add(self, d: OfficeDef) -> None:
        self.defs[d.key] = d
        self._by_country.setdefault(d.country, []).append(d)
        for t in d.titles:
            (self._full if d.igo else self._by_title).setdefault(normalise(t), set()).add(d.key)
        for t in d.bare:
            self._bare.setdefault(normalise(t), set()).add(d.key)

    def add_role(self, role: str, phrases: list[str]) -> None:
        self.role_phrases.setdefault(role, []).extend(phrases)
        for p in phrases:
            self._by_role_phrase.setdefault(normalise(p), set()).add(role)

    def by_wikidata(self) -> dict[str, str]:
        return {d.wikidata: d.key for d in self.defs.values() if d.wikidata}

    def keys_for(self, title: str, country: str) -> set[str]:
        """Offices of `country` that the normalised `title` names."""
        offices = self._by_country.get(country, [])
        keys = {k for k in self._by_title.get(title, ()) if self.defs[k].country == country}
        roles = self._by_role_phrase.get(title, set())
        keys |= {d.key for d in offices if roles & set(d.roles)}
        if title == "leader":
            keys |= {d.key for d in offices if d.leader}
        return keys

    def match(self, phrase: str, hint: str | None, country_of: Callable[[str], str | None]) -> set[str]:
        """Office keys a role phrase names. A country named in the phrase wins over `hint`; without either,
        only titles that name one office anywhere ("Foreign Secretary", "UN Secretary-General") match."""
        tokens = [t for t in normalise(phrase).split() if t not in _FILLERS]
        text = " ".join(tokens)
        if text in self._full:
            return set(self._full[text])
        for length in range(len(tokens) - 1, 0, -1):  # longest country reference first
            for i in range(len(tokens) - length + 1):
                iso = country_of(" ".join(tokens[i:i + length]))
                if iso is None:
                    continue
                rest = tokens[:i] + tokens[i + length:]
                j = i
                while j > 0 and rest[j - 1] in ("the", "of"):  # "president of the united states"
                    del rest[j - 1]
                    j -= 1
                keys = self.keys_for(" ".join(rest), iso)
                if keys:
                    return keys
        if hint:
            keys = self.keys_for(text, hint)
            if keys:
                return keys
        return set(self._bare.get(text, ()))

    def titles_for(self, key: str, adjective: str | None, country_name: str) -> list[str]:
        """Every phrase that names office `key`, generated from its titles, its roles' generic phrases and
        the country's demonym: "Danish foreign minister", "Denmark's foreign minister", ..."""
        d = self.defs[key]
        if d.igo:
            return list(d.titles)
        base = list(d.titles) + [p for r in d.roles for p in self.role_phrases.get(r, [])]
        if d.leader:
            base.append("leader")
        out = list(d.bare)
        for t in dict.fromkeys(base):
            if adjective:
                out.append(f"{adjective} {t}")
            out += [f"{country_name}'s {t}", f"{t} of {country_name}"]
        return list(dict.fromkeys(out))
