DROP TABLE enrollment_events;
