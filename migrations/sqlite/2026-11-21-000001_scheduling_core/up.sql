-- The scheduling core: businesses, their bookable resources (staff members first), hours,
-- services, customers and bookings. Instants are UTC in `TIMESTAMP` columns; ids are UUID text.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE businesses (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    locale TEXT NOT NULL CHECK (locale IN ('en', 'de')),
    address TEXT NOT NULL DEFAULT '',
    phone TEXT,
    notification_email TEXT,
    slot_interval_minutes INTEGER NOT NULL CHECK (slot_interval_minutes BETWEEN 5 AND 720),
    min_notice_minutes INTEGER NOT NULL CHECK (min_notice_minutes >= 0),
    booking_horizon_days INTEGER NOT NULL CHECK (booking_horizon_days >= 1),
    cancellation_cutoff_minutes INTEGER NOT NULL CHECK (cancellation_cutoff_minutes >= 0),
    api_key_hash TEXT NOT NULL UNIQUE,
    -- Bumped by every change to hours, staff, services, closures or policies, so that any
    -- instance can tell whether its cached copy of the calendar is still current.
    config_version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Anything that can be booked: staff members now; rooms and equipment share the same
-- non-overlap guarantee through `allocations`.
CREATE TABLE resources (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'room', 'equipment')),
    name TEXT NOT NULL,
    email TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX resources_business ON resources (business_id, position);

CREATE TABLE working_hours (
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL,
    PRIMARY KEY (resource_id, weekday, start_minute),
    CHECK (0 <= start_minute AND start_minute < end_minute AND end_minute <= 1440)
);

-- Closures (hours IS NULL) and special days (hours holds their intervals as JSON pairs), for
-- the whole business (resource_id IS NULL) or one resource.
CREATE TABLE calendar_exceptions (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    resource_id TEXT REFERENCES resources (id) ON DELETE CASCADE,
    first_date DATE NOT NULL,
    last_date DATE NOT NULL,
    hours TEXT,
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (first_date <= last_date)
);
CREATE INDEX calendar_exceptions_business ON calendar_exceptions (business_id, last_date);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 720),
    buffer_before_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 240),
    buffer_after_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 240),
    price_cents BIGINT CHECK (price_cents >= 0),
    currency TEXT NOT NULL DEFAULT 'EUR',
    -- JSON array of other words customers use for this service.
    synonyms TEXT NOT NULL DEFAULT '[]',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX services_business ON services (business_id, position);

CREATE TABLE service_resources (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    PRIMARY KEY (service_id, resource_id)
);
CREATE INDEX service_resources_resource ON service_resources (resource_id);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX customers_phone ON customers (business_id, phone);
CREATE UNIQUE INDEX customers_email ON customers (business_id, email);

CREATE TABLE bookings (
    id TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
    reference TEXT NOT NULL UNIQUE,
    service_id TEXT NOT NULL REFERENCES services (id),
    staff_id TEXT NOT NULL REFERENCES resources (id),
    customer_id TEXT REFERENCES customers (id),
    status TEXT NOT NULL CHECK (status IN ('held', 'confirmed', 'cancelled', 'completed', 'no_show', 'expired')),
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    buffer_before_minutes INTEGER NOT NULL,
    buffer_after_minutes INTEGER NOT NULL,
    hold_expires_at TIMESTAMP,
    channel TEXT NOT NULL CHECK (channel IN ('api', 'web', 'staff', 'messenger', 'whatsapp', 'telegram', 'sms')),
    notes TEXT NOT NULL DEFAULT '',
    -- Incremented on every change the customer should hear about (iCalendar SEQUENCE).
    sequence INTEGER NOT NULL DEFAULT 0,
    cancelled_at TIMESTAMP,
    cancelled_by TEXT CHECK (cancelled_by IN ('customer', 'business', 'system')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (start_at < end_at)
);
CREATE INDEX bookings_business_start ON bookings (business_id, start_at);
CREATE INDEX bookings_customer ON bookings (customer_id, start_at);

-- The time each live booking occupies on each resource, buffers included. A cancelled booking
-- loses its rows; an expired hold's rows are removed before anything else is written over them.
-- The triggers are the guarantee: no two rows of one resource overlap, whatever the application
-- does. SQLite runs one writer at a time, so a check inside the writing transaction cannot race.
CREATE TABLE allocations (
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL REFERENCES resources (id),
    occupied_from TIMESTAMP NOT NULL,
    occupied_until TIMESTAMP NOT NULL,
    hold_expires_at TIMESTAMP,
    PRIMARY KEY (booking_id, resource_id),
    CHECK (occupied_from < occupied_until),
    -- Lookups of overlapping rows rely on this bound to scan only one day of the index.
    CHECK (occupied_until <= datetime(occupied_from, '+1 day'))
);
CREATE INDEX allocations_resource_time ON allocations (resource_id, occupied_from);

CREATE TRIGGER allocations_no_overlap_insert BEFORE INSERT ON allocations
BEGIN
    SELECT RAISE(ABORT, 'allocations_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM allocations a
        WHERE a.resource_id = NEW.resource_id
          AND a.occupied_from > datetime(NEW.occupied_from, '-1 day')
          AND a.occupied_from < NEW.occupied_until
          AND NEW.occupied_from < a.occupied_until
    );
END;

CREATE TRIGGER allocations_no_overlap_update
BEFORE UPDATE OF resource_id, occupied_from, occupied_until ON allocations
BEGIN
    SELECT RAISE(ABORT, 'allocations_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM allocations a
        WHERE a.rowid <> OLD.rowid
          AND a.resource_id = NEW.resource_id
          AND a.occupied_from > datetime(NEW.occupied_from, '-1 day')
          AND a.occupied_from < NEW.occupied_until
          AND NEW.occupied_from < a.occupied_until
    );
END;
