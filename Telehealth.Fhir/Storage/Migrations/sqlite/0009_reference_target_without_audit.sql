-- Every read of patient data names what was read in an AuditEvent (batched): about two and a half reference rows per
-- read, each inserted into ix_reference's three indexes at random places. The index by target alone serves only
-- "everything that refers to X": $everything, which leaves the audit trail out, and _revinclude without a parameter,
-- which for AuditEvents is answered from the search index by naming their reference parameters. So AuditEvents' rows
-- leave this index, and a read's audit costs two index insertions instead of three.
CREATE INDEX ix_reference_target_clinical ON ix_reference (target_type, target_id) WHERE type <> 'AuditEvent';
DROP INDEX ix_reference_target;
