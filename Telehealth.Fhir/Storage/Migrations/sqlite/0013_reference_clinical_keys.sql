-- A lone reference's keys in key order from one index range, for any number of matches (see the PostgreSQL
-- migration of the same number). The audit trail's rows are searched the old way.
CREATE INDEX ix_reference_clinical_keys ON ix_reference (type, param, target_id, target_type, rkey)
    WHERE type <> 'AuditEvent';
