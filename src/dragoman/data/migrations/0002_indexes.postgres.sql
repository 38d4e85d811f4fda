-- PostgreSQL: the indexes behind the usual filters of `Store.events()` and the
-- per-article lookups of `Store.article()`.
CREATE INDEX articles_id ON articles (id);
CREATE INDEX events_source_country ON events (source_country);
CREATE INDEX events_target_country ON events (target_country);
CREATE INDEX events_source_code ON events (source_code varchar_pattern_ops);
CREATE INDEX events_target_code ON events (target_code varchar_pattern_ops);
CREATE INDEX events_date ON events (date);
CREATE INDEX events_root ON events (root);
CREATE INDEX articles_published ON articles (published);
