-- When the current attempt of a job began what cannot be taken back (an email handed to the
-- mail server). A job whose worker vanished is retried as new when this is empty (it was only
-- claimed), and treated as "may already have arrived" when it is set.
ALTER TABLE jobs ADD COLUMN started_at TIMESTAMP;
