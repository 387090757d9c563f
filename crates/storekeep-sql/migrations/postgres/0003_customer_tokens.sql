-- Customer password-reset and email-verification tokens, by the SHA-256 of the token value
-- (the value itself is never stored), looked up by id and deleted per customer and kind.
CREATE TABLE customer_tokens (
    project_key TEXT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C",
    version BIGINT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_modified_at TEXT COLLATE "C" NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (project_key, id)
);
CREATE UNIQUE INDEX customer_tokens_key ON customer_tokens (project_key, key);
CREATE INDEX customer_tokens_customer ON customer_tokens (project_key, (body->>'customerId'));
