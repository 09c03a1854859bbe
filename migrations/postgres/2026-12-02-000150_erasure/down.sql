DROP INDEX conversation_messages_created;
ALTER TABLE customers DROP COLUMN erased_at;
