-- PostgreSQL twin of ../0008_event_redirects.sql: where merged-away event ids now live.
CREATE TABLE event_redirects (
    old_id TEXT COLLATE "C" PRIMARY KEY,
    new_id TEXT COLLATE "C" NOT NULL,
    reason TEXT COLLATE "C" NOT NULL,          -- 'merged' or 'split'
    at TEXT COLLATE "C" NOT NULL               -- ISO 8601 UTC, when the id went
);
CREATE INDEX event_redirects_new ON event_redirects(new_id);
