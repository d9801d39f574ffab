-- A station's roster (StationRoster: the patients whose managingOrganization is the station, loaded whole for its
-- commune doctors' reads) was read from every index row naming the station (its patients, their encounters, ...: 66,668
-- at a million resources) and then each patient's resource row by key: 84,770 buffers and 141 ms for 16,667 patients,
-- loaded every 22 s while the station's doctors read. Both sides are now small partial indexes read without the
-- tables: 597 buffers and 23 ms for the same roster.
CREATE INDEX ix_reference_station ON ix_reference (target_id, rkey)
    WHERE type = 'Patient' AND param = 'organization' AND target_type = 'Organization';
CREATE INDEX ix_resource_patient_id ON resource (rkey) INCLUDE (id) WHERE type = 'Patient' AND deleted = 0;
