-- Customer sessions. Token look-ups by customer (revocation on password change and reset and
-- on deletion) and by anonymous id (an anonymous id in use is refused), and the counters of
-- the sign-in throttle (D12): one row per (project, key) that expires `expires_at` (epoch ms);
-- expired rows are purged with the expired tokens.
CREATE INDEX oauth_tokens_customer ON oauth_tokens (project_key, json_extract(body, '$.customerId'));
CREATE INDEX oauth_tokens_anonymous ON oauth_tokens (project_key, json_extract(body, '$.anonymousId'));

CREATE TABLE counters (
    project_key TEXT NOT NULL,
    counter_key TEXT NOT NULL,
    n INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (project_key, counter_key)
) WITHOUT ROWID;
CREATE INDEX counters_expiry ON counters (expires_at);
