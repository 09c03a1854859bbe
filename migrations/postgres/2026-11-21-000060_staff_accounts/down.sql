DROP INDEX bookings_business_updated;
ALTER TABLE bookings DROP COLUMN arrived_at;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE users;
