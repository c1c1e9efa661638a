-- Enrollment events: every change of an enrollment, recorded once in the transaction that
-- makes it (kind, state before and after, the dialect and principal that caused it, the
-- ledger time). The enrollment's history, oldest first by id.
CREATE TABLE enrollment_events (
    id BIGSERIAL PRIMARY KEY,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    dialect TEXT NOT NULL,
    principal TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX enrollment_events_enrollment ON enrollment_events (enrollment_id, id);

-- Existing enrollments: their history starts with their creation, in the state they are in
-- now (what happened between was never recorded), by the dialect that made them.
INSERT INTO enrollment_events (enrollment_id, kind, from_state, to_state, dialect, principal, at)
SELECT id, CASE WHEN instance > 0 THEN 're_enrolled' ELSE 'enrolled' END, NULL, state, source,
    NULL, added_at
FROM enrollments ORDER BY added_at, id;
