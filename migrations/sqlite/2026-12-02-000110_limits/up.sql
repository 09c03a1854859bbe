-- Failed logins now live in `attempts` beside the other counted events, reserved before the
-- password is checked; their old table goes.
DROP TABLE login_failures;

-- Request limits shared by every instance: one token bucket per limit class and client
-- address, kept as its "theoretical arrival time" (GCRA) in microseconds since 1970. Each
-- instance adds what its own clients used about once a second (`advance_us` carries that
-- amount into the upsert) and reads back what the others used. A row whose time has passed
-- describes a full bucket and is deleted.
CREATE TABLE rate_buckets (
    subject TEXT PRIMARY KEY,
    tat_us BIGINT NOT NULL,
    advance_us BIGINT NOT NULL
);
CREATE INDEX rate_buckets_tat ON rate_buckets (tat_us);

-- Forgotten passwords: a single-use link sent by email. Only the SHA-256 of its token is kept.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_user ON password_resets (user_id);
CREATE INDEX password_resets_expiry ON password_resets (expires_at);
