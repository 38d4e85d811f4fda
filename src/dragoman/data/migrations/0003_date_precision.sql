-- dragoman store schema, version 3: how precise each event's date is.
-- Runs unchanged on DuckDB and PostgreSQL 15.
--
-- `date_precision` is `day`, `month`, `year` (the date is the first of that month or
-- year) or `publication` (the text names no time; the publication date stands in).
-- Events stored before this migration said nothing about it: those dated from the
-- publication date (no `date_text`) are `publication`; the others stay NULL, as the
-- dragoman that stored them did not record how precise their date was (extract the
-- articles again to fill it).
ALTER TABLE events ADD COLUMN date_precision VARCHAR;
UPDATE events SET date_precision = 'publication' WHERE date_text IS NULL;
