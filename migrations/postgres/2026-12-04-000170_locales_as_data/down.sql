-- Languages the old schema did not know fall back to English before their list returns.
UPDATE businesses SET locale = 'en' WHERE locale NOT IN ('en', 'de');
UPDATE conversations SET locale = 'en' WHERE locale NOT IN ('en', 'de');
ALTER TABLE businesses ADD CONSTRAINT businesses_locale_check CHECK (locale IN ('en', 'de'));
ALTER TABLE conversations ADD CONSTRAINT conversations_locale_check CHECK (locale IN ('en', 'de'));
