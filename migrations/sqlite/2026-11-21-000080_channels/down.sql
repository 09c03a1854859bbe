ALTER TABLE conversation_messages DROP COLUMN delivery_error;
ALTER TABLE conversation_messages DROP COLUMN platform_message_id;
ALTER TABLE conversation_messages DROP COLUMN sent_at;
ALTER TABLE conversation_messages DROP COLUMN send_started_at;
ALTER TABLE conversation_messages DROP COLUMN template;
ALTER TABLE conversation_messages DROP COLUMN purpose;
DROP TABLE channel_connections;
