ALTER TABLE conversation_messages DROP COLUMN in_reply_to;
DROP TABLE booking_answers;
DROP TABLE customer_questions;
ALTER TABLE businesses DROP COLUMN contact_requirement;
ALTER TABLE businesses DROP COLUMN handoff_timeout_minutes;
ALTER TABLE businesses DROP COLUMN hold_minutes;
