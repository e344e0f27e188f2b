-- Articles (one row per distinct cleaned text), their sources (one row per place the text was found),
-- the lines the cleaner removed, a full-text index, and a ledger of ingest runs.
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT,
    byline TEXT,
    outlet TEXT,
    url TEXT,
    published TEXT,
    updated TEXT,
    language TEXT,
    media_type TEXT NOT NULL,
    text TEXT NOT NULL,
    paragraphs TEXT NOT NULL,      -- JSON list of strings
    provenance TEXT NOT NULL,      -- JSON object: field -> where its value came from
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE sources (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    source_key TEXT NOT NULL,      -- external id, else URL, else the path as given
    source TEXT NOT NULL,
    external_id TEXT,
    url TEXT,
    outlet TEXT,
    title TEXT,
    published TEXT,
    ingested_at TEXT NOT NULL,
    UNIQUE (article_id, source_key)
);
CREATE INDEX sources_article ON sources(article_id);

CREATE TABLE removed_lines (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);

CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='rowid');
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    manifest TEXT NOT NULL         -- JSON: inputs with digests, version, config, counts
);
