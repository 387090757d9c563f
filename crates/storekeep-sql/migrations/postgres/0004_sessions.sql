-- Customer sessions. Token look-ups by customer (revocation on password change and reset and
-- on deletion) and by anonymous id (an anonymous id in use is refused), and the counters of
-- the sign-in throttle (D12): one row per (project, key) that expires `expires_at` (epoch ms);
-- expired rows are purged with the expired tokens.
CREATE INDEX oauth_tokens_customer ON oauth_tokens (project_key, (body->>'customerId'));
CREATE INDEX oauth_tokens_anonymous ON oauth_tokens (project_key, (body->>'anonymousId'));

CREATE TABLE counters (
    project_key TEXT NOT NULL,
    counter_key TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (project_key, counter_key)
);
CREATE INDEX counters_expiry ON counters (expires_at);
