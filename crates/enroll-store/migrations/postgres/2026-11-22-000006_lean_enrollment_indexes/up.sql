-- Every enrollment insert writes one entry into each index of the table, and on a large table
-- each entry is a page of WAL: fewer, wider indexes make enrolling cheaper.
--
-- One index per course serves both the ordered page (by added_at) and the filter and count on
-- state/progress/active, which it covers: the count and the filter run on the index alone,
-- and the page reads table rows only for the entries that match.
DROP INDEX enrollments_course_cover;
DROP INDEX enrollments_course;
CREATE INDEX enrollments_by_course ON enrollments (tenant_id, course_id, added_at, state, progress, active);
-- (learner, course) lookups: the active one through enrollments_one_active, the history
-- through enrollments_learner (a learner has few enrollments).
DROP INDEX enrollments_learner_course;
-- A tenant-wide state lookup matches a large share of the table: a scan is as good.
DROP INDEX enrollments_state;
