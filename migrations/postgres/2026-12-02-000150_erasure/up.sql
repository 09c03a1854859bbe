-- An erased customer keeps an empty record, so that erasing again is a no-op that says so and
-- the anonymous time blocks of their bookings still count as one person's visits. Everything
-- that named them is gone; `erased_at` says when.
ALTER TABLE customers ADD COLUMN erased_at TIMESTAMP;

-- The retention job deletes chat messages older than a business's transcript_retention_days.
CREATE INDEX conversation_messages_created ON conversation_messages (created_at);
