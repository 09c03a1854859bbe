-- Every change to a resource's allocations bumps its `bookings_version` in the same
-- transaction, whatever made it (a booking, a cancellation, an expired hold, a cascade): cached
-- availability is keyed by these versions, so it can never outlive the bookings it was
-- computed from. The update takes the resource row's lock, which bookings already hold
-- (`FOR NO KEY UPDATE`) before inserting, so it adds no waiting.
ALTER TABLE resources ADD COLUMN bookings_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION allocations_bump_version() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE resources SET bookings_version = bookings_version + 1 WHERE id = OLD.resource_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.resource_id <> OLD.resource_id) THEN
        UPDATE resources SET bookings_version = bookings_version + 1 WHERE id = NEW.resource_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER allocations_version AFTER INSERT OR UPDATE OR DELETE ON allocations
    FOR EACH ROW EXECUTE FUNCTION allocations_bump_version();
