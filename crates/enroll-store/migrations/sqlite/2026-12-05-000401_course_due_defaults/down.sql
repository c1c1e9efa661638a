ALTER TABLE courses DROP COLUMN default_due_hours;
ALTER TABLE courses DROP COLUMN default_due_at;
