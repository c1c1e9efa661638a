ALTER TABLE enrollments ADD COLUMN course_version_id TEXT,
    ADD COLUMN accepted_terms BOOLEAN NOT NULL DEFAULT FALSE, ADD COLUMN enrollment_key_id TEXT,
    ADD COLUMN certificate_id TEXT, ADD COLUMN collection_id TEXT;
UPDATE enrollments e SET
    course_version_id = a.attrs::jsonb #>> '{absorb,courseVersionId}',
    accepted_terms = COALESCE((a.attrs::jsonb #>> '{absorb,acceptedTermsAndConditions}')::boolean,
        FALSE),
    enrollment_key_id = a.attrs::jsonb #>> '{absorb,enrollmentKeyId}'
FROM enrollment_attributes a WHERE a.enrollment_id = e.id;
DROP TABLE enrollment_attributes;
