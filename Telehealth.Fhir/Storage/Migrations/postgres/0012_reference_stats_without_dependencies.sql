-- Every read of patient data leaves an AuditEvent naming what was read, so most index rows that name a given resource
-- are AuditEvents' (in the benchmark's 100,000-resource database after its searches: 6.4 of 6.7 million rows). The
-- functional dependencies in these statistics (0004) then said that naming a resource implies the AuditEvent type, and
-- the planner did not narrow a clinical search by its type at all: "the encounters of patient X" was estimated at 319
-- rows instead of 3, and both the custom and the generic plan walked every encounter in key order, merging with those 3
-- (37 ms and 10,526 buffers for the last patient, 0.2 ms and 17 buffers by the index). The most common combinations (a
-- station's thousands of patients, for which the statistics were made) stay in the MCV list; without the dependencies
-- every other combination is estimated from the columns separately: one row for a patient's encounters, read by the
-- index.
DROP STATISTICS IF EXISTS ix_reference_search_stats;
CREATE STATISTICS ix_reference_search_stats (mcv) ON type, param, target_type, target_id FROM ix_reference;
ANALYZE ix_reference;
