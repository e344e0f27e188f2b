-- Each clustered event's consolidated record as clustering decides it (cluster/consolidate.py), kept so that
-- every listing, page and export shows the same code: each report's ballot (its main event mentions) beside
-- the report, the decided type, actors, date and place on the event. Written whenever a report joins an event
-- or is coded anew; NULL on events stored before this migration until then (readers decide those from their
-- reports meanwhile; `newsdesk recluster` writes them all).
ALTER TABLE event_articles ADD COLUMN ballot TEXT;  -- JSON: consolidate.ballot of the report
ALTER TABLE events ADD COLUMN cameo TEXT;           -- decided CAMEO code (a string: leading zeros matter)
ALTER TABLE events ADD COLUMN plover TEXT;          -- decided PLOVER type
ALTER TABLE events ADD COLUMN record TEXT;          -- JSON: decided cameo, plover, source, target, date, place
CREATE INDEX events_cameo ON events(cameo);
