"""The Store over SQL, shared by both backends: every query is written once with `?` placeholders and the
SQL that SQLite and PostgreSQL both run; a backend supplies connections, transactions, migrations and search."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from newsdesk.cluster.consolidate import ballot, consolidate, decided
from newsdesk.errors import NotFoundError, StoreError
from newsdesk.exporters import schema
from newsdesk.records import AnnotatedArticle, Article, ClusteredEvent, ConsolidatedEvent, Story
from newsdesk.store import annotation_rows, clusters, event_mentions
from newsdesk.store import snippets as snippets_mod
from newsdesk.store.base import Added, Connection, Row, source_key, storable

T = TypeVar("T")

LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"""

# the article record's columns (`exporters/schema.py`; its removed lines are a table of their own) and the store's
ARTICLE_COLUMNS = ", ".join([n for n, _ in schema.ARTICLE if n != "removed"] + ["ingested_at", "annotated"])


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class SQLStore:
    """Everything a Store does, over `transaction()` (one atomic write) and `connection()` (reads).

    Subclasses implement those two, `_ranked` and `_snippet` (search) and `close`, and set `dialect` and `location`."""

    dialect = "sql"
    location = ""

    def transaction(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def connection(self) -> AbstractContextManager[Connection]:
        """A connection for reads (also for tests and benches that look at the tables)."""
        raise NotImplementedError

    def _write(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one transaction (a backend may retry it when the database asks it to)."""
        with self.transaction() as c:
            return work(c)

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """A block no other process runs under the same name at the same time (PostgreSQL overrides this;
        SQLite's writes are serialised anyway)."""
        yield

    def _read(self, work: Callable[[Connection], T]) -> T:
        with self.connection() as c:
            return work(c)

    def schema_version(self) -> int:
        return int(self._read(lambda c: c.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]) or 0)

    # --- writes -----------------------------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self._read(lambda c: c.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()) \
            is not None

    def add_article(self, article: Article, annotation: AnnotatedArticle | None = None,
                    annotator_version: str | None = None) -> Added:
        """Store an article, its source and (for a new article) its annotation, in one transaction.

        The unique article id and (article, source) pair decide what is new, so writers in several processes
        never store a text twice nor lose one: whoever inserts first wins, the others find it present.
        A NUL character is stored as U+FFFD on every backend (`base.storable`)."""
        if (clean := storable(article)) is not article:
            article, annotation = clean, storable(annotation)
        key, stamp = source_key(article), now()

        def work(c: Connection) -> Added:
            new = c.execute(
                "INSERT INTO articles (id, title, byline, outlet, url, published, updated, language, media_type, "
                "text, paragraphs, provenance, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (id) DO NOTHING",
                (article.id, article.title, article.byline, article.outlet, article.url, article.published,
                 article.updated, article.language, article.media_type, article.text,
                 json.dumps(list(article.paragraphs), ensure_ascii=False),
                 json.dumps(article.provenance, ensure_ascii=False), stamp)).rowcount == 1
            if new:
                c.executemany("INSERT INTO removed_lines (article_id, position, text, reason) VALUES (?,?,?,?)",
                              [(article.id, i, r.text, r.reason) for i, r in enumerate(article.removed)])
                if annotation is not None:
                    annotation_rows.write(c, annotation, annotator_version or "", replace=False)
            added = c.execute(
                "INSERT INTO sources (article_id, source_key, source, external_id, url, outlet, title, published, "
                "ingested_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (article_id, source_key) DO NOTHING",
                (article.id, key, article.source, article.external_id, article.url, article.outlet,
                 article.title, article.published, stamp)).rowcount == 1
            return Added.NEW if new else Added.NEW_SOURCE if added else Added.PRESENT

        return self._write(work)

    def save_annotation(self, annotation: AnnotatedArticle, annotator_version: str) -> None:
        """Replace an article's annotation (after `newsdesk annotate`), in one transaction; the event it reports
        is decided anew with its new mentions."""
        annotation = storable(annotation)

        def work(c: Connection) -> None:
            annotation_rows.write(c, annotation, annotator_version)
            aid = annotation.article.id
            if (eid := clusters.event_of(c, aid)) is not None:
                clusters.save_record(c, eid, lambda a: _load(c, a), fresh=aid)

        self._write(work)

    def iter_articles_for_annotation(self, *, only_missing: bool, version: str) -> Iterator[dict[str, Any]]:
        sql = "SELECT id FROM articles"
        if only_missing:
            sql += " WHERE annotated IS NULL OR annotated != ?"
        ids = self._read(lambda c: [r[0] for r in c.execute(sql + " ORDER BY rowid",
                                                            (version,) if only_missing else ())])
        for aid in ids:
            yield self.get_article(aid)

    def list_actors(self, *, country: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return self._read(lambda c: annotation_rows.list_actors(c, country=country, limit=limit, offset=offset))

    def get_actor(self, name: str) -> dict[str, Any]:
        found = self._read(lambda c: annotation_rows.find_actor(c, name))
        if found is None:
            raise NotFoundError(f"no actor matches {name!r}; `newsdesk actors` lists them")
        return found

    def list_quotes(self, *, speaker: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return self._read(lambda c: annotation_rows.list_quotes(c, speaker=speaker, limit=limit, offset=offset))

    def list_events(self, **filters: Any) -> list[dict[str, Any]]:
        """Event mentions filtered by actor, country, cameo prefix, since/until date."""
        return self._read(lambda c: event_mentions.list_events(c, **filters))

    # --- clustering state ------------------------------------------------------------------------------
    def event_of(self, article_id: str) -> str | None:
        return self._read(lambda c: clusters.event_of(c, article_id))

    def cluster_candidates(self, terms: list[str], day: str | None, window_days: int) -> list[dict[str, Any]]:
        return self._read(lambda c: clusters.candidates(c, terms, day, window_days))

    def story_candidates(self, actor_ids: list[str], day: str | None = None,
                         window_days: int | None = None) -> list[dict[str, Any]]:
        return self._read(lambda c: clusters.story_candidates(c, actor_ids, day, window_days))

    def save_cluster(self, event: dict[str, Any], article_id: str, score: float | None, index_terms: list[str],
                     story: tuple[str, str] | None = None) -> None:
        """Record an article's event (and a new story), and the event's record decided anew with it, in one
        transaction."""
        def work(c: Connection) -> None:
            if story is not None and story[1]:
                clusters.save_story(c, *story)
            clusters.save(c, event, article_id, score, index_terms)
            clusters.save_record(c, event["id"], lambda a: _load(c, a), fresh=article_id)

        self._write(work)

    def clustered_events(self, **filters: Any) -> list[ClusteredEvent]:
        """Clustered events, latest first, each with its decided `cameo`, `plover`, `source`, `target`, `date`
        and `place` (cluster/consolidate.py): what `event ID` and every export show."""
        rows = self._read(lambda c: clusters.list_events(c, **filters))
        for r in rows:
            raw = r.pop("record", None)
            rec = json.loads(raw) if raw else None
            if rec is None:  # stored before records were kept, and not written since: decided from its reports
                rec = decided([ballot(a) for a in self.event_articles(r["id"])[1]])
            r.update({k: rec.get(k) for k in ("cameo", "plover", "source", "target", "date", "place")})
        return [ClusteredEvent.from_dict(r) for r in rows]

    def list_clustered_events(self, **filters: Any) -> list[dict[str, Any]]:
        """`clustered_events` in their JSON shape (listings of the CLI, API and web)."""
        return [e.to_dict() for e in self.clustered_events(**filters)]

    def consolidated_event(self, event_id: str, *, mentioned_in: bool = True) -> ConsolidatedEvent:
        """The event (by id or unique prefix) decided across its reports; `mentioned_in=False` skips reading
        the other events' reports that recall it."""
        return self.event_with_reports(event_id, mentioned_in=mentioned_in)[0]

    def event_with_reports(self, event_id: str, *, mentioned_in: bool = True
                           ) -> tuple[ConsolidatedEvent, list[dict[str, Any]]]:
        """`consolidated_event` and the member articles it was decided from, in the order they joined: what
        every single-event view (CLI, API, web) and export shows, read once."""
        eid, articles = self.event_articles(event_id)
        rec = consolidate(eid, articles, self.event_mentioned_in(eid) if mentioned_in else None)
        return ConsolidatedEvent.from_dict(rec), articles

    def event_articles(self, event_id: str) -> tuple[str, list[dict[str, Any]]]:
        """The full id and member articles (in the order they joined) of an event, by id or unique prefix."""
        wanted = event_id.strip()
        ids = self._read(lambda c: clusters.find_event_id(c, wanted)) if _literal_id(wanted) else []
        if not ids:
            raise NotFoundError(f"no event with id {event_id!r}; `newsdesk events` lists them")
        if len(ids) > 1 and ids[0] != event_id:
            raise NotFoundError(f"event id prefix {event_id!r} matches several events; give more characters")
        members = self._read(lambda c: clusters.event_article_ids(c, ids[0]))
        return ids[0], [self.get_article(a) for a in members]

    def event_redirect(self, event_id: str) -> dict[str, Any] | None:
        """Where a merged-away event id (or unique prefix) lives now: old_id, new_id, reason ('merged' or 'split'),
        at; None when a live event answers to it."""
        wanted = event_id.strip()
        return self._read(lambda c: clusters.redirect(c, wanted)) if _literal_id(wanted) else None

    def save_event_redirects(self, moves: dict[str, tuple[str, str]], live: list[str]) -> None:
        """Record old event id -> (the event holding its earliest report, reason), and forget the redirects of
        the `live` ids (events just written), in one transaction."""
        self._write(lambda c: clusters.save_redirects(c, moves, list(live), now()))

    def list_stories(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return self._read(lambda c: clusters.list_stories(c, limit=limit, offset=offset))

    def story(self, story_id: str) -> Story:
        """A story (by id or unique prefix) with its events in date order."""
        wanted = story_id.strip()
        row = self._read(lambda c: clusters.find_story(c, wanted)) if _literal_id(wanted) else None
        if row is None:
            raise NotFoundError(f"no story with id {story_id!r}; `newsdesk stories` lists them")
        events = sorted(self.clustered_events(story=row["id"], limit=10**6), key=lambda e: (e.date_min or "", e.id))
        return Story(**{**row, "events": tuple(events)})

    def get_story(self, story_id: str) -> dict[str, Any]:
        """`story` in its JSON shape."""
        return self.story(story_id).to_dict()

    def drop_events(self, event_ids: list[str]) -> list[str]:
        """Delete these events (a settle step rebuilds them); returns their reports in the order they joined."""
        return self._write(lambda c: clusters.drop(c, list(event_ids), lock_rows=self.dialect == "postgres"))

    def events_between(self, lo: str, hi: str) -> list[dict[str, Any]]:
        """Events whose dates touch the days [lo, hi], with their clusterer state."""
        return self._read(lambda c: clusters.events_between(c, lo, hi))

    def save_mention_links(self, links: dict[str, list[tuple[int, str, float]]]) -> None:
        """Replace the links of each article's mentions of other happenings: article id -> (position, event id,
        score) triples, in one transaction."""
        self._write(lambda c: clusters.save_mention_links(c, links))

    def articles_mentioning_between(self, lo: str, hi: str) -> list[str]:
        return self._read(lambda c: clusters.articles_mentioning_between(c, lo, hi))

    def event_mentioned_in(self, event_id: str) -> list[dict[str, Any]]:
        """Mentions of the event in reports of other events (export key `mentioned_in`)."""
        return self._read(lambda c: clusters.mentioned_in(c, event_id))

    def event_sizes(self, event_ids: list[str]) -> dict[str, int]:
        return self._read(lambda c: clusters.event_sizes(c, list(event_ids)))

    def reset_clusters(self) -> None:
        self._write(clusters.reset)

    def article_ids_in_time_order(self) -> list[str]:
        """Dated articles by date, then undated ones; ties in ingest order."""
        return self._read(lambda c: [r[0] for r in c.execute(
            "SELECT id FROM articles ORDER BY (published IS NULL), substr(published, 1, 16), rowid")])

    def unclustered_article_ids(self) -> list[str]:
        """Stored articles in no event (a run killed between storing and clustering them), in time order."""
        return self._read(lambda c: [r[0] for r in c.execute(
            "SELECT a.id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM event_articles ea WHERE ea.article_id = a.id) "
            "ORDER BY (a.published IS NULL), substr(a.published, 1, 16), a.rowid")])

    def start_run(self, manifest: dict[str, Any]) -> int:
        return int(self._write(lambda c: c.execute(
            "INSERT INTO runs (started_at, manifest) VALUES (?, ?) RETURNING id",
            (now(), json.dumps(manifest, ensure_ascii=False))).fetchone()[0]))

    def finish_run(self, run_id: int, manifest: dict[str, Any]) -> None:
        self._write(lambda c: c.execute("UPDATE runs SET finished_at = ?, manifest = ? WHERE id = ?",
                                        (now(), json.dumps(manifest, ensure_ascii=False), run_id)))

    # --- reads ------------------------------------------------------------------------------------
    def get_article(self, article_id: str) -> dict[str, Any]:
        article_id = article_id.strip()

        def work(c: Connection) -> dict[str, Any]:
            # the exact id is the hot path (pipeline, clusterer, API): an index lookup; a prefix only from users
            rows = c.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchall() or \
                c.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id LIKE ? {annotation_rows.LIKE_ESCAPE} "
                          "ORDER BY id LIMIT 2", (annotation_rows.like_literal(article_id.lower()) + "%",)).fetchall()
            if not rows:
                raise NotFoundError(f"no article with id {article_id!r}; `newsdesk articles` lists them")
            if len(rows) > 1 and rows[0]["id"] != article_id:
                raise NotFoundError(f"id prefix {article_id!r} matches several articles; give more digits")
            return _full(c, rows[0])

        return self._read(work)

    def list_articles(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        # sources are counted for the page only (PostgreSQL would count them for the skipped rows too)
        return self._read(lambda c: [dict(r) for r in c.execute(
            "SELECT p.id, p.outlet, p.published, p.title, p.language, "
            "(SELECT count(*) FROM sources s WHERE s.article_id = p.id) AS n_sources FROM ("
            "SELECT a.rowid, a.id, a.outlet, a.published, a.title, a.language FROM articles a "
            "ORDER BY coalesce(a.published, '') DESC, a.rowid LIMIT ? OFFSET ?) p "
            "ORDER BY coalesce(p.published, '') DESC, p.rowid", (limit, offset)).fetchall()])

    def search(self, query: str, *, limit: int = 20, offset: int = 0, snippets: bool = True) -> list[dict[str, Any]]:
        """Articles matching `query`, best first, ranked in SQL; snippets are cut for the returned rows only,
        each from a bounded window of its text (`store/snippets.py`). Offsets past MAX_SEARCH_OFFSET are
        refused before any work."""
        if offset > snippets_mod.MAX_SEARCH_OFFSET:
            raise StoreError(f"search results stop at {snippets_mod.MAX_SEARCH_OFFSET:,}: narrow the query "
                             "(more words, an outlet or dates) instead of paging deeper")
        rows = self._read(lambda c: self._ranked(c, query, limit, offset))
        if snippets:
            self.add_snippets(query, rows)
        return rows

    def add_snippets(self, query: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Set each row's `snippet` (rows from `search(..., snippets=False)`): the text's words around its first
        match, matched words in [brackets]; only SCAN_CHARS of a text are read, a window of it marked up."""
        def work(c: Connection) -> None:
            for r in rows:
                got = c.execute("SELECT substr(title, 1, ?), substr(text, 1, ?) FROM articles WHERE id = ?",
                                (snippets_mod.TITLE_CHARS, snippets_mod.SCAN_CHARS, r["id"])).fetchone()
                if got is None:  # removed since it was ranked
                    r["snippet"] = ""
                    continue
                text, before, after = snippets_mod.window(got[1] or "", query)
                cut = self._snippet(c, query, got[0] or "", text)
                r["snippet"] = snippets_mod.mark_cut(cut, before, after) if cut is not None \
                    else snippets_mod.plain(text)
        self._read(work)
        return rows

    def _ranked(self, c: Connection, query: str, limit: int, offset: int) -> list[dict[str, Any]]:
        """One page of matching articles (id, outlet, published, title), best first, without snippets."""
        raise NotImplementedError

    def _snippet(self, c: Connection, query: str, title: str, text: str) -> str | None:
        """A snippet of the (already bounded) `text` for `query`, or None when it holds no match."""
        raise NotImplementedError

    def iter_export(self) -> Iterator[dict[str, Any]]:
        """One record per (article, source), in ingest order; each input id appears once."""
        ids = self._read(lambda c: [r[0] for r in c.execute("SELECT id FROM articles ORDER BY rowid")])
        for aid in ids:
            full = self.get_article(aid)
            for s in full["sources"]:
                rec = {k: v for k, v in full.items() if k != "sources"}
                rec.update({"external_id": s["external_id"], "source": s["source"],
                            "url": s["url"] or full["url"], "outlet": s["outlet"] or full["outlet"]})
                rec["sources"] = full["sources"]
                yield rec

    def counts(self) -> dict[str, int]:
        def work(c: Connection) -> dict[str, int]:
            return {t: int(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                    for t in ("articles", "sources", "removed_lines")}

        return self._read(work)

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> SQLStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _literal_id(text: str) -> bool:
    """Whether an event or story id (or prefix) a user typed can match literally: ids are letters and digits,
    and the prefix lookups use LIKE, where `%` and `_` would match any id (`/api/v1/stories/%25`)."""
    return not any(ch in text for ch in "%_\\")


def _load(c: Connection, article_id: str) -> dict[str, Any]:
    """A stored article by its exact id, read on `c` (inside a write transaction)."""
    return _full(c, c.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone())


def _full(c: Connection, row: Row) -> dict[str, Any]:
    """An article row with its sources, removed lines, annotations and cluster links."""
    aid = row["id"]
    sources = [dict(r) for r in c.execute(
        "SELECT source, external_id, url, outlet, title, published, ingested_at FROM sources "
        "WHERE article_id = ? ORDER BY rowid", (aid,))]
    removed = [{"text": r["text"], "reason": r["reason"]} for r in c.execute(
        "SELECT text, reason FROM removed_lines WHERE article_id = ? ORDER BY position", (aid,))]
    first = sources[0] if sources else {}
    return {
        **annotation_rows.read(c, aid), **clusters.article_links(c, aid), "annotated": row["annotated"],
        "paragraphs": json.loads(row["paragraphs"]),
        "id": aid, "external_id": first.get("external_id"), "source": first.get("source"),
        "url": row["url"], "outlet": row["outlet"], "title": row["title"], "byline": row["byline"],
        "published": row["published"], "updated": row["updated"], "language": row["language"],
        "media_type": row["media_type"], "text": row["text"], "removed": removed,
        "provenance": json.loads(row["provenance"]), "sources": sources,
    }
