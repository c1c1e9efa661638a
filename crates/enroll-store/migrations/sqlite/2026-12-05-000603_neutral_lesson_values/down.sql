CREATE TABLE attempts_old (
    id TEXT PRIMARY KEY,
    lesson_enrollment_id TEXT NOT NULL REFERENCES lesson_enrollments(id) ON DELETE CASCADE,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    status INTEGER NOT NULL,
    score DOUBLE PRECISION,
    started_at BIGINT NOT NULL,
    completed_at BIGINT,
    time_spent_ms BIGINT NOT NULL
);
INSERT INTO attempts_old (id, lesson_enrollment_id, enrollment_id, status, score, started_at,
    completed_at, time_spent_ms)
SELECT id, lesson_enrollment_id, enrollment_id,
    CASE status WHEN 'completed' THEN 3 WHEN 'failed' THEN 5 ELSE 1 END,
    score, started_at, completed_at, time_spent_ms
FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_old RENAME TO attempts;
CREATE INDEX attempts_lesson_enrollment ON attempts (lesson_enrollment_id);
CREATE INDEX attempts_enrollment ON attempts (enrollment_id);

UPDATE lessons SET kind = CASE kind WHEN 'assessment' THEN 'AssessmentLesson'
    WHEN 'video' THEN 'VideoLesson' WHEN 'survey' THEN 'SurveyLesson' WHEN 'task' THEN 'TaskLesson'
    ELSE 'ObjectLesson' END;
