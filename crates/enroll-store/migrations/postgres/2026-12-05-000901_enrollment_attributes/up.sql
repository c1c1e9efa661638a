-- Absorb-only fields leave the core enrollment row. What a dialect keeps about an enrollment
-- that no other dialect has a concept for (Absorb's course version, accepted terms and
-- enrollment key) lives beside it, one row per enrollment that has any: a JSON object of
-- dialect -> {name: value}, read with the enrollment through its primary key (a LEFT JOIN).
-- `certificate_id` and `collection_id` were written by nothing: they go without a successor.
-- `credits` stays: a neutral concept (Absorb's credits, LMS365's CEU).
CREATE TABLE enrollment_attributes (
    enrollment_id TEXT PRIMARY KEY REFERENCES enrollments(id) ON DELETE CASCADE,
    attrs TEXT NOT NULL
);
-- Defaults (NULL ids, terms not accepted) are absent attributes: jsonb_strip_nulls drops them.
INSERT INTO enrollment_attributes (enrollment_id, attrs)
SELECT id, jsonb_build_object('absorb', jsonb_strip_nulls(jsonb_build_object(
    'courseVersionId', course_version_id,
    'acceptedTermsAndConditions', CASE WHEN accepted_terms THEN TRUE END,
    'enrollmentKeyId', enrollment_key_id)))::text
FROM enrollments
WHERE course_version_id IS NOT NULL OR accepted_terms OR enrollment_key_id IS NOT NULL;
ALTER TABLE enrollments DROP COLUMN course_version_id, DROP COLUMN accepted_terms,
    DROP COLUMN enrollment_key_id, DROP COLUMN certificate_id, DROP COLUMN collection_id;
