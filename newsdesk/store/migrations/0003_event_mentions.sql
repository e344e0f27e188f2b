-- Coded event mentions: one row per event a sentence of an article states.
CREATE TABLE event_mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    trigger TEXT NOT NULL,
    cameo TEXT NOT NULL,           -- a string: leading zeros matter
    plover TEXT,
    plover_mode TEXT,
    quad_class INTEGER,
    goldstein REAL,
    source_text TEXT, source_name TEXT, source_actor_id TEXT, source_country TEXT, source_sector TEXT,
    target_text TEXT, target_name TEXT, target_actor_id TEXT, target_country TEXT, target_sector TEXT,
    date TEXT,
    date_inferred INTEGER NOT NULL DEFAULT 0,
    place TEXT, place_country TEXT, place_lat REAL, place_lon REAL,
    confidence REAL,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX event_mentions_cameo ON event_mentions(cameo);
CREATE INDEX event_mentions_date ON event_mentions(date);
CREATE INDEX event_mentions_source ON event_mentions(source_country);
CREATE INDEX event_mentions_target ON event_mentions(target_country);
