-- Lesson values in the ledger's own words: attempt statuses are names (they were Absorb's
-- codes 1 / 3 / 5) and lesson kinds are the ledger's (they were Absorb's type names).
-- in_progress | completed | failed
ALTER TABLE attempts ALTER COLUMN status TYPE TEXT USING
    CASE status WHEN 3 THEN 'completed' WHEN 5 THEN 'failed' ELSE 'in_progress' END;

-- content | assessment | video | survey | task
UPDATE lessons SET kind = CASE kind WHEN 'AssessmentLesson' THEN 'assessment'
    WHEN 'VideoLesson' THEN 'video' WHEN 'SurveyLesson' THEN 'survey' WHEN 'TaskLesson' THEN 'task'
    ELSE 'content' END;
