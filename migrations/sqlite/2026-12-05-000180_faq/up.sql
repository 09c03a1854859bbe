-- The business's own questions and answers: each entry holds, per language, a few ways
-- customers ask it and the answer, as JSON ([{"locale", "examples", "answer"}]).
CREATE TABLE faq_entries (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    translations TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX faq_entries_business ON faq_entries (business_id, position);
