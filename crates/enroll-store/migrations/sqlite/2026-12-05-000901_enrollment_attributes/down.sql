ALTER TABLE enrollments ADD COLUMN course_version_id TEXT;
ALTER TABLE enrollments ADD COLUMN accepted_terms BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE enrollments ADD COLUMN enrollment_key_id TEXT;
ALTER TABLE enrollments ADD COLUMN certificate_id TEXT;
ALTER TABLE enrollments ADD COLUMN collection_id TEXT;
UPDATE enrollments SET
    course_version_id = (SELECT json_extract(a.attrs, '$.absorb.courseVersionId')
        FROM enrollment_attributes a WHERE a.enrollment_id = enrollments.id),
    accepted_terms = COALESCE((SELECT json_extract(a.attrs, '$.absorb.acceptedTermsAndConditions')
        FROM enrollment_attributes a WHERE a.enrollment_id = enrollments.id), FALSE),
    enrollment_key_id = (SELECT json_extract(a.attrs, '$.absorb.enrollmentKeyId')
        FROM enrollment_attributes a WHERE a.enrollment_id = enrollments.id)
WHERE id IN (SELECT enrollment_id FROM enrollment_attributes);
DROP TABLE enrollment_attributes;
