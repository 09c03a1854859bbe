ALTER TABLE bookings DROP COLUMN attendance_confirmed_at;
