-- Every change to a resource's allocations bumps its `bookings_version` in the same
-- transaction, whatever made it (a booking, a cancellation, an expired hold, a cascade): cached
-- availability is keyed by these versions, so it can never outlive the bookings it was
-- computed from.
ALTER TABLE resources ADD COLUMN bookings_version BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER allocations_version_insert AFTER INSERT ON allocations
BEGIN
    UPDATE resources SET bookings_version = bookings_version + 1 WHERE id = NEW.resource_id;
END;

CREATE TRIGGER allocations_version_update AFTER UPDATE ON allocations
BEGIN
    UPDATE resources SET bookings_version = bookings_version + 1
    WHERE id IN (OLD.resource_id, NEW.resource_id);
END;

CREATE TRIGGER allocations_version_delete AFTER DELETE ON allocations
BEGIN
    UPDATE resources SET bookings_version = bookings_version + 1 WHERE id = OLD.resource_id;
END;
