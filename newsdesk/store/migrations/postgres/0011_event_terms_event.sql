-- PostgreSQL twin of ../0011_event_terms_event.sql: an event's terms found by its id, so dropping an event does
-- not read every event's terms.
CREATE INDEX event_terms_event ON event_terms(event_id);
