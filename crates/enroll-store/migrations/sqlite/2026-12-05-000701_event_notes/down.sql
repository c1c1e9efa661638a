ALTER TABLE enrollment_events DROP COLUMN note;
