-- The message that goes with a change, when its caller gives one (a cancellation message, a
-- rejection reason): kept on the change's event, part of the enrollment's history.
ALTER TABLE enrollment_events ADD COLUMN note TEXT;
