-- A business's connection to a messaging platform. `routing_key` is the platform's id that
-- routes an inbound event to its business where one webhook URL serves every business (a
-- Messenger page id, a WhatsApp phone number id); Telegram and SMS webhooks carry the slug.
-- `secrets` (tokens, app secrets) are write-only: the API never returns them.
CREATE TABLE channel_connections (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    platform TEXT NOT NULL CHECK (platform IN ('messenger', 'whatsapp', 'telegram', 'twilio')),
    routing_key TEXT,
    settings TEXT NOT NULL DEFAULT '{}',
    secrets TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (business_id, platform),
    UNIQUE (platform, routing_key)
);

-- Delivery of an outbound message through its platform. `purpose` decides how a message may
-- go out after the platform's customer-service window closed: 'reply' (an answer), 'update'
-- (a booking changed, a reminder: Messenger's CONFIRMED_EVENT_UPDATE tag, a WhatsApp
-- template) or 'staff'. `send_started_at` is written before the platform is called, so that a
-- crash between the call and its result never sends the same message twice.
ALTER TABLE conversation_messages ADD COLUMN purpose TEXT NOT NULL DEFAULT 'reply';
-- For updates: which WhatsApp template stands in outside the window, and its values (JSON).
ALTER TABLE conversation_messages ADD COLUMN template TEXT;
ALTER TABLE conversation_messages ADD COLUMN send_started_at TIMESTAMP;
ALTER TABLE conversation_messages ADD COLUMN sent_at TIMESTAMP;
ALTER TABLE conversation_messages ADD COLUMN platform_message_id TEXT;
ALTER TABLE conversation_messages ADD COLUMN delivery_error TEXT;
