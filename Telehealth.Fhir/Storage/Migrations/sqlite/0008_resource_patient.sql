-- The one patient a resource names, kept in the resource row (see the PostgreSQL migration of the same number).
ALTER TABLE resource ADD COLUMN patient TEXT;
UPDATE resource SET patient = (SELECT CASE WHEN MIN(sp.target_id) = MAX(sp.target_id) THEN MIN(sp.target_id) END
                               FROM ix_reference sp WHERE sp.rkey = resource.rkey AND sp.target_type = 'Patient')
WHERE type <> 'Patient' AND deleted = 0;
