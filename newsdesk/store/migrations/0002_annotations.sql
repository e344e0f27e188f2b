-- Annotations: canonical actors (global), who appears in which article, mentions, quotes, places, timexes.
ALTER TABLE articles ADD COLUMN annotated TEXT;  -- annotator version; NULL = not annotated
CREATE TABLE actors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    kb_id TEXT
);
CREATE TABLE article_actors (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL REFERENCES actors(id),
    name TEXT NOT NULL,
    country TEXT,
    sector TEXT,
    office TEXT,
    mentions TEXT NOT NULL,        -- JSON list of surface strings
    PRIMARY KEY (article_id, actor_id)
);
CREATE INDEX article_actors_actor ON article_actors(actor_id);
CREATE INDEX article_actors_country ON article_actors(country);
CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    actor_id TEXT,
    PRIMARY KEY (article_id, start, "end")
);
CREATE TABLE quotes (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    cue TEXT,
    speaker_text TEXT,
    speaker_id TEXT,
    speaker TEXT,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX quotes_speaker ON quotes(speaker_id);
CREATE TABLE places (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    country TEXT,
    lat REAL,
    lon REAL,
    geoname_id INTEGER,
    feature TEXT,
    spans TEXT NOT NULL,           -- JSON [[start, end], ...]
    mentions TEXT NOT NULL,        -- JSON list of surface strings
    score REAL,
    PRIMARY KEY (article_id, position)
);
CREATE TABLE timexes (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    value TEXT,
    granularity TEXT,
    type TEXT,
    PRIMARY KEY (article_id, position)
);
