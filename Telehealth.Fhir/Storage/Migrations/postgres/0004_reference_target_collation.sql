-- References are joined to resource ids (chains, _has, the access rules). resource.id compares in the C collation;
-- ix_reference.target_id had the database's default, so such a join could not use ix_reference's indexes on
-- target_id and filtered row by row instead. Both now compare alike.
ALTER TABLE ix_reference ALTER COLUMN target_id TYPE TEXT COLLATE "C";
-- The planner treats type, param, target_type and target_id as independent and so guesses that a station manages
-- one patient (it manages thousands): statistics on the columns together give it the real counts.
CREATE STATISTICS IF NOT EXISTS ix_reference_search_stats (dependencies, mcv) ON type, param, target_type, target_id FROM ix_reference;
