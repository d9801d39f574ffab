-- The one patient a resource names (its index's references to a Patient, when they all name the same one), kept in
-- the resource row: a commune doctor's read by id checks that patient against the station roster, and finding it in
-- ix_reference cost a look-up in a table five times the size of resource, from disk at a million resources. NULL for
-- a Patient (it is its own patient), for a resource naming none or several, and for a deleted one.
ALTER TABLE resource ADD COLUMN patient TEXT COLLATE "C";
UPDATE resource r SET patient = s.patient
FROM (SELECT rkey, CASE WHEN MIN(target_id) = MAX(target_id) THEN MIN(target_id) END AS patient
      FROM ix_reference WHERE target_type = 'Patient' GROUP BY rkey) s
WHERE s.rkey = r.rkey AND r.type <> 'Patient' AND r.deleted = 0 AND s.patient IS NOT NULL;
