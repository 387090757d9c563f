-- Customer password-reset and email-verification tokens, by the SHA-256 of the token value
-- (the value itself is never stored), looked up by id and deleted per customer and kind.
CREATE TABLE customer_tokens (
    project_key TEXT NOT NULL,
    id TEXT NOT NULL,
    key TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    last_modified_at TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (project_key, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX customer_tokens_key ON customer_tokens (project_key, key);
CREATE INDEX customer_tokens_customer ON customer_tokens (project_key, json_extract(body, '$.customerId'));
