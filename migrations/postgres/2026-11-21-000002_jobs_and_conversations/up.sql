-- Durable work: outbound messages, emails, reminders, inbound events waiting to be handled.
-- A job is claimed by one worker at a time (a lease); if its worker dies, the lease runs out
-- and another worker takes it over.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    business_id TEXT REFERENCES businesses (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- At most one job per key (a reminder per booking and offset, an answer per inbound message),
    -- so enqueueing twice cannot send twice.
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_until TIMESTAMP,
    locked_by TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_business ON jobs (business_id, status, updated_at);

-- One conversation per customer thread on one channel (a web chat id, a Messenger PSID, a
-- WhatsApp number, a Telegram chat, a phone number for SMS).
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'messenger', 'whatsapp', 'telegram', 'sms')),
    external_key TEXT NOT NULL,
    customer_id TEXT REFERENCES customers (id),
    locale TEXT CHECK (locale IN ('en', 'de')),
    -- 'human' while staff have taken the conversation over; the bot stays silent.
    owner TEXT NOT NULL DEFAULT 'bot' CHECK (owner IN ('bot', 'human')),
    handed_off_at TIMESTAMP,
    -- What the dialogue knows so far and what it offered, as JSON.
    state TEXT NOT NULL DEFAULT '{}',
    last_inbound_at TIMESTAMP,
    last_outbound_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (business_id, channel, external_key)
);
CREATE INDEX conversations_owner ON conversations (business_id, owner, updated_at);

CREATE TABLE conversation_messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    author TEXT NOT NULL CHECK (author IN ('customer', 'bot', 'staff')),
    -- The platform's id of an inbound message: a redelivered message is recognised by it.
    external_id TEXT,
    text TEXT NOT NULL DEFAULT '',
    payload TEXT,
    -- JSON [{"title":…,"payload":…}] offered with an outbound message.
    choices TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX conversation_messages_external ON conversation_messages (conversation_id, direction, external_id);
CREATE INDEX conversation_messages_conversation ON conversation_messages (conversation_id, created_at);
