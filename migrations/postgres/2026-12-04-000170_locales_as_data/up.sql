-- Which languages exist is the application's knowledge (`src/languages/`), not the schema's:
-- the locale columns lose their lists of allowed codes, so adding a language needs no migration.
ALTER TABLE businesses DROP CONSTRAINT IF EXISTS businesses_locale_check;
ALTER TABLE conversations DROP CONSTRAINT IF EXISTS conversations_locale_check;
