-- PostgreSQL twin of ../0003_event_mentions.sql: one row per event a sentence of an article states.
CREATE TABLE event_mentions (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT COLLATE "C" NOT NULL,
    trigger TEXT COLLATE "C" NOT NULL,
    cameo TEXT COLLATE "C" NOT NULL,           -- a string: leading zeros matter
    plover TEXT COLLATE "C",
    plover_mode TEXT COLLATE "C",
    quad_class INTEGER,
    goldstein DOUBLE PRECISION,
    source_text TEXT COLLATE "C", source_name TEXT COLLATE "C", source_actor_id TEXT COLLATE "C",
    source_country TEXT COLLATE "C", source_sector TEXT COLLATE "C",
    target_text TEXT COLLATE "C", target_name TEXT COLLATE "C", target_actor_id TEXT COLLATE "C",
    target_country TEXT COLLATE "C", target_sector TEXT COLLATE "C",
    date TEXT COLLATE "C",
    date_inferred INTEGER NOT NULL DEFAULT 0,
    place TEXT COLLATE "C", place_country TEXT COLLATE "C", place_lat DOUBLE PRECISION,
    place_lon DOUBLE PRECISION,
    confidence DOUBLE PRECISION,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX event_mentions_cameo ON event_mentions(cameo);
CREATE INDEX event_mentions_date ON event_mentions(date);
CREATE INDEX event_mentions_source ON event_mentions(source_country);
CREATE INDEX event_mentions_target ON event_mentions(target_country);
