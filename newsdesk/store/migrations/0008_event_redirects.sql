-- Where the ids of events that a settle step, `recluster` or a re-ingest merged away now live, so that links,
-- exports and notes made against an old id keep working (`newsdesk event OLD_ID`, the API, the web page). An
-- old id points at the event that holds its earliest report; when that event later goes too, the row is
-- pointed on, so one lookup always lands on a live event. Kept across `recluster` (history, not state).
CREATE TABLE event_redirects (
    old_id TEXT PRIMARY KEY,
    new_id TEXT NOT NULL,
    reason TEXT NOT NULL,          -- 'merged' (all its reports went to new_id) or 'split' (its earliest did)
    at TEXT NOT NULL               -- ISO 8601 UTC, when the id went
);
CREATE INDEX event_redirects_new ON event_redirects(new_id);
