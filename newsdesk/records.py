"""Typed records passed between stages: RawDoc (ingest) -> Article (extract) -> AnnotatedArticle (annotate,
code: its EventMentions); after clustering, the store's ClusteredEvent (one row of `newsdesk events`), the
ConsolidatedEvent (one event decided across its reports, `events-jsonl`) and the Story. All frozen dataclasses;
the last three read from and write to the JSON shapes the API and the exports have always had.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any


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


def _from(cls, data: Mapping[str, Any]):
    """A record from its JSON shape; a key the record does not define is refused, so nothing is dropped."""
    names = [f.name for f in fields(cls)]
    unknown = set(data) - set(names)
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown keys {sorted(unknown)}")
    return cls(**{k: data[k] for k in names if k in data})


@dataclass(frozen=True)
class ClusteredEvent:
    """One clustered event as the store lists it: its reports, outlets, dates, title (its first report's) and
    its decided values (cluster/consolidate.py), each a plain value."""

    id: str  # "e" + 16 hex digits
    n_articles: int
    date_min: str | None
    date_max: str | None
    story_id: str | None
    n_sources: int  # distinct outlets
    cameo: str | None
    plover: str | None
    title: str | None
    source: str | None = None  # the decided source actor's name
    target: str | None = None
    date: str | None = None
    place: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClusteredEvent:
        return _from(cls, data)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Vote:
    """One field of a consolidated event: the value most reports give, how many agree, each outlet's own."""

    value: Any
    confidence: float | None
    by_source: Mapping[str, Any]  # outlet -> its value
    disagree: bool

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "confidence": self.confidence, "by_source": dict(self.by_source),
                "disagree": self.disagree}


VOTED = ("cameo", "plover", "source", "target", "date", "place")


@dataclass(frozen=True)
class ConsolidatedEvent:
    """One event decided across its reports (`newsdesk event ID --json`, `/api/v1/events/ID`, `events-jsonl`)."""

    id: str
    title: str | None
    n_articles: int
    outlets: tuple[str, ...]
    first_report: Mapping[str, Any] | None  # {article_id, outlet, published}
    cameo: Vote
    plover: Vote
    source: Vote
    target: Vote
    date: Vote
    place: Vote
    main_mentions: Mapping[str, int]  # article id -> position of the mention its vote was read from
    numbers: Mapping[str, Any]  # {by_noun, disagree, differing}
    summary: tuple[str, ...]
    quotes: tuple[Mapping[str, Any], ...]
    timeline: tuple[Mapping[str, Any], ...]  # the reports in order
    mentioned_in: tuple[Mapping[str, Any], ...]  # sentences of other events' reports recalling this one
    disagreements: tuple[str, ...]
    story_id: str | None = None  # set by the listing that knows it (events-jsonl)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConsolidatedEvent:
        votes = {k: Vote(**data[k]) for k in VOTED}
        tuples = {k: tuple(data[k]) for k in ("outlets", "summary", "quotes", "timeline", "mentioned_in",
                                              "disagreements")}
        return _from(cls, {**data, **votes, **tuples})

    def to_dict(self, *, story: bool = True) -> dict[str, Any]:
        """The JSON shape; `story=False` leaves out `story_id` (the single-event views have none)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "story_id" and not story:
                continue
            out[f.name] = v.to_dict() if isinstance(v, Vote) else list(v) if isinstance(v, tuple) else v
        return out


@dataclass(frozen=True)
class Story:
    """A storyline: events sharing actors over weeks, in date order."""

    id: str  # "s" + 16 hex digits
    title: str | None
    seq: int
    events: tuple[ClusteredEvent, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Story:
        return _from(cls, {**data, "events": tuple(ClusteredEvent.from_dict(e) for e in data.get("events") or ())})

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "seq": self.seq, "events": [e.to_dict() for e in self.events]}
