-- A course's default due date (an instant) or due period (hours from the access date), for
-- enrollments that ask for the course's default schedule. Both NULL: no default.
ALTER TABLE courses ADD COLUMN default_due_at BIGINT;
ALTER TABLE courses ADD COLUMN default_due_hours BIGINT;
