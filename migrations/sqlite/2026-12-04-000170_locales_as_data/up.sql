-- Which languages exist is the application's knowledge (`src/languages/`), not the schema's:
-- the locale columns lose their lists of allowed codes, so adding a language needs no migration.
-- SQLite cannot drop a CHECK constraint, and rebuilding `businesses` would cascade deletes
-- through every table that references it; removing a CHECK is one of the changes SQLite
-- documents as safe to make by editing the stored schema ("Making Other Kinds Of Table Schema
-- Changes", sqlite.org/lang_altertable.html). The schema cookie must then grow so every
-- connection reloads the schema; SQL cannot read it into an expression, so it is set to a
-- value far above any this database has reached (each migration adds a handful).
PRAGMA writable_schema = ON;
UPDATE sqlite_master
SET sql = replace(sql, 'locale TEXT NOT NULL CHECK (locale IN (''en'', ''de''))', 'locale TEXT NOT NULL')
WHERE type = 'table' AND name = 'businesses';
UPDATE sqlite_master
SET sql = replace(sql, 'locale TEXT CHECK (locale IN (''en'', ''de''))', 'locale TEXT')
WHERE type = 'table' AND name = 'conversations';
PRAGMA schema_version = 1000000;
PRAGMA writable_schema = OFF;
