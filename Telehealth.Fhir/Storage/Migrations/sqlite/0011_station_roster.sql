-- A station's roster (StationRoster: the patients whose managingOrganization is the station, loaded whole for its
-- commune doctors' reads) was read from every index row naming the station and then each patient's resource row by
-- key. Both sides are now small partial indexes that hold what the roster needs.
CREATE INDEX ix_reference_station ON ix_reference (target_id, rkey)
    WHERE type = 'Patient' AND param = 'organization' AND target_type = 'Organization';
CREATE INDEX ix_resource_patient_id ON resource (rkey, id) WHERE type = 'Patient' AND deleted = 0;
