-- Clustered events (one real-world happening, many reports) and storylines. The clusterer keeps each
-- event's running state here so that adding an article never re-reads the store.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,          -- creation order
    n_articles INTEGER NOT NULL,
    date_min TEXT,
    date_max TEXT,
    state TEXT NOT NULL,           -- JSON: term sums, years, actors, places (clusterer state)
    story_id TEXT
);
CREATE INDEX events_dates ON events(date_min, date_max);
CREATE INDEX events_story ON events(story_id);
CREATE TABLE event_articles (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES events(id),
    score REAL,
    seq INTEGER NOT NULL
);
CREATE INDEX event_articles_event ON event_articles(event_id);
CREATE TABLE event_terms (
    term TEXT NOT NULL,
    event_id TEXT NOT NULL REFERENCES events(id),
    PRIMARY KEY (term, event_id)
);
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT,
    seq INTEGER NOT NULL
);
