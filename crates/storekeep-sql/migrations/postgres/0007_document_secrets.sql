-- Secrets kept beside the body, never in it (issue 21 F10): bodies are returned verbatim to
-- every reader, so a customer's Argon2id password hash moves out of the body into `secret`.
-- Every document table gets the column so that one statement shape serves all collections;
-- only customers use it.
ALTER TABLE projects ADD COLUMN secret TEXT;
ALTER TABLE stores ADD COLUMN secret TEXT;
ALTER TABLE customers ADD COLUMN secret TEXT;
ALTER TABLE api_clients ADD COLUMN secret TEXT;
ALTER TABLE carts ADD COLUMN secret TEXT;
ALTER TABLE oauth_tokens ADD COLUMN secret TEXT;
ALTER TABLE client_secrets ADD COLUMN secret TEXT;
ALTER TABLE customer_tokens ADD COLUMN secret TEXT;
-- Existing customers: the hash leaves the body in the same transaction as the migration.
UPDATE customers
SET secret = body->>'password',
    body = body - 'password'
WHERE body ? 'password';
