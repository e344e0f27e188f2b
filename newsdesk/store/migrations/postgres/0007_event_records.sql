-- PostgreSQL twin of ../0007_event_records.sql: each report's ballot and each event's decided record.
ALTER TABLE event_articles ADD COLUMN ballot TEXT COLLATE "C";  -- JSON: consolidate.ballot of the report
ALTER TABLE events ADD COLUMN cameo TEXT COLLATE "C";           -- decided CAMEO code
ALTER TABLE events ADD COLUMN plover TEXT COLLATE "C";          -- decided PLOVER type
ALTER TABLE events ADD COLUMN record TEXT COLLATE "C";          -- JSON: decided cameo, plover, source, target, date, place
CREATE INDEX events_cameo ON events(cameo);
