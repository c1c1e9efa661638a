-- Course lists filter on state/progress and count the matches: covering those columns lets
-- the count and the filter run on the index alone instead of one table page per row.
CREATE INDEX enrollments_course_cover ON enrollments (tenant_id, course_id, state, progress, active, added_at);
