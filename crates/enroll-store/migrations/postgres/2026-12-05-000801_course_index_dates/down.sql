DROP INDEX enrollments_by_course;
CREATE INDEX enrollments_by_course ON enrollments (tenant_id, course_id, added_at, state, progress, active);
