-- Events become the single source of outbound notifications. An event that a subscription
-- selects is recorded `pending`; the delivery task renders it for its subscriptions and
-- clears the flag (the old capture, a trigger on `enrollments` feeding
-- `enrollment_changes`, goes). Subscriptions select by scope — tenant, course, learner,
-- enrollment, series, invitation — and by event kinds; an object may have several.
ALTER TABLE enrollment_events ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX enrollment_events_pending ON enrollment_events (id) WHERE pending;

-- tenant | course | learner | enrollment | series | invitation (object_id: its ledger id).
-- kinds: the event kinds selected, each between commas (',completed,failed,'); '' = every
-- kind. The existing subscriptions are SCORM Cloud's post-backs, which announced updates of
-- an enrollment, never its creation.
ALTER TABLE subscriptions ADD COLUMN kinds TEXT NOT NULL DEFAULT ',accepted,approved,rejected,declined,admitted,session_chosen,started,progressed,completed,failed,not_completed,expired,cancelled,archived,updated,';
ALTER TABLE subscriptions ALTER COLUMN kinds DROP DEFAULT;
-- The newest event when it was made: it hears of later ones only.
ALTER TABLE subscriptions ADD COLUMN since_event BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ALTER COLUMN since_event DROP DEFAULT;
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_scope_object_id_dialect_key;
DROP INDEX subscriptions_tenant;
CREATE INDEX subscriptions_object ON subscriptions (tenant_id, scope, object_id);

-- Changes queued and not yet collected stay queued: as pending events of their enrollment.
INSERT INTO enrollment_events (enrollment_id, kind, from_state, to_state, dialect, principal, at,
    pending)
SELECT c.enrollment_id, 'updated', e.state, e.state, 'ledger', NULL, c.changed_at, TRUE
FROM enrollment_changes c JOIN enrollments e ON e.id = c.enrollment_id ORDER BY c.id;
DROP TRIGGER enrollments_watch ON enrollments;
DROP FUNCTION enrollments_watch();
DROP TABLE enrollment_changes;
