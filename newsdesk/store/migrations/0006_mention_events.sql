-- A coded event mention that reports another happening than its article's main event (a summit recalled in a
-- later report) linked to that happening's event.
CREATE TABLE mention_events (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX mention_events_event ON mention_events(event_id);
