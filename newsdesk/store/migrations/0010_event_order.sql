-- The event listing pages newest first (`clusters.event_page`): an index on exactly that ordering picks a
-- page's ids without sorting every event.
CREATE INDEX events_newest ON events(coalesce(date_max, '') DESC, seq DESC);
