-- Lesson values in the ledger's own words: attempt statuses are names (they were Absorb's
-- codes 1 / 3 / 5) and lesson kinds are the ledger's (they were Absorb's type names).
CREATE TABLE attempts_new (
    id TEXT PRIMARY KEY,
    lesson_enrollment_id TEXT NOT NULL REFERENCES lesson_enrollments(id) ON DELETE CASCADE,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    -- in_progress | completed | failed
    status TEXT NOT NULL,
    score DOUBLE PRECISION,
    started_at BIGINT NOT NULL,
    completed_at BIGINT,
    time_spent_ms BIGINT NOT NULL
);
INSERT INTO attempts_new (id, lesson_enrollment_id, enrollment_id, status, score, started_at,
    completed_at, time_spent_ms)
SELECT id, lesson_enrollment_id, enrollment_id,
    CASE status WHEN 3 THEN 'completed' WHEN 5 THEN 'failed' ELSE 'in_progress' END,
    score, started_at, completed_at, time_spent_ms
FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_new RENAME TO attempts;
CREATE INDEX attempts_lesson_enrollment ON attempts (lesson_enrollment_id);
CREATE INDEX attempts_enrollment ON attempts (enrollment_id);

-- content | assessment | video | survey | task
UPDATE lessons SET kind = CASE kind WHEN 'AssessmentLesson' THEN 'assessment'
    WHEN 'VideoLesson' THEN 'video' WHEN 'SurveyLesson' THEN 'survey' WHEN 'TaskLesson' THEN 'task'
    ELSE 'content' END;
