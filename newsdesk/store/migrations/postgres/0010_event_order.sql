-- PostgreSQL twin of ../0010_event_order.sql: an index on the newest-first event listing order.
CREATE INDEX events_newest ON events ((coalesce(date_max, '')) DESC, seq DESC);
