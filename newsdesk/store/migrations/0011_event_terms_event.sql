-- A settle step drops the events it rebuilds, their terms too (`clusters.drop`): the terms' only index led by
-- the term, so each drop read every event's terms, and settling cost more the larger the store (bench/cluster.py
-- --real at 20,000 articles: 21.8 ms per article against 8.1 for the first 1,000; with this index 10.0).
CREATE INDEX event_terms_event ON event_terms(event_id);
