-- A date window drives an unsorted page in key order. Read as one range on the start (ix_date_window), every row in
-- the window was read and sorted for a page of 20. Each whole day of the window is now read on its own from this
-- index, already in key order, so the rows are merged and the reading stops at the end of the page (DateSql.DayParts).
CREATE INDEX ix_date_day ON ix_date (type, param, span_class, low / 864000000000, rkey, low, high);
