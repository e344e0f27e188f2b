"""One column definition per record after annotation (article, actor, mention, quote, place, timex, event
mention, clustered event), from which the Parquet tables of `export --format parquet` and of batch runs are
built: a table is its keys, then its record's columns, then what that table alone keeps."""

from __future__ import annotations

import pyarrow as pa

Columns = tuple[tuple[str, pa.DataType], ...]

_s, _i, _f = pa.string(), pa.int64(), pa.float64()
SIDE_KEYS = ("text", "name", "actor_id", "country", "sector")  # an event mention's source and target

ARTICLE: Columns = (
    ("id", _s), ("title", _s), ("byline", _s), ("outlet", _s), ("url", _s), ("published", _s), ("updated", _s),
    ("language", _s), ("media_type", _s), ("text", _s), ("paragraphs", pa.list_(_s)),
    ("removed", pa.list_(pa.struct([("text", _s), ("reason", _s)]))), ("provenance", pa.map_(_s, _s)))
SOURCE: Columns = (("source", _s), ("external_id", _s), ("url", _s), ("outlet", _s))
ACTOR: Columns = (("actor_id", _s), ("name", _s), ("kind", _s), ("country", _s), ("sector", _s), ("office", _s),
                  ("kb_id", _s), ("mentions", pa.list_(_s)))
MENTION: Columns = (("start", _i), ("end", _i), ("text", _s), ("label", _s), ("actor_id", _s))  # of an actor
QUOTE: Columns = (("start", _i), ("end", _i), ("text", _s), ("kind", _s), ("cue", _s), ("speaker_text", _s),
                  ("speaker_id", _s), ("speaker", _s))
PLACE: Columns = (("name", _s), ("country", _s), ("lat", _f), ("lon", _f), ("geoname_id", _i), ("feature", _s))
TIMEX: Columns = (("start", _i), ("end", _i), ("text", _s), ("value", _s), ("granularity", _s), ("type", _s))
EVENT_MENTION: Columns = (
    ("start", _i), ("end", _i), ("sentence", _s), ("trigger", _s),
    ("cameo", _s),  # a string: leading zeros matter ("0251")
    ("plover", _s), ("plover_mode", _s), ("quad_class", pa.int8()), ("goldstein", _f),
    *((f"{side}_{k}", _s) for side in ("source", "target") for k in SIDE_KEYS),
    ("date", _s), ("date_inferred", pa.bool_()), ("place", _s), ("place_country", _s), ("place_lat", _f),
    ("place_lon", _f), ("confidence", _f))
EVENT: Columns = (  # a clustered event, its consolidated values as strings
    ("id", _s), ("story_id", _s), ("title", _s), ("n_articles", pa.int32()), ("n_sources", pa.int32()),
    ("date_min", _s), ("date_max", _s), ("cameo", _s), ("plover", _s), ("source", _s), ("target", _s),
    ("date", _s), ("place", _s), ("outlets", pa.list_(_s)), ("article_ids", pa.list_(_s)),
    ("disagreements", pa.list_(_s)))

# the Parquet table of each record, in both exports; "events" are clustered events, never mentions
TABLE_OF = {"article": "articles", "source": "sources", "actor": "actors", "mention": "mentions",
            "quote": "quotes", "place": "places", "timex": "timexes", "event_mention": "event_mentions",
            "event": "events"}
# batch directories written before the rename, read by `newsdesk load` as the new name
OLD_TABLE_NAMES = {"event_mentions": "events"}


def schema(*parts: Columns) -> pa.Schema:
    """The Arrow schema of a table made of `parts` (keys, record columns, the table's own), in order."""
    cols = [c for part in parts for c in part]
    names = [n for n, _ in cols]
    if len(set(names)) != len(names):
        raise ValueError(f"a column defined twice: {sorted(n for n in names if names.count(n) > 1)}")
    return pa.schema(cols)

