"""SQLite backend: the default, embedded store. All writes go through `add_article`, one transaction each."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsdesk.errors import NotFoundError, StoreError
from newsdesk.records import AnnotatedArticle, Article
from newsdesk.store import sqlite_annotations as ann_sql
from newsdesk.store import sqlite_clusters, sqlite_events
from newsdesk.store.base import Added, source_key
from newsdesk.store.migrations import load_migrations

_LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class SQLiteStore:
    """A newsdesk database in one SQLite file (or ':memory:')."""

    def __init__(self, path: str | Path) -> None:
        self.location = str(path)
        if self.location != ":memory:":
            parent = Path(self.location).parent
            if not parent.exists():
                raise StoreError(f"{self.location}: directory {parent} does not exist")
        try:
            # autocommit mode: transactions are explicit, so a migration or an article is all or nothing
            self.conn = sqlite3.connect(self.location, timeout=30, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            if self.location != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.location}: not a usable newsdesk database ({e})") from None

    # --- schema -----------------------------------------------------------------------------------
    def _migrate(self) -> None:
        self.conn.execute(_LEDGER)
        done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        migrations = load_migrations("sqlite")
        known = max((m.version for m in migrations), default=0)
        if done and max(done) > known:
            raise StoreError(f"{self.location}: schema version {max(done)} is newer than this newsdesk knows "
                             f"({known}); upgrade newsdesk")
        for m in migrations:
            if m.version in done:
                continue
            with self._tx() as c:
                for statement in _statements(m.sql):
                    c.execute(statement)
                c.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (m.version, m.name, _now()))

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is stored, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    # --- writes -----------------------------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, article: Article, annotation: AnnotatedArticle | None = None,
                    annotator_version: str | None = None) -> Added:
        """Store an article, its source and (for a new article) its annotation, in one transaction."""
        key = source_key(article)
        now = _now()
        with self._tx() as c:
            exists = c.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone()
            if not exists:
                c.execute(
                    "INSERT INTO articles (id, title, byline, outlet, url, published, updated, language, "
                    "media_type, text, paragraphs, provenance, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (article.id, article.title, article.byline, article.outlet, article.url, article.published,
                     article.updated, article.language, article.media_type, article.text,
                     json.dumps(list(article.paragraphs), ensure_ascii=False),
                     json.dumps(article.provenance, ensure_ascii=False), now),
                )
                c.executemany(
                    "INSERT INTO removed_lines (article_id, position, text, reason) VALUES (?,?,?,?)",
                    [(article.id, i, r.text, r.reason) for i, r in enumerate(article.removed)],
                )
                if annotation is not None:
                    ann_sql.write(c, annotation, annotator_version or "")
            cur = c.execute(
                "INSERT OR IGNORE INTO sources (article_id, source_key, source, external_id, url, outlet, title, "
                "published, ingested_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (article.id, key, article.source, article.external_id, article.url, article.outlet,
                 article.title, article.published, now),
            )
        if not exists:
            return Added.NEW
        return Added.NEW_SOURCE if cur.rowcount else Added.PRESENT

    def save_annotation(self, annotation: AnnotatedArticle, annotator_version: str) -> None:
        """Replace an article's annotation (after `newsdesk annotate`), in one transaction."""
        with self._tx() as c:
            ann_sql.write(c, annotation, annotator_version)

    def iter_articles_for_annotation(self, *, only_missing: bool, version: str) -> Iterator[dict[str, Any]]:
        sql = "SELECT id FROM articles"
        if only_missing:
            sql += " WHERE annotated IS NULL OR annotated != ?"
        ids = [r[0] for r in self.conn.execute(sql + " ORDER BY rowid", (version,) if only_missing else ())]
        for aid in ids:
            yield self.get_article(aid)

    def list_actors(self, *, country: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return ann_sql.list_actors(self.conn, country=country, limit=limit, offset=offset)

    def get_actor(self, name: str) -> dict[str, Any]:
        found = ann_sql.find_actor(self.conn, name)
        if found is None:
            raise NotFoundError(f"no actor matches {name!r}; `newsdesk actors` lists them")
        return found

    def list_quotes(self, *, speaker: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return ann_sql.list_quotes(self.conn, speaker=speaker, limit=limit, offset=offset)

    def list_events(self, **filters: Any) -> list[dict[str, Any]]:
        """Event mentions filtered by actor, country, cameo prefix, since/until date."""
        return sqlite_events.list_events(self.conn, **filters)

    # --- clustering state ------------------------------------------------------------------------------
    def event_of(self, article_id: str) -> str | None:
        return sqlite_clusters.event_of(self.conn, article_id)

    def cluster_candidates(self, terms: list[str], day: str | None, window_days: int) -> list[dict[str, Any]]:
        return sqlite_clusters.candidates(self.conn, terms, day, window_days)

    def story_candidates(self, actor_ids: list[str]) -> list[dict[str, Any]]:
        return sqlite_clusters.story_candidates(self.conn, actor_ids)

    def save_cluster(self, event: dict[str, Any], article_id: str, score: float | None, index_terms: list[str],
                     story: tuple[str, str] | None = None) -> None:
        """Record an article's event (and a new story) in one transaction."""
        with self._tx() as c:
            if story is not None and story[1]:
                sqlite_clusters.save_story(c, *story)
            sqlite_clusters.save(c, event, article_id, score, index_terms)

    def list_clustered_events(self, **filters: Any) -> list[dict[str, Any]]:
        return sqlite_clusters.list_events(self.conn, **filters)

    def event_articles(self, event_id: str) -> tuple[str, list[dict[str, Any]]]:
        """The full id and member articles (in the order they joined) of an event, by id or unique prefix."""
        ids = sqlite_clusters.find_event_id(self.conn, event_id.strip())
        if not ids:
            raise NotFoundError(f"no event with id {event_id!r}; `newsdesk events` lists them")
        if len(ids) > 1 and ids[0] != event_id:
            raise NotFoundError(f"event id prefix {event_id!r} matches several events; give more characters")
        return ids[0], [self.get_article(a) for a in sqlite_clusters.event_article_ids(self.conn, ids[0])]

    def list_stories(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return sqlite_clusters.list_stories(self.conn, limit=limit, offset=offset)

    def get_story(self, story_id: str) -> dict[str, Any]:
        story = sqlite_clusters.find_story(self.conn, story_id.strip())
        if story is None:
            raise NotFoundError(f"no story with id {story_id!r}; `newsdesk stories` lists them")
        story["events"] = sqlite_clusters.list_events(self.conn, story=story["id"], limit=10**6)
        story["events"].sort(key=lambda e: (e["date_min"] or "", e["id"]))
        return story

    def reset_clusters(self) -> None:
        with self._tx() as c:
            sqlite_clusters.reset(c)

    def article_ids_in_time_order(self) -> list[str]:
        """Dated articles by date, then undated ones; ties in ingest order."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM articles ORDER BY (published IS NULL), substr(published, 1, 16), rowid")]

    def start_run(self, manifest: dict[str, Any]) -> int:
        cur = self.conn.execute("INSERT INTO runs (started_at, manifest) VALUES (?, ?)",
                                (_now(), json.dumps(manifest, ensure_ascii=False)))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, manifest: dict[str, Any]) -> None:
        self.conn.execute("UPDATE runs SET finished_at = ?, manifest = ? WHERE id = ?",
                          (_now(), json.dumps(manifest, ensure_ascii=False), run_id))

    # --- reads ------------------------------------------------------------------------------------
    def get_article(self, article_id: str) -> dict[str, Any]:
        article_id = article_id.strip()
        # the exact id is the hot path (pipeline, clusterer, API): an index lookup; a prefix only from users
        rows = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchall() or \
            self.conn.execute("SELECT * FROM articles WHERE id LIKE ? ORDER BY id LIMIT 2",
                              (article_id + "%",)).fetchall()
        if not rows:
            raise NotFoundError(f"no article with id {article_id!r}; `newsdesk articles` lists them")
        if len(rows) > 1 and rows[0]["id"] != article_id:
            raise NotFoundError(f"id prefix {article_id!r} matches several articles; give more digits")
        return self._full(rows[0])

    def list_articles(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT a.id, a.outlet, a.published, a.title, a.language, "
            "(SELECT count(*) FROM sources s WHERE s.article_id = a.id) AS n_sources "
            "FROM articles a ORDER BY coalesce(a.published, '') DESC, a.rowid LIMIT ? OFFSET ?",
            (limit, offset)).fetchall()
        return [dict(r) for r in rows]

    def search(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        try:
            rows = self.conn.execute(
                "SELECT a.id, a.outlet, a.published, a.title, "
                "snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snippet "
                "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts) LIMIT ?", (query, limit)).fetchall()
        except sqlite3.OperationalError as e:
            raise StoreError(f"search query {query!r} is not valid FTS5 syntax ({e}); quote phrases with \"…\"")\
                from None
        return [dict(r) for r in rows]

    def iter_export(self) -> Iterator[dict[str, Any]]:
        """One record per (article, source), in ingest order; each input id appears once."""
        for row in self.conn.execute("SELECT * FROM articles ORDER BY rowid").fetchall():
            full = self._full(row)
            for s in full["sources"]:
                rec = {k: v for k, v in full.items() if k != "sources"}
                rec.update({"external_id": s["external_id"], "source": s["source"],
                            "url": s["url"] or full["url"], "outlet": s["outlet"] or full["outlet"]})
                rec["sources"] = full["sources"]
                yield rec

    def counts(self) -> dict[str, int]:
        q = self.conn.execute
        return {"articles": q("SELECT count(*) FROM articles").fetchone()[0],
                "sources": q("SELECT count(*) FROM sources").fetchone()[0],
                "removed_lines": q("SELECT count(*) FROM removed_lines").fetchone()[0]}

    def _full(self, row: sqlite3.Row) -> dict[str, Any]:
        aid = row["id"]
        sources = [dict(r) for r in self.conn.execute(
            "SELECT source, external_id, url, outlet, title, published, ingested_at FROM sources "
            "WHERE article_id = ? ORDER BY rowid", (aid,))]
        removed = [{"text": r["text"], "reason": r["reason"]} for r in self.conn.execute(
            "SELECT text, reason FROM removed_lines WHERE article_id = ? ORDER BY position", (aid,))]
        first = sources[0] if sources else {}
        return {
            **ann_sql.read(self.conn, aid), **sqlite_clusters.article_links(self.conn, aid), "annotated": row["annotated"] if "annotated" in row.keys() else None,
            "paragraphs": json.loads(row["paragraphs"]),
            "id": aid, "external_id": first.get("external_id"), "source": first.get("source"),
            "url": row["url"], "outlet": row["outlet"], "title": row["title"], "byline": row["byline"],
            "published": row["published"], "updated": row["updated"], "language": row["language"],
            "media_type": row["media_type"], "text": row["text"], "removed": removed,
            "provenance": json.loads(row["provenance"]), "sources": sources,
        }

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (trigger bodies contain semicolons, so keep BEGIN…END together)."""
    out, buf = [], []
    for line in sql.splitlines():
        line = line.split("--", 1)[0].rstrip()  # our migrations hold no "--" inside string literals
        if not line.strip():
            continue
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf))
    return out
