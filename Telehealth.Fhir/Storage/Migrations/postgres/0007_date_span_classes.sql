-- A date window reads the short rows from a bound on their start: the window's start less the longest span of the
-- class. With one class under a day, a one-day window of instants read two days of rows; instants and short periods
-- (under an hour) now have a class of their own, read from an hour before the window. 0 long, 1 under a day, 2 under
-- an hour (DateSpan). Rows not updated would still be found (a looser class only reads more), so this only speeds up
-- the data already stored.
ALTER TABLE ix_date RENAME COLUMN is_short TO span_class;
UPDATE ix_date SET span_class = 2 WHERE span_class = 1 AND high - low < 36000000000;
