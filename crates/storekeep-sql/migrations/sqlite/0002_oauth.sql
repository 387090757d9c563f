-- OAuth: tokens (by SHA-256 of the token) and API-client secret hashes (by client id). Both
-- live in one partition ('~oauth', not a valid project key): the token endpoint and the
-- bearer check find them before they know the project.
CREATE TABLE oauth_tokens (
    project_key TEXT NOT NULL,
    id TEXT NOT NULL,
    key TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    last_modified_at TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (project_key, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX oauth_tokens_key ON oauth_tokens (project_key, key);
CREATE INDEX oauth_tokens_client ON oauth_tokens (project_key, json_extract(body, '$.clientId'));

CREATE TABLE client_secrets (
    project_key TEXT NOT NULL,
    id TEXT NOT NULL,
    key TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    last_modified_at TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (project_key, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX client_secrets_key ON client_secrets (project_key, key);
