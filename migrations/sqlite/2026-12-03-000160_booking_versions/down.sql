DROP TRIGGER allocations_version_delete;
DROP TRIGGER allocations_version_update;
DROP TRIGGER allocations_version_insert;
ALTER TABLE resources DROP COLUMN bookings_version;
