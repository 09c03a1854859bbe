-- How the chat books for a business.
ALTER TABLE businesses ADD COLUMN hold_minutes INTEGER NOT NULL DEFAULT 10
    CHECK (hold_minutes BETWEEN 1 AND 60);
ALTER TABLE businesses ADD COLUMN handoff_timeout_minutes INTEGER NOT NULL DEFAULT 120
    CHECK (handoff_timeout_minutes BETWEEN 5 AND 10080);
ALTER TABLE businesses ADD COLUMN contact_requirement TEXT NOT NULL DEFAULT 'phone_or_email'
    CHECK (contact_requirement IN ('phone', 'email', 'phone_or_email', 'phone_and_email'));

-- The business's own standard questions ("Are you a new patient?").
CREATE TABLE customer_questions (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    prompt_en TEXT NOT NULL,
    prompt_de TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'yes_no')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX customer_questions_business ON customer_questions (business_id, position);

-- Answers are kept with the booking, with the question as it was asked.
CREATE TABLE booking_answers (
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES customer_questions (id) ON DELETE CASCADE,
    customer_id TEXT REFERENCES customers (id),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (booking_id, question_id)
);
CREATE INDEX booking_answers_customer ON booking_answers (customer_id, question_id);

-- The inbound message an outbound one answers, so a redelivered message gets the same answer
-- back instead of a second one.
ALTER TABLE conversation_messages ADD COLUMN in_reply_to TEXT;
