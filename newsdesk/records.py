"""Typed records passed between stages: RawDoc (ingest) -> Article (extract).

Later stages add AnnotatedArticle and CodedArticle; all records are frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawDoc:
    """One input document as found, before any cleaning.

    `source` is the path or URL as given (with `#N` for the N-th record of a multi-record file);
    the hints (url, outlet, title, published, external_id) come from the container format
    (JSONL fields, feed items, WARC headers) and take precedence over what extraction finds.
    """

    data: bytes
    media_type: str  # "text/plain" or "text/html"
    source: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    external_id: str | None = None
    fetched_at: str | None = None
    container: str = "file"  # what held it: file, jsonl, feed or warc (provenance of the hints)


@dataclass(frozen=True)
class RemovedLine:
    """A line the cleaner removed, with why."""

    text: str
    reason: str


@dataclass(frozen=True)
class Article:
    """A cleaned article. `id` is a content hash of the normalised text, so copies share it."""

    id: str
    source: str
    text: str
    paragraphs: tuple[str, ...]
    removed: tuple[RemovedLine, ...] = ()
    external_id: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    updated: str | None = None
    language: str | None = None
    media_type: str = "text/plain"
    provenance: dict[str, str] = field(default_factory=dict)  # field -> where its value came from


# --- annotation (annotate stage) -------------------------------------------------------------------------
# Offsets are character offsets into Article.text (the cleaned text), end exclusive.


@dataclass(frozen=True)
class TimeExpr:
    """A time expression normalised against the publication date (TIMEX3-style value)."""

    start: int
    end: int
    text: str
    value: str | None  # "2022-03-01", "2022-03", "2022", "2022-W09", "2022-03-01T14:00", "PAST_REF", None
    granularity: str  # "day", "month", "year", "week", "time", "season", "quarter", "decade", "duration", "set", "ref"
    type: str = "DATE"  # TIMEX3 type: DATE, TIME, DURATION, SET


@dataclass(frozen=True)
class Place:
    """A geocoded place with every mention of it in the article."""

    name: str
    country: str | None  # ISO 3166-1 alpha-2
    lat: float | None
    lon: float | None
    geoname_id: int | None
    feature: str  # "country", "city", "admin1", "region", "continent", "landmark"
    spans: tuple[tuple[int, int], ...]
    mentions: tuple[str, ...]
    score: float = 1.0


@dataclass(frozen=True)
class Quote:
    """Who said what: a direct quote, reported speech or a social-media post."""

    start: int
    end: int
    text: str
    kind: str  # "direct", "reported", "post"
    cue: str | None  # the verb of saying as written ("said", "tweeted", "added")
    speaker_text: str | None  # the speaker as written near the quote ("he", "Ms Truss", "the minister")
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_id: str | None = None  # canonical actor id, filled by actor resolution
    speaker: str | None = None  # canonical actor name


@dataclass(frozen=True)
class Mention:
    """A span of text that refers to an actor (name, title, role phrase, possessive, pronoun)."""

    start: int
    end: int
    text: str
    label: str  # spaCy label or "ROLE" / "PRON" / "DEMONYM"
    actor_id: str | None = None


@dataclass(frozen=True)
class Actor:
    """One canonical person, organisation or country, as resolved in one article."""

    id: str
    name: str
    kind: str  # "person", "org", "country", "igo"
    country: str | None = None  # ISO 3166-1 alpha-3 (CAMEO-style), or an IGO code
    sector: str | None = None  # GOV, DIP, MIL, LEG, JUD, OPP, ... (CAMEO-style)
    office: str | None = None  # the office held at the article's date, when known
    kb_id: str | None = None
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnnotatedArticle:
    """An article with its annotations; the code stage fills `events` (a coded article is an annotated
    article whose events are set, so one record flows through the pool and into the store)."""

    article: Article
    actors: tuple[Actor, ...] = ()
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    places: tuple[Place, ...] = ()
    timexes: tuple[TimeExpr, ...] = ()
    events: tuple[EventMention, ...] = ()


# --- event coding (code stage) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EventActor:
    """One side of an event: the canonical actor when known, with its CAMEO-style country and sector."""

    text: str  # as written in the sentence
    name: str | None = None  # canonical name
    actor_id: str | None = None
    country: str | None = None  # ISO-3, or an IGO code such as "IGOUNO"
    sector: str | None = None  # GOV, MIL, DIP, IGO, ...


@dataclass(frozen=True)
class EventMention:
    """A coded event as one sentence states it: who did what to whom, when and where, with evidence."""

    start: int  # sentence offsets in Article.text
    end: int
    sentence: str
    trigger: str  # the predicate as written ("walked out", "imposed sanctions")
    cameo: str  # string, leading zeros kept ("0251")
    plover: str  # PLOVER event type ("PROTEST")
    plover_mode: str | None
    quad_class: int  # 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    goldstein: float
    source: EventActor | None
    target: EventActor | None
    date: str | None
    date_inferred: bool
    place: str | None
    place_country: str | None = None
    place_lat: float | None = None
    place_lon: float | None = None
    confidence: float = 0.5
