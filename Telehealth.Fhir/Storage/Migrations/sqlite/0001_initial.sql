-- Current state of each resource; every version (and its JSON) is in resource_version.
CREATE TABLE resource (
    rkey INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    last_updated INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    UNIQUE (type, id)
);
CREATE TABLE resource_version (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    rkey INTEGER NOT NULL,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    last_updated INTEGER NOT NULL,
    method TEXT NOT NULL,
    json TEXT,
    UNIQUE (rkey, version)
);
CREATE INDEX ix_version_type_seq ON resource_version (type, seq);
CREATE TABLE ix_string (rkey INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, folded TEXT NOT NULL, exact TEXT NOT NULL);
CREATE INDEX ix_string_search ON ix_string (type, param, folded);
CREATE INDEX ix_string_rkey ON ix_string (rkey);
CREATE TABLE ix_token (rkey INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, system TEXT, code TEXT, text TEXT);
CREATE INDEX ix_token_search ON ix_token (type, param, code, system);
CREATE INDEX ix_token_rkey ON ix_token (rkey);
CREATE TABLE ix_date (rkey INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL);
CREATE INDEX ix_date_low ON ix_date (type, param, low);
CREATE INDEX ix_date_high ON ix_date (type, param, high);
CREATE INDEX ix_date_rkey ON ix_date (rkey);
CREATE TABLE ix_reference (rkey INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, target_type TEXT, target_id TEXT, url TEXT);
CREATE INDEX ix_reference_search ON ix_reference (type, param, target_id, target_type);
CREATE INDEX ix_reference_target ON ix_reference (target_type, target_id);
CREATE INDEX ix_reference_rkey ON ix_reference (rkey);
CREATE TABLE ix_quantity (rkey INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, system TEXT, code TEXT, low REAL NOT NULL, high REAL NOT NULL);
CREATE INDEX ix_quantity_search ON ix_quantity (type, param, low);
CREATE INDEX ix_quantity_rkey ON ix_quantity (rkey);
CREATE TABLE ix_number (rkey INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, low REAL NOT NULL, high REAL NOT NULL);
CREATE INDEX ix_number_search ON ix_number (type, param, low);
CREATE INDEX ix_number_rkey ON ix_number (rkey);
CREATE TABLE ix_uri (rkey INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, uri TEXT NOT NULL);
CREATE INDEX ix_uri_search ON ix_uri (type, param, uri);
CREATE INDEX ix_uri_rkey ON ix_uri (rkey);
CREATE TABLE ix_composite (rkey INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL,
    system1 TEXT, code1 TEXT, system2 TEXT, code2 TEXT, low2 REAL, high2 REAL, text2 TEXT);
CREATE INDEX ix_composite_search ON ix_composite (type, param, code1);
CREATE INDEX ix_composite_rkey ON ix_composite (rkey);
