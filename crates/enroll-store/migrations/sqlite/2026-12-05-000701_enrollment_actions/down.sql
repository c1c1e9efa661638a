DROP TABLE enrollment_actions;
