DROP INDEX channel_connections_claims;
DELETE FROM channel_connections WHERE claimed_key IS NOT NULL AND routing_key IS NULL;
ALTER TABLE channel_connections DROP COLUMN version;
ALTER TABLE channel_connections DROP COLUMN claimed_key;
