DROP TABLE conversation_messages;
DROP TABLE conversations;
DROP TABLE jobs;
