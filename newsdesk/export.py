"""The store's own export formats: JSONL (the stable machine interface, schema in docs/exports.md), CSV,
event mentions as CSV and consolidated events as JSONL, streamed with no size cap; and `write_file`, which
writes to a temporary file beside the target and renames it over it. Formats are looked up in the one
registry, `newsdesk.exporters` (`EXPORTERS` and `exporter` here are that registry's)."""

from __future__ import annotations

import csv
import json
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from newsdesk.errors import NewsdeskError, printable
from newsdesk.exporters import EXPORTERS, exporter
from newsdesk.exporters.event_records import first_day
from newsdesk.exporters.schema import CSV_COLUMNS, JSONL_KEYS
from newsdesk.store import Store

__all__ = ["CSV_COLUMNS", "EXPORTERS", "JSONL_KEYS", "export_csv", "export_event_mentions_csv", "export_events_jsonl",
           "export_jsonl", "exporter", "spreadsheet_safe", "write_file"]

# list-valued columns hold JSON text (the JSONL export's value), so no field is lost or flattened ambiguously
_CSV_JSON = frozenset({"actors", "quotes", "places", "timexes", "events", "event_ids", "story_ids"})


def export_jsonl(store: Store, out: TextIO) -> int:
    n = 0
    for rec in store.iter_export():
        obj: dict[str, Any] = {k: rec.get(k) for k in JSONL_KEYS}
        obj["sources"] = [{k: s.get(k) for k in ("source", "external_id", "url", "outlet")} for s in rec["sources"]]
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        n += 1
    return n


# a text cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (OWASP "CSV
# injection"): such cells get a leading `'`, which spreadsheets show as text; numbers are left alone
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """`value`, with a `'` before a text that a spreadsheet would run as a formula (`=HYPERLINK(...)`)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _csv_cell(column: str, value: Any) -> Any:
    if column in _CSV_JSON:
        return json.dumps(value if value is not None else [], ensure_ascii=False)
    return "" if value is None else spreadsheet_safe(value)


def export_csv(store: Store, out: TextIO) -> int:
    """The JSONL export's fields, one row per source, with a header: `removed` and `sources` replaced by
    `n_removed`; list-valued fields as JSON text."""
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    n = 0
    for rec in store.iter_export():
        rec = dict(rec, n_removed=len(rec.get("removed") or []))
        w.writerow([_csv_cell(c, rec.get(c)) for c in CSV_COLUMNS])
        n += 1
    return n


EVENT_MENTIONS_CSV_COLUMNS = (
    "GlobalEventID", "Day", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code", "EventCode", "EventBaseCode",
    "EventRootCode", "QuadClass", "GoldsteinScale", "ActionGeo_FullName", "ActionGeo_CountryCode",
    "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL", "PLOVER", "PLOVERMode", "DateInferred", "Confidence",
    "Sentence", "Date",
)


def _actor_cols(side: dict[str, Any] | None) -> list[Any]:
    if not side:
        return ["", "", "", ""]
    country, sector = side.get("country") or "", side.get("sector") or ""
    code = country if country.startswith("IGO") or sector in country else country + sector
    return [code, side.get("name") or side.get("text") or "", country, sector]


def _day(value: str | None) -> str:
    """GDELT's Day (YYYYMMDD) of a TIMEX3-style date: a date coarser than a day (`2025-W14-WE`, `2025-04`)
    gives its first day (the `Date` column keeps the value as coded); empty when no day fits (a season)."""
    d = first_day(value)
    return d.strftime("%Y%m%d") if d else ""


def export_event_mentions_csv(store: Store, out: TextIO) -> int:
    """One row per coded event mention, in GDELT-like columns (header included; codes as strings)."""
    w = csv.writer(out)
    w.writerow(EVENT_MENTIONS_CSV_COLUMNS)
    n = 0
    for e in store.list_events(limit=10**12):
        code = e["cameo"] or ""
        place = e.get("place") or {}
        row = [f"{e['article_id']}-{n}", _day(e["date"]),
               *_actor_cols(e["source"]), *_actor_cols(e["target"]), code, code[:3], code[:2],
               e["quad_class"], e["goldstein"], place.get("name") or "", place.get("country") or "",
               place.get("lat") if place.get("lat") is not None else "",
               place.get("lon") if place.get("lon") is not None else "", e.get("url") or "",
               e["plover"] or "", e["plover_mode"] or "", int(e["date_inferred"]), e["confidence"], e["sentence"],
               e["date"]]
        w.writerow(["" if v is None else spreadsheet_safe(v) for v in row])
        n += 1
    return n


def export_events_jsonl(store: Store, out: TextIO) -> int:
    """One consolidated record per clustered event."""
    n = 0
    for event in store.clustered_events(limit=10**12):
        rec = replace(store.consolidated_event(event.id), story_id=event.story_id)
        out.write(json.dumps(rec.to_dict(), ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "a special file (device, FIFO or socket)"


def _target_mode(path: Path) -> int | None:
    """The permission bits of the regular file at `path`, None when nothing is there; anything else (a
    directory, a symbolic link, a device such as /dev/full, a FIFO) is refused rather than replaced."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:  # ValueError: a NUL in the path
        raise NewsdeskError(f"cannot write {printable(str(path))}: {getattr(e, 'strerror', None) or e}") from None
    if not stat.S_ISREG(st.st_mode):
        raise NewsdeskError(f"{printable(str(path))} is {_what(st.st_mode)}, not a regular file: "
                            "give --out a new file or a regular file to replace")
    return stat.S_IMODE(st.st_mode)


def write_file(path: str | os.PathLike, write: Callable[[TextIO], int]) -> int:
    """Run `write` on a new temporary file created exclusively (O_EXCL, mode 0600) in `path`'s directory, then
    rename it over `path`, which must be absent or a regular file: a reader never sees half a file, a failed
    export leaves the old one, and no planted name (`OUT.part` as a symlink) is followed. Returns `write`'s
    count; every path or disk error is one `NewsdeskError` line."""
    path = Path(path)
    shown = printable(str(path))
    mode = _target_mode(path)
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".part")
    except (OSError, ValueError) as e:
        why = "no such directory" if isinstance(e, FileNotFoundError) else getattr(e, "strerror", None) or e
        raise NewsdeskError(f"cannot write {shown}: {why} ({printable(str(directory))})") from None
    try:
        if mode is None:  # a new file gets the usual permissions, not mkstemp's 0600
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        with open(fd, "w", encoding="utf-8", newline="") as f:
            os.fchmod(f.fileno(), mode)
            n = write(f)
        _target_mode(path)  # again just before the rename: something may have been put there meanwhile
        os.replace(tmp, path)
    except OSError as e:
        raise NewsdeskError(f"cannot write {shown}: {e.strerror or e}") from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    return n
