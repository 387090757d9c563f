-- OAuth: tokens (by SHA-256 of the token) and API-client secret hashes (by client id). Both
-- live in one partition ('~oauth', not a valid project key): the token endpoint and the
-- bearer check find them before they know the project.
CREATE TABLE oauth_tokens (
    project_key TEXT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C",
    version BIGINT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_modified_at TEXT COLLATE "C" NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (project_key, id)
);
CREATE UNIQUE INDEX oauth_tokens_key ON oauth_tokens (project_key, key);
CREATE INDEX oauth_tokens_client ON oauth_tokens (project_key, (body->>'clientId'));

CREATE TABLE client_secrets (
    project_key TEXT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C",
    version BIGINT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    last_modified_at TEXT COLLATE "C" NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (project_key, id)
);
CREATE UNIQUE INDEX client_secrets_key ON client_secrets (project_key, key);
