-- The customer confirmed they will come (the Confirm button of a chat reminder).
ALTER TABLE bookings ADD COLUMN attendance_confirmed_at TIMESTAMP;
