DROP INDEX enrollments_course_cover;
