-- Most indexed dates span less than a day (a dateTime, a date, a short encounter). For those, a condition on the
-- range's end also bounds its start to within a day, so searches can scan (type, param, is_short, low) narrowly
-- instead of half the table. Rows of older versions are marked here; new rows are marked when written.
ALTER TABLE ix_date ADD COLUMN is_short SMALLINT NOT NULL DEFAULT 0;
UPDATE ix_date SET is_short = CASE WHEN high - low < 864000000000 THEN 1 ELSE 0 END;
CREATE INDEX ix_date_short_low ON ix_date (type, param, is_short, low);
