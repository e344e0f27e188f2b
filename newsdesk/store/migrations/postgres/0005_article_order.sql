-- PostgreSQL twin of ../0005_article_order.sql: an index on the newest-first listing order.
CREATE INDEX articles_newest ON articles ((coalesce(published, '')) DESC, rowid);
