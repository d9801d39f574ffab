-- A name search reads every index row of the name to order its matches by key (a full name matches hundreds of
-- patients at a million resources). With the key in the index, those rows come from the index alone.
CREATE INDEX ix_string_search_keys ON ix_string (type, param, folded, rkey);
DROP INDEX ix_string_search;
