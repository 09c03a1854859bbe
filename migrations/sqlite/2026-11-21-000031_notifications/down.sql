DROP TABLE calendar_feeds;
ALTER TABLE businesses DROP COLUMN reminder_offsets_minutes;
