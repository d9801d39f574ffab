-- Indexes for search paths 0001 left to table scans.
-- name:exact=... compares the original text.
CREATE INDEX IF NOT EXISTS ix_string_exact ON ix_string (type, param, exact);
-- code:text=... is a starts-with range on a token's folded display text.
CREATE INDEX IF NOT EXISTS ix_token_text ON ix_token (type, param, text);
-- _lastUpdated=gt... on one resource type.
CREATE INDEX IF NOT EXISTS ix_resource_updated ON resource (type, last_updated);
