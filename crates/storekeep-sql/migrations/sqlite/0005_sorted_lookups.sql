-- Equality lookups by email, lowercase email or customer number return their rows in id order
-- (the tie-breaker of every sort), so such a query needs no separate sort step (SQLite built a
-- temporary B-tree for it on every request).
DROP INDEX customers_email;
CREATE INDEX customers_email ON customers (project_key, json_extract(body, '$.email'), id);
DROP INDEX customers_lower_email;
CREATE INDEX customers_lower_email ON customers (project_key, json_extract(body, '$.lowercaseEmail'), id);
DROP INDEX customers_number;
CREATE INDEX customers_number ON customers (project_key, json_extract(body, '$.customerNumber'), id);
-- Claims by owner lead with the owner: an exclusion check (project, collection, value) then has
-- one clearly best index (claims_value) even without planner statistics. With the owner last,
-- PostgreSQL's generic plan (no ANALYZE yet, e.g. autovacuum off) scanned every claim of the
-- collection through claims_owner on each sign-up.
DROP INDEX claims_owner;
CREATE INDEX claims_owner ON claims (owner_id, project_key, coll);
