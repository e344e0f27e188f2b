-- An event's span class: its date span (date_max - date_min, in days) as a bit length, 0 for one day, k for
-- 2^(k-1)..2^k-1 days, 17 for 65,536 days or more or dates that are not days. `events_between` looks up the
-- events overlapping a window with one index range per class (date_min from the window's start less the
-- class's longest span, to the window's end) instead of reading every event that starts before the window
-- ends. Kept by `store.clusters.save`; filled here for the events already stored.
ALTER TABLE events ADD COLUMN span_class INTEGER;
UPDATE events SET span_class = coalesce(
    CAST(julianday(substr(date_max, 1, 10)) - julianday(substr(date_min, 1, 10)) AS INTEGER), 65536)
WHERE date_min IS NOT NULL AND date_max IS NOT NULL;
UPDATE events SET span_class = CASE WHEN span_class < 1 THEN 0 WHEN span_class < 2 THEN 1 WHEN span_class < 4 THEN 2 WHEN span_class < 8 THEN 3 WHEN span_class < 16 THEN 4 WHEN span_class < 32 THEN 5 WHEN span_class < 64 THEN 6 WHEN span_class < 128 THEN 7 WHEN span_class < 256 THEN 8 WHEN span_class < 512 THEN 9 WHEN span_class < 1024 THEN 10 WHEN span_class < 2048 THEN 11 WHEN span_class < 4096 THEN 12 WHEN span_class < 8192 THEN 13 WHEN span_class < 16384 THEN 14 WHEN span_class < 32768 THEN 15 WHEN span_class < 65536 THEN 16 ELSE 17 END WHERE span_class IS NOT NULL;
CREATE INDEX events_span_dates ON events(span_class, date_min, date_max, seq);
