-- A code's rows in key order from one index range, its system carried in the index (see the PostgreSQL migration of
-- the same number).
DROP INDEX IF EXISTS ix_token_search;
CREATE INDEX ix_token_search ON ix_token (type, param, code, rkey, system);
