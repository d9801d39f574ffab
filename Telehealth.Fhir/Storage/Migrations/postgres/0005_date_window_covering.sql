-- A date window (date=ge…&date=lt…) reads every index row in it to find its first page. With the row's end and key in
-- the index, that is an index-only scan instead of one table fetch per row (thousands a day at a million resources).
CREATE INDEX ix_date_window ON ix_date (type, param, is_short, low) INCLUDE (high, rkey);
DROP INDEX ix_date_short_low;
