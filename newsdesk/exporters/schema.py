"""One definition per record after annotation (article, actor, mention, quote, place, timex, event mention,
clustered event) and of the article record the JSONL/CSV exports write. The Parquet tables of `export
--format parquet` and of batch runs, the JSONL keys and CSV columns, the store's article columns and the field
tables of docs/exports.md (`scripts/gen_schema_docs.py`) are all built from it.

Column types are written as short type names ("string", "list<string>", "struct<text:string,reason:string>")
so that reading the definitions needs no pyarrow; `schema` turns them into Arrow types when a table is written."""

from __future__ import annotations

from typing import Any, NamedTuple

from newsdesk.records import EventMention

Columns = tuple[tuple[str, str], ...]  # (name, type name)

SIDE_KEYS = ("text", "name", "actor_id", "country", "sector")  # an event mention's source and target

ARTICLE: Columns = (
    ("id", "string"), ("title", "string"), ("byline", "string"), ("outlet", "string"), ("url", "string"),
    ("published", "string"), ("updated", "string"), ("language", "string"), ("media_type", "string"),
    ("text", "string"), ("paragraphs", "list<string>"), ("removed", "list<struct<text:string,reason:string>>"),
    ("provenance", "map<string,string>"))
SOURCE: Columns = (("source", "string"), ("external_id", "string"), ("url", "string"), ("outlet", "string"))
ACTOR: Columns = (("actor_id", "string"), ("name", "string"), ("kind", "string"), ("country", "string"),
                  ("sector", "string"), ("office", "string"), ("kb_id", "string"), ("mentions", "list<string>"))
MENTION: Columns = (("start", "int64"), ("end", "int64"), ("text", "string"), ("label", "string"),
                    ("actor_id", "string"))  # of an actor
QUOTE: Columns = (("start", "int64"), ("end", "int64"), ("text", "string"), ("kind", "string"), ("cue", "string"),
                  ("speaker_text", "string"), ("speaker_id", "string"), ("speaker", "string"))
PLACE: Columns = (("name", "string"), ("country", "string"), ("lat", "float64"), ("lon", "float64"),
                  ("geoname_id", "int64"), ("feature", "string"))
TIMEX: Columns = (("start", "int64"), ("end", "int64"), ("text", "string"), ("value", "string"),
                  ("granularity", "string"), ("type", "string"))
EVENT_MENTION: Columns = (
    ("start", "int64"), ("end", "int64"), ("sentence", "string"), ("trigger", "string"),
    ("cameo", "string"),  # a string: leading zeros matter ("0251")
    ("plover", "string"), ("plover_mode", "string"), ("quad_class", "int8"), ("goldstein", "float64"),
    *((f"{side}_{k}", "string") for side in ("source", "target") for k in SIDE_KEYS),
    ("date", "string"), ("date_inferred", "bool"), ("place", "string"), ("place_country", "string"),
    ("place_lat", "float64"), ("place_lon", "float64"), ("confidence", "float64"))
EVENT: Columns = (  # a clustered event, its consolidated values as strings
    ("id", "string"), ("story_id", "string"), ("title", "string"), ("n_articles", "int32"),
    ("n_sources", "int32"), ("date_min", "string"), ("date_max", "string"), ("cameo", "string"),
    ("plover", "string"), ("source", "string"), ("target", "string"), ("date", "string"), ("place", "string"),
    ("outlets", "list<string>"), ("article_ids", "list<string>"), ("disagreements", "list<string>"))



def row_of(record: Any, columns: Columns) -> dict[str, Any]:
    """The `columns` of a typed record whose fields carry the same names (a `Quote`'s QUOTE columns, ...)."""
    return {name: getattr(record, name) for name, _ in columns}


def event_mention_row(e: EventMention) -> dict[str, Any]:
    """An event mention's `EVENT_MENTION` columns (its source and target flattened to `source_text`, ...):
    the row the store's SQL table and the batch table keep."""
    row = {}
    for name, _ in EVENT_MENTION:
        side, _, key = name.partition("_")
        if side in ("source", "target") and key in SIDE_KEYS:
            actor = getattr(e, side)
            row[name] = getattr(actor, key) if actor else None
        else:
            row[name] = getattr(e, name)
    return row


# the Parquet table of each record, in both exports; "events" are clustered events, never mentions
TABLE_OF = {"article": "articles", "source": "sources", "actor": "actors", "mention": "mentions",
            "quote": "quotes", "place": "places", "timex": "timexes", "event_mention": "event_mentions",
            "event": "events"}
# batch directories written before the rename, read by `newsdesk load` as the new name
OLD_TABLE_NAMES = {"event_mentions": "events"}


class Key(NamedTuple):
    """One key of the article record of `export --format jsonl` (the stable machine interface)."""

    name: str
    type: str  # as docs/exports.md states it
    meaning: str


# In the order the JSONL export writes them. `csv` writes the same keys but `removed` and `sources`, with
# `n_removed` before `text` (`CSV_COLUMNS`).
ARTICLE_RECORD: tuple[Key, ...] = (
    Key("id", "string", "article id (content hash); shared by syndicated copies"),
    Key("external_id", "string or null", "the input's own id (JSONL `id`, feed item id)"),
    Key("source", "string", "path or URL as given; `file.jsonl#ID` / `feed.xml#ID` / `crawl.warc#URI` for records"),
    Key("url", "string or null", "the article's URL"),
    Key("outlet", "string or null", "publisher (container hint, else site name, else domain)"),
    Key("title", "string or null", ""),
    Key("byline", "string or null", ""),
    Key("published", "string or null", "ISO 8601 (`2022-03-01T14:46`, or a date)"),
    Key("updated", "string or null", "ISO 8601, as `published`"),
    Key("language", "string or null", "ISO 639-1 code"),
    Key("text", "string", "cleaned body; paragraphs separated by a blank line"),
    Key("removed", "list of `{text, reason}`", "every line the cleaner dropped, and why"),
    Key("actors", "list of `{id, name, kind, country, sector, office, kb_id, mentions}`",
        "canonical actors; `id` is `kb:…` for knowledge-base entries, else a stable id from the "
        "transliteration-folded name; `country` ISO-3; `mentions` are the surface strings"),
    Key("quotes", "list of `{text, speaker, speaker_id, speaker_text, kind, cue, start, end}`",
        "`kind`: direct, reported or post; offsets into `text`"),
    Key("places", "list of `{name, country, lat, lon, geoname_id, feature, mentions: [{text, start, end}]}`",
        "geocoded offline; `country` ISO-2"),
    Key("timexes", "list of `{text, value, granularity, type, start, end}`",
        "TIMEX3-style values normalised against `published`"),
    Key("events", "list of `{cameo, plover, plover_mode, quad_class, goldstein, trigger, source, target, date, "
        "date_inferred, place, sentence, start, end, confidence}`",
        "the article's event mentions (the key keeps its old name); `source`/`target`: `{text, name, actor_id, "
        "country, sector}`; `place`: `{name, country, lat, lon}`; CAMEO codes are strings"),
    Key("event_id", "string or null", "the clustered event this article mainly reports"),
    Key("event_ids", "list of strings", "every clustered event the article reports: `event_id` first, then the "
        "events its dated mentions of other happenings were linked to (\"in November she led the walkout in "
        "Skopje\")"),
    Key("story_ids", "list of strings", "storylines the article's event belongs to"),
    Key("sources", "list of `{source, external_id, url, outlet}`", "every source of this text"),
)
JSONL_KEYS = tuple(k.name for k in ARTICLE_RECORD)
_CSV_LEFT_OUT = ("removed", "sources")
CSV_COLUMNS = tuple(c for k in JSONL_KEYS if k not in _CSV_LEFT_OUT
                    for c in (("n_removed", k) if k == "text" else (k,)))


def schema(*parts: Columns) -> Any:
    """The Arrow schema (`pyarrow.Schema`) of a table made of `parts` (keys, record columns, the table's own),
    in order."""
    import pyarrow as pa  # a heavy import, needed only to write or read Parquet

    cols = [c for part in parts for c in part]
    names = [n for n, _ in cols]
    if len(set(names)) != len(names):
        raise ValueError(f"a column defined twice: {sorted(n for n in names if names.count(n) > 1)}")
    return pa.schema([(n, arrow_type(t)) for n, t in cols])


_SCALARS = ("string", "int64", "int32", "int8", "float64", "bool")


def arrow_type(name: str) -> Any:
    """The Arrow type a type name stands for: a scalar (`string`, `int64`, `int32`, `int8`, `float64`,
    `bool`), `list<T>`, `map<K,V>` or `struct<a:T,b:U>`."""
    import pyarrow as pa

    name = name.replace(" ", "")
    if name in _SCALARS:
        return {"string": pa.string(), "int64": pa.int64(), "int32": pa.int32(), "int8": pa.int8(),
                "float64": pa.float64(), "bool": pa.bool_()}[name]
    kind, _, rest = name.partition("<")
    if not rest.endswith(">") or kind not in ("list", "map", "struct"):
        raise ValueError(f"unknown column type {name!r}")
    args = _split_top(rest[:-1])
    if kind == "list" and len(args) == 1:
        return pa.list_(arrow_type(args[0]))
    if kind == "map" and len(args) == 2:
        return pa.map_(arrow_type(args[0]), arrow_type(args[1]))
    if kind == "struct" and all(":" in a for a in args):
        return pa.struct([(a.partition(":")[0], arrow_type(a.partition(":")[2])) for a in args])
    raise ValueError(f"unknown column type {name!r}")


def type_name(arrow: Any) -> str:
    """The type name of an Arrow type (`arrow_type` read backwards), as docs/exports.md shows it."""
    import pyarrow as pa

    for name in _SCALARS:
        if arrow == arrow_type(name):
            return name
    if pa.types.is_map(arrow):
        return f"map<{type_name(arrow.key_type)},{type_name(arrow.item_type)}>"
    if pa.types.is_list(arrow):
        return f"list<{type_name(arrow.value_type)}>"
    if pa.types.is_struct(arrow):
        return "struct<" + ",".join(f"{f.name}:{type_name(f.type)}" for f in arrow) + ">"
    raise ValueError(f"no type name for {arrow}")


def _split_top(text: str) -> list[str]:
    """`text` split at the commas outside angle brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"<": 1, ">": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts
