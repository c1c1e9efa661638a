DROP INDEX enrollments_due;
DROP INDEX enrollments_expires;
