-- The staff inbox and the live stream ask for a business's conversations by last change,
-- whoever owns them.
CREATE INDEX conversations_business_updated ON conversations (business_id, updated_at);
