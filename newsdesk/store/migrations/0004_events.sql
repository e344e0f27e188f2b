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
CREATE TABLE event_terms (          -- blocking index: rare term -> events, by the event's first date
    id INTEGER PRIMARY KEY,
    term TEXT NOT NULL,
    day TEXT,
    event_id TEXT NOT NULL REFERENCES events(id),
    UNIQUE (term, event_id)
);
CREATE INDEX event_terms_day ON event_terms(term, day);
CREATE INDEX event_terms_recent ON event_terms(term, id);
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT,
    seq INTEGER NOT NULL
);
CREATE INDEX events_seq ON events(seq);
CREATE INDEX event_articles_seq ON event_articles(seq);
CREATE INDEX stories_seq ON stories(seq);
