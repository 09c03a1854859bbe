-- Languages the old schema did not know fall back to English before their list returns.
UPDATE businesses SET locale = 'en' WHERE locale NOT IN ('en', 'de');
UPDATE conversations SET locale = 'en' WHERE locale NOT IN ('en', 'de');
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, 'locale TEXT NOT NULL,', 'locale TEXT NOT NULL CHECK (locale IN (''en'', ''de'')),')
WHERE type = 'table' AND name = 'businesses';
UPDATE sqlite_master
SET sql = replace(sql, 'locale TEXT,', 'locale TEXT CHECK (locale IN (''en'', ''de'')),')
WHERE type = 'table' AND name = 'conversations';
PRAGMA schema_version = 1000001;
PRAGMA writable_schema = OFF;
