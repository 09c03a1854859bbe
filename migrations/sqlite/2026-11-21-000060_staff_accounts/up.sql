-- Staff logins for the staff web page, their sessions, failed login attempts (the rate limit
-- must hold across instances, so its counters live here), arrivals, and an index that lets
-- every instance notice booking changes made by any other.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    -- The login name, lower-cased; one login per address across all businesses.
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_business ON users (business_id, email);

-- Only the SHA-256 of the session cookie is stored: a leaked table opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- One row per failed login, keyed by login name and by client address.
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, failed_at);
CREATE INDEX login_failures_time ON login_failures (failed_at);

ALTER TABLE bookings ADD COLUMN arrived_at TIMESTAMP;

CREATE INDEX bookings_business_updated ON bookings (business_id, updated_at);
