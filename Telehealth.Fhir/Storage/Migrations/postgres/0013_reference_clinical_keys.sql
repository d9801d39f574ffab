-- A lone reference search ("the encounters of Patient/X") joined resource to a semi-join over ix_reference_search,
-- and its plan depended on the value: 3 encounters by the index, a station's 16,667 patients by a merge in key order
-- (0.25 ms). PostgreSQL planned it anew on each execution (about 0.5-0.7 ms of planning for 0.1 ms of work) until the
-- plan cache of a connection settled on the generic plan, which then took 119 ms for the station. This index holds the
-- clinical rows (the audit trail's are most of the table and are searched the old way) with the key last, so a lone
-- reference's keys come in key order from one index range: the first page is its first entries, for any number of
-- matches, under one generic plan.
CREATE INDEX ix_reference_clinical_keys ON ix_reference (type, param, target_id, target_type, rkey)
    WHERE type <> 'AuditEvent';
