"""The CAMEO event code table and the PLOVER ontology, read once from `data/cameo.csv` and
`data/plover.yaml`: code lookup, Goldstein values, quad classes and the CAMEO -> PLOVER translation."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from newsdesk.errors import NewsdeskError

__all__ = ["CameoCode", "cameo", "cameo_codes", "family_code", "plover_types", "to_plover"]


@dataclass(frozen=True)
class CameoCode:
    code: str  # "0251": always a string, leading zeros kept
    name: str
    goldstein: float
    quad: int  # 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict
    root: str  # "02"
    base: str  # "025" (the 3-digit code; the root for a root)


def _data(name: str):
    return resources.files("newsdesk.code").joinpath("data").joinpath(name)


@lru_cache(maxsize=1)
def cameo_codes() -> dict[str, CameoCode]:
    """Every CAMEO code of the table, by code."""
    out = {}
    with _data("cameo.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["code"].strip()
            out[code] = CameoCode(code, row["name"], float(row["goldstein"]), int(row["quad"]), code[:2],
                                  code[:3] if len(code) > 2 else code)
    return out


@lru_cache(maxsize=1)
def _plover() -> dict:
    import yaml

    with _data("plover.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def plover_types() -> dict[str, dict]:
    """PLOVER type -> {"quad": int, "modes": [...]}."""
    return _plover()["types"]


def cameo(code: str) -> CameoCode:
    """The table entry of a CAMEO code ("0251"); raises NewsdeskError for a code not in the table."""
    hit = cameo_codes().get(str(code).strip())
    if hit is None:
        raise NewsdeskError(f"unknown CAMEO event code {code!r}: codes are strings such as '0251' "
                            "(see newsdesk/code/data/cameo.csv)")
    return hit


def _longest(table: dict, code: str):
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None


def to_plover(code: str) -> tuple[str, str | None]:
    """(PLOVER type, mode) of a CAMEO code; ("", None) for public statements (01), which PLOVER drops."""
    hit = _longest(_plover()["cameo_to_plover"], str(code).strip())
    if hit is None:
        raise NewsdeskError(f"no PLOVER type for CAMEO code {code!r}")
    return hit[0] or "", hit[1]


_ENACTED = {"09", "16", "17", "18", "19", "20"}  # roots an order enacts


def family_code(family: str, action: str | None) -> str:
    """The code of an intent / threat / demand / appeal / rejection governing an action coded `action`:
    family_code("threaten", "163") -> "1312"; the family's general code when the action is unknown."""
    if family == "enact":
        # an authority's order of an investigation or a material act is that act ("ordered the arrest of",
        # "ordered an inquiry into", "ordered sanctions on"); of anything else a demand ("ordered him to appear")
        if action and action[:2] in _ENACTED:
            return action
        family = "demand"
    fam = _plover()["families"][family]
    return (_longest(fam["by_action"], action) if action else None) or fam["code"]
