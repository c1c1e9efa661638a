CREATE INDEX enrollments_state ON enrollments (tenant_id, state);
CREATE INDEX enrollments_learner_course ON enrollments (tenant_id, learner_id, course_id);
DROP INDEX enrollments_by_course;
CREATE INDEX enrollments_course ON enrollments (tenant_id, course_id, added_at);
CREATE INDEX enrollments_course_cover ON enrollments (tenant_id, course_id, state, progress, active, added_at);
