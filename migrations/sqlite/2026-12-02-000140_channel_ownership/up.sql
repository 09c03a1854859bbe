-- Channel ownership: entering a Messenger page id or WhatsApp phone number id only *claims*
-- it. `claimed_key` is the id the business entered; `routing_key` (unique per platform, as
-- before) is now set only while the connection is the proven, active one for that id, so the
-- database itself allows one receiver per page or number and any number of pending claims.
-- Telegram and SMS connections have neither: their webhook URL names the business.
-- `version` grows with every change, so each instance can keep parsed connections and
-- revalidate them by reading (id, version) pairs instead of every secret.
-- Connections that exist were the only claim on their id (a second one was refused until
-- now): they stay active; a later claim by the real owner takes over with a signed call.
ALTER TABLE channel_connections ADD COLUMN claimed_key TEXT;
ALTER TABLE channel_connections ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
UPDATE channel_connections SET claimed_key = routing_key;
CREATE INDEX channel_connections_claims ON channel_connections (platform, claimed_key);
