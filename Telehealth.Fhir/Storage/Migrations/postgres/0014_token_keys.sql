-- A lone token search ("Patient?identifier=…", "Observation?code=…") was a semi-join over this index, and its plan
-- depended on the code: one patient by the index, 100,000 heart rates at a million resources by a merge in key order
-- (4 ms). Once a connection's plan cache settled on the generic plan, the common code took 0.7-1 s: every match looked
-- up, then sorted. With the key after the code, a code's rows come in key order from one index range, and a lone
-- token's first page is its first entries under one generic plan. The system is carried in the index, so a code with
-- its system is checked there. Every key is now distinct, so PostgreSQL no longer folds equal codes together: the
-- index is larger (99 MB before, at a million resources).
DROP INDEX IF EXISTS ix_token_search;
CREATE INDEX ix_token_search ON ix_token (type, param, code, rkey) INCLUDE (system);
