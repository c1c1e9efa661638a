-- What was done to an enrollment, by whom: the acting principal a caller names (a dialect's
-- on-behalf-of user), the action and its note (a cancellation message, a rejection reason).
CREATE TABLE enrollment_actions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    actor TEXT,
    note TEXT,
    source TEXT NOT NULL,
    acted_at BIGINT NOT NULL
);
CREATE INDEX enrollment_actions_enrollment ON enrollment_actions (enrollment_id, acted_at);
