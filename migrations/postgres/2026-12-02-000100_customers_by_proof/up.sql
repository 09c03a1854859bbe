-- A customer is known only by proof. Typed contact details prove nothing: they stay on the
-- booking they came with (a snapshot) and reach the customer about that booking only. What
-- proves who someone is lives in `customer_identities`: a platform's authenticated sender
-- (Messenger PSID, Telegram user id; a WhatsApp or SMS number is a `phone`), or a phone
-- number or email address confirmed with a one-time code.
CREATE TABLE customer_identities (
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'messenger', 'telegram')),
    value TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    verified_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (business_id, kind, value)
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

-- A customer record's phone and email are what the proven person gave; they identify nobody,
-- so two records may show the same number (staff merge them by hand).
DROP INDEX customers_phone;
DROP INDEX customers_email;
CREATE INDEX customers_phone ON customers (business_id, phone);
CREATE INDEX customers_email ON customers (business_id, email);

-- The contact a booking was made with, as given; `customer_id` links it to a customer record
-- only on a proven match. `conversation_id`: the chat it was made in, whose own it always is
-- (and where its chat reminders go). `held_by`: the client address that placed a hold, so one
-- address cannot hold a whole day. `manage_version`: bumped when staff revoke the manage link.
ALTER TABLE bookings ADD COLUMN customer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN customer_phone TEXT;
ALTER TABLE bookings ADD COLUMN customer_email TEXT;
ALTER TABLE bookings ADD COLUMN conversation_id TEXT REFERENCES conversations (id) ON DELETE SET NULL;
ALTER TABLE bookings ADD COLUMN held_by TEXT;
ALTER TABLE bookings ADD COLUMN manage_version INTEGER NOT NULL DEFAULT 0;
UPDATE bookings SET
    customer_name = COALESCE((SELECT c.name FROM customers c WHERE c.id = bookings.customer_id), ''),
    customer_phone = (SELECT c.phone FROM customers c WHERE c.id = bookings.customer_id),
    customer_email = (SELECT c.email FROM customers c WHERE c.id = bookings.customer_id)
WHERE customer_id IS NOT NULL;
CREATE INDEX bookings_customer_phone ON bookings (business_id, customer_phone);
CREATE INDEX bookings_customer_email ON bookings (business_id, customer_email);
CREATE INDEX bookings_conversation ON bookings (conversation_id);
CREATE INDEX bookings_live_holds ON bookings (business_id, held_by) WHERE status = 'held';

-- Conversations were tied to customers by typed phone numbers, which proved nothing; every
-- conversation proves itself again.
UPDATE conversations SET customer_id = NULL;
-- The customer asked in chat for their data to be deleted: the request waits in the inbox.
ALTER TABLE conversations ADD COLUMN privacy_request_at TIMESTAMP;

-- One-time codes: sent to a phone number or email address, typed back in the same
-- conversation. Only a keyed hash of the code is kept.
CREATE TABLE verification_codes (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    contact_kind TEXT NOT NULL CHECK (contact_kind IN ('phone', 'email')),
    contact_value TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    consumed_at TIMESTAMP
);
CREATE INDEX verification_codes_conversation ON verification_codes (conversation_id, created_at);
CREATE INDEX verification_codes_contact ON verification_codes (business_id, contact_value);

-- Signed chat links (an m.me ref, a Telegram /start, a web chat link) tie one platform
-- identity to a customer once: a used link's hash is kept until it would have expired.
CREATE TABLE used_chat_links (
    token_hash TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    used_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- Events that limits count across instances and restarts: code requests, reference checks,
-- failed logins, password resets. One row per event under a subject such as
-- `code:contact:+49170…` or `reference:address:192.0.2.1`.
CREATE TABLE attempts (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX attempts_subject ON attempts (subject, at);
CREATE INDEX attempts_time ON attempts (at);

-- Privacy settings of a business: its privacy notice (linked from the chat's greeting), how
-- long chat transcripts are kept, and how long a manage link works after the appointment.
ALTER TABLE businesses ADD COLUMN privacy_url TEXT;
ALTER TABLE businesses ADD COLUMN transcript_retention_days INTEGER NOT NULL DEFAULT 365
    CHECK (transcript_retention_days BETWEEN 1 AND 3650);
ALTER TABLE businesses ADD COLUMN manage_link_days INTEGER NOT NULL DEFAULT 30
    CHECK (manage_link_days BETWEEN 1 AND 3650);
