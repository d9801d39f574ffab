-- (0004 was PostgreSQL's alone.) A date window (date=ge…&date=lt…) reads every index row in it to find its first
-- page. With the row's end and key in the index, the table itself is not read for them.
CREATE INDEX ix_date_window ON ix_date (type, param, is_short, low, high, rkey);
DROP INDEX ix_date_short_low;
