"""Reading knowledge-base files: the built-in data under `kb/data/` and user files (YAML or CSV) in
$NEWSDESK_KB_DIR. Every problem raises `KBError` naming the file, the line or entry, and what is wrong."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import marshal
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newsdesk.kb.model import KINDS, SECTORS, KBError

DATA_DIR = Path(__file__).parent / "data"
USER_SUFFIXES = (".yaml", ".yml", ".csv")
CSV_COLUMNS = ("kind", "id", "name", "aliases", "gender", "wikidata", "country", "cameo", "parent",
               "office", "title", "sector", "start", "end", "note")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QID = re.compile(r"^Q\d+$")
_KEY = re.compile(r"^[A-Za-z]{2,4}\.[a-z_]+$|^wikidata:Q\d+$")
_GENDERS = {"m": "male", "male": "male", "f": "female", "female": "female"}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader with only null, bool and int implicit types: dates stay ISO strings (validated by
    `_iso`), and skipping the other resolvers halves the load time of the built-in data."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag.endswith((":null", ":bool", ":int"))]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class RawOffice:
    key: str
    start: str | None
    end: str | None
    note: str | None = None
    title: str | None = None
    country: str | None = None
    sector: str | None = None


@dataclass
class RawEntry:
    """A person or organisation as read from one file, before office keys are resolved."""

    id: str
    name: str
    kind: str
    source: str  # "file:line" for messages
    aliases: list[str] = field(default_factory=list)
    gender: str | None = None
    wikidata: str | None = None
    country: str | None = None
    cameo: str | None = None
    parent: str | None = None
    offices: list[RawOffice] = field(default_factory=list)


@dataclass
class Document:
    """What one file contributes: office definitions, role phrases, entries."""

    path: Path
    digest: str
    offices: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, list[str]] = field(default_factory=dict)
    entries: list[RawEntry] = field(default_factory=list)


def _iso(value: Any, where: str, what: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not _DATE.match(text):
        raise KBError(where, f"{what} {text!r} is not an ISO date (YYYY-MM-DD)")
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise KBError(where, f"{what} {text!r} is not a real date") from None
    return text


def _office(spec: Any, where: str) -> RawOffice:
    if isinstance(spec, list | tuple):
        if not 2 <= len(spec) <= 4:
            raise KBError(where, "an office is [key, start, end] or [key, start, end, note]")
        spec = dict(zip(("key", "start", "end", "note"), spec, strict=False))
    if not isinstance(spec, dict):
        raise KBError(where, "an office must be a list [key, start, end] or a mapping with key/start/end")
    key = str(spec.get("key") or spec.get("office") or "").strip()
    if not key:
        raise KBError(where, "office without a key (e.g. GBR.foreign_minister)")
    if not _KEY.match(key):
        raise KBError(where, f"office key {key!r} is not COUNTRY.role (e.g. GBR.foreign_minister) or wikidata:QID")
    start, end = _iso(spec.get("start"), where, "start"), _iso(spec.get("end"), where, "end")
    if start and end and end < start:
        raise KBError(where, f"office {key}: end {end} is before start {start}")
    sector = spec.get("sector") or None
    if sector is not None and sector not in SECTORS:
        raise KBError(where, f"office {key}: unknown sector {sector!r} (one of {', '.join(SECTORS)})")
    note = spec.get("note")
    return RawOffice(key, start, end, str(note) if note else None, spec.get("title") or None,
                     spec.get("country") or None, sector)


def _entry(item: Any, default_kind: str, where: str) -> RawEntry:
    if not isinstance(item, dict):
        raise KBError(where, "an entry must be a mapping with at least id and name")
    ident, name = str(item.get("id") or "").strip(), str(item.get("name") or "").strip()
    if not name:
        raise KBError(where, f"entry {ident or '?'} has no name")
    if not ident:
        raise KBError(where, f"entry {name!r} has no id (a slug such as {name.lower().replace(' ', '-')!r})")
    kind = str(item.get("kind") or default_kind)
    if kind not in KINDS or kind == "country":
        raise KBError(where, f"{ident}: kind {kind!r} is not person, org or igo")
    aliases = item.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [a.strip() for a in aliases.split("|") if a.strip()]
    if not isinstance(aliases, list):
        raise KBError(where, f"{ident}: aliases must be a list")
    gender = item.get("gender")
    if gender is not None:
        gender = _GENDERS.get(str(gender).lower(), str(gender).lower())
    qid = item.get("wikidata")
    if qid is not None and not _QID.match(str(qid)):
        raise KBError(where, f"{ident}: wikidata {qid!r} is not a QID such as Q7747")
    offices = item.get("offices") or []
    if not isinstance(offices, list):
        raise KBError(where, f"{ident}: offices must be a list")
    raw = RawEntry(ident, name, kind, where, [str(a) for a in aliases], gender, str(qid) if qid else None,
                   item.get("country") or None, item.get("cameo") or None, item.get("parent") or None)
    for n, spec in enumerate(offices, 1):
        try:
            raw.offices.append(_office(spec, where))
        except KBError as e:
            raise KBError(where, f"{ident}: office {n}: {e.problem}") from None
    if kind != "person" and not raw.cameo and not raw.country:
        raise KBError(where, f"{ident}: an organisation needs a cameo code or a country")
    return raw


def _item_lines(text: str, section: str) -> list[int]:
    """1-based line of each item of a top-level YAML list (only computed when an error is reported)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    for k, v in getattr(node, "value", []):
        if getattr(k, "value", None) == section and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


def locate(source: str) -> str:
    """"file.yaml:people[3]" -> "file.yaml:41" (the item's line); other sources are returned as they are.
    Done only when reporting an error, so that loading never pays for line numbers."""
    m = re.match(r"^(.*):(\w+)\[(\d+)\]$", source)
    if not m:
        return source
    path, section, n = Path(m.group(1)), m.group(2), int(m.group(3))
    try:
        lines = _item_lines(path.read_text(encoding="utf-8"), section)
    except OSError:
        return source
    return f"{path}:{lines[n - 1]}" if n <= len(lines) else str(path)


def read_yaml(path: Path, data: bytes | None = None) -> Document:
    data = path.read_bytes() if data is None else data
    text = data.decode("utf-8")
    try:
        doc = yaml.load(text, Loader=_Loader) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise KBError(where, f"not valid YAML: {getattr(e, 'problem', None) or e}") from None
    if not isinstance(doc, dict):
        raise KBError(str(path), "expected a mapping with people:, organisations: and/or offices:")
    known = {"version", "people", "organisations", "organizations", "offices", "roles"}
    unknown = set(doc) - known
    if unknown:
        raise KBError(str(path), f"unknown top-level key(s) {', '.join(sorted(map(str, unknown)))} "
                                 f"(expected {', '.join(sorted(known))})")
    out = Document(path, hashlib.sha256(data).hexdigest())
    for section, kind in (("people", "person"), ("organisations", "igo"), ("organizations", "igo")):
        items = doc.get(section) or []
        if not isinstance(items, list):
            raise KBError(str(path), f"{section}: must be a list of entries")
        for n, item in enumerate(items):
            try:
                out.entries.append(_entry(item, kind, f"{path}:{section}[{n + 1}]"))
            except KBError as e:
                raise KBError(locate(e.source), f"{section} entry {n + 1}: {e.problem}") from None
    offices = doc.get("offices") or {}
    if not isinstance(offices, dict):
        raise KBError(str(path), "offices: must map office keys to their definitions")
    for key, spec in offices.items():
        if not _KEY.match(str(key)) or not isinstance(spec, dict) or not spec.get("title"):
            raise KBError(str(path), f"offices: {key!r} must be COUNTRY.role with at least a title")
        out.offices[str(key)] = spec
    out.roles = {str(k): [str(p) for p in v] for k, v in (doc.get("roles") or {}).items()}
    return out


def read_csv(path: Path, data: bytes | None = None) -> Document:
    """One row per person-office (or per organisation); rows sharing an id are one entry.
    Columns (header required): kind,id,name,aliases,gender,wikidata,country,cameo,parent,office,title,
    sector,start,end,note — aliases separated by "|"; only id and name are required."""
    data = path.read_bytes() if data is None else data
    out = Document(path, hashlib.sha256(data).hexdigest())
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    header = reader.fieldnames or []
    if "id" not in header or "name" not in header:
        raise KBError(f"{path}:1", f"CSV header must name at least id and name (columns: {', '.join(CSV_COLUMNS)})")
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        raise KBError(f"{path}:1", f"unknown column(s) {', '.join(unknown)} (columns: {', '.join(CSV_COLUMNS)})")
    by_id: dict[str, RawEntry] = {}
    for row in reader:
        where = f"{path}:{reader.line_num}"
        row = {k: (v or "").strip() for k, v in row.items() if k}
        item = {k: row.get(k) or None for k in ("id", "name", "kind", "gender", "wikidata", "country",
                                                "cameo", "parent", "aliases")}
        if row.get("office"):
            item["offices"] = [{"key": row["office"], "start": row.get("start"), "end": row.get("end"),
                                "note": row.get("note"), "title": row.get("title"),
                                "sector": row.get("sector") or None}]
        entry = _entry(item, "person", where)
        if entry.id in by_id:
            prev = by_id[entry.id]
            prev.offices += entry.offices
            prev.aliases += [a for a in entry.aliases if a not in prev.aliases]
        else:
            by_id[entry.id] = entry
            out.entries.append(entry)
    return out


def read_file(path: Path) -> Document:
    if not path.is_file():
        raise KBError(str(path), "no such file")
    if path.suffix.lower() == ".csv":
        return read_csv(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return read_yaml(path)
    raise KBError(str(path), "a knowledge-base file must be .yaml, .yml or .csv")


def read_builtin(paths: list[Path]) -> tuple[Document, ...]:
    """The built-in files, parsed. Parsing the YAML is most of the KB's load time, so the result is kept
    in a cache file keyed by the files' content and this module's code (a change to either misses it);
    a cache that cannot be read or written is simply not used."""
    data = [(p, p.read_bytes()) for p in paths]
    key = hashlib.sha256(Path(__file__).read_bytes())
    for p, raw in data:
        key.update(p.name.encode() + hashlib.sha256(raw).digest())
    cache = _cache_dir() / f"kb-{key.hexdigest()[:24]}.marshal"
    try:
        return tuple(_thaw(p, frozen) for p, frozen in zip(paths, marshal.loads(cache.read_bytes()), strict=True))
    except (OSError, ValueError, EOFError, TypeError):
        pass
    documents = tuple(read_yaml(p, raw) for p, raw in data)
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps([_freeze(d) for d in documents]))
        tmp.replace(cache)
    except OSError:
        tmp.unlink(missing_ok=True)
    return documents


def _cache_dir() -> Path:
    """$NEWSDESK_CACHE_DIR, else $XDG_CACHE_HOME/newsdesk, else ~/.cache/newsdesk."""
    if os.environ.get("NEWSDESK_CACHE_DIR"):
        return Path(os.environ["NEWSDESK_CACHE_DIR"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "newsdesk"


def _freeze(doc: Document) -> tuple:
    prefix = len(str(doc.path))
    entries = [(e.id, e.name, e.kind, e.source[prefix:], e.aliases, e.gender, e.wikidata, e.country, e.cameo,
                e.parent, [(o.key, o.start, o.end, o.note, o.title, o.country, o.sector) for o in e.offices])
               for e in doc.entries]
    return doc.digest, doc.offices, doc.roles, entries


def _thaw(path: Path, frozen: tuple) -> Document:
    digest, offices, roles, entries = frozen
    return Document(path, digest, offices, roles,
                    [RawEntry(i, n, k, f"{path}{src}", *rest, [RawOffice(*o) for o in terms])
                     for i, n, k, src, *rest, terms in entries])


def builtin_files() -> list[Path]:
    return sorted(p for p in DATA_DIR.iterdir() if p.suffix == ".yaml")


def user_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix.lower() in USER_SUFFIXES and p.is_file())
