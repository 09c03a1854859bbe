-- Reminders and calendars.
-- How long before an appointment its reminders go out, as a JSON array of minutes.
ALTER TABLE businesses ADD COLUMN reminder_offsets_minutes TEXT NOT NULL DEFAULT '[1440,120]';

-- A staff member's subscribable calendar. Only the SHA-256 of the feed token is stored; the
-- feed is found by that hash, and replacing the row (a new token) ends the old link.
CREATE TABLE calendar_feeds (
    staff_id TEXT PRIMARY KEY REFERENCES resources (id) ON DELETE CASCADE,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
