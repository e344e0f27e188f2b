-- PostgreSQL twin of ../0009_event_spans.sql: an event's date span as a class (bit length of its days),
-- indexed with date_min so that `events_between` reads only the events near its window.
ALTER TABLE events ADD COLUMN span_class INTEGER;
UPDATE events SET span_class = CASE
    WHEN date_min ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' AND date_max ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
    THEN substr(date_max, 1, 10)::date - substr(date_min, 1, 10)::date ELSE 65536 END
WHERE date_min IS NOT NULL AND date_max IS NOT NULL;
UPDATE events SET span_class = CASE WHEN span_class < 1 THEN 0 WHEN span_class < 2 THEN 1 WHEN span_class < 4 THEN 2 WHEN span_class < 8 THEN 3 WHEN span_class < 16 THEN 4 WHEN span_class < 32 THEN 5 WHEN span_class < 64 THEN 6 WHEN span_class < 128 THEN 7 WHEN span_class < 256 THEN 8 WHEN span_class < 512 THEN 9 WHEN span_class < 1024 THEN 10 WHEN span_class < 2048 THEN 11 WHEN span_class < 4096 THEN 12 WHEN span_class < 8192 THEN 13 WHEN span_class < 16384 THEN 14 WHEN span_class < 32768 THEN 15 WHEN span_class < 65536 THEN 16 ELSE 17 END WHERE span_class IS NOT NULL;
CREATE INDEX events_span_dates ON events(span_class, date_min, date_max, seq);
