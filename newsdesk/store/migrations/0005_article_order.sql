-- Listings page through articles newest first: an index on exactly that ordering keeps a page cheap.
CREATE INDEX articles_newest ON articles(coalesce(published, '') DESC, rowid);
