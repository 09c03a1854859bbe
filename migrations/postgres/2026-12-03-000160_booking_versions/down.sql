DROP TRIGGER allocations_version ON allocations;
DROP FUNCTION allocations_bump_version();
ALTER TABLE resources DROP COLUMN bookings_version;
