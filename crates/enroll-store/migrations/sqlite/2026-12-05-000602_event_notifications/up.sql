-- Events become the single source of outbound notifications. An event that a subscription
-- selects is recorded `pending`; the delivery task renders it for its subscriptions and
-- clears the flag (the old capture, a trigger on `enrollments` feeding
-- `enrollment_changes`, goes). Subscriptions select by scope — tenant, course, learner,
-- enrollment, series, invitation — and by event kinds; an object may have several.
ALTER TABLE enrollment_events ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX enrollment_events_pending ON enrollment_events (id) WHERE pending;

-- Changes queued and not yet collected stay queued: as pending events of their enrollment.
INSERT INTO enrollment_events (enrollment_id, kind, from_state, to_state, dialect, principal, at,
    pending)
SELECT c.enrollment_id, 'updated', e.state, e.state, 'ledger', NULL, c.changed_at, TRUE
FROM enrollment_changes c JOIN enrollments e ON e.id = c.enrollment_id ORDER BY c.id;
DROP TRIGGER enrollments_watch;
DROP TABLE enrollment_changes;

CREATE TABLE subscriptions_new (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    -- tenant | course | learner | enrollment | series | invitation (object_id: its ledger id).
    scope TEXT NOT NULL,
    object_id TEXT NOT NULL,
    -- The event kinds selected, each between commas (',completed,failed,'); '' = every kind.
    kinds TEXT NOT NULL,
    -- The newest event when it was made: it hears of later ones only.
    since_event BIGINT NOT NULL,
    dialect TEXT NOT NULL,
    target TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
-- The existing subscriptions are SCORM Cloud's post-backs, which announced updates of an
-- enrollment, never its creation.
INSERT INTO subscriptions_new (id, tenant_id, scope, object_id, kinds, since_event, dialect,
    target, settings, created_at)
SELECT id, tenant_id, scope, object_id, ',accepted,approved,rejected,declined,admitted,session_chosen,started,progressed,completed,failed,not_completed,expired,cancelled,archived,updated,', 0, dialect, target,
    settings, created_at
FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_new RENAME TO subscriptions;
CREATE INDEX subscriptions_object ON subscriptions (tenant_id, scope, object_id);
