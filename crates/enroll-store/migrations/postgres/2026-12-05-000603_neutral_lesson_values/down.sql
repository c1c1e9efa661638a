ALTER TABLE attempts ALTER COLUMN status TYPE INTEGER USING
    CASE status WHEN 'completed' THEN 3 WHEN 'failed' THEN 5 ELSE 1 END;

UPDATE lessons SET kind = CASE kind WHEN 'assessment' THEN 'AssessmentLesson'
    WHEN 'video' THEN 'VideoLesson' WHEN 'survey' THEN 'SurveyLesson' WHEN 'task' THEN 'TaskLesson'
    ELSE 'ObjectLesson' END;
