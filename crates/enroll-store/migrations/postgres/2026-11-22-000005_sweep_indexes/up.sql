-- The expiry sweep looks for active enrollments whose expiry (or locking due date) has
-- passed. Without these it scanned the whole table every few seconds; only enrollments that
-- have such a date are indexed.
CREATE INDEX enrollments_expires ON enrollments (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX enrollments_due ON enrollments (due_at) WHERE due_at IS NOT NULL;
