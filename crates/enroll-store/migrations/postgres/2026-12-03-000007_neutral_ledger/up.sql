-- The ledger in its own, vendor-neutral language. Existing data is carried over. See the SQLite
-- twin of this migration for the full commentary; the resulting schema is the same.

-- The crosswalk -------------------------------------------------------------------------------
CREATE TABLE external_ids (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    dialect TEXT NOT NULL,
    kind TEXT NOT NULL,
    external_id TEXT NOT NULL,
    ledger_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, dialect, kind, external_id)
);
CREATE UNIQUE INDEX external_ids_ledger ON external_ids (ledger_id, kind, dialect);
CREATE UNIQUE INDEX external_ids_tenant ON external_ids (dialect, external_id) WHERE kind = 'tenant';

INSERT INTO external_ids (tenant_id, dialect, kind, external_id, ledger_id)
SELECT id, 'trainercentral', 'tenant', CAST(tc_org_id AS TEXT), id FROM tenants WHERE tc_org_id IS NOT NULL;

INSERT INTO external_ids (tenant_id, dialect, kind, external_id, ledger_id)
SELECT tenant_id, 'absorb', 'learner', absorb_id, id FROM learners WHERE absorb_id IS NOT NULL AND absorb_id <> id
UNION ALL SELECT tenant_id, 'ispring', 'learner', ispring_id, id FROM learners WHERE ispring_id IS NOT NULL AND ispring_id <> id
UNION ALL SELECT tenant_id, 'scormcloud', 'learner', scorm_id, id FROM learners WHERE scorm_id IS NOT NULL AND scorm_id <> id
UNION ALL SELECT tenant_id, 'lms365', 'learner', lms365_login, id FROM learners WHERE lms365_login IS NOT NULL
UNION ALL SELECT tenant_id, 'trainercentral', 'learner', CAST(tc_member_id AS TEXT), id FROM learners WHERE tc_member_id IS NOT NULL;

INSERT INTO external_ids (tenant_id, dialect, kind, external_id, ledger_id)
SELECT tenant_id, 'absorb', 'course', absorb_id, id FROM courses WHERE absorb_id IS NOT NULL AND absorb_id <> id
UNION ALL SELECT tenant_id, 'ispring', 'course', ispring_id, id FROM courses WHERE ispring_id IS NOT NULL AND ispring_id <> id
UNION ALL SELECT tenant_id, 'scormcloud', 'course', scorm_id, id FROM courses WHERE scorm_id IS NOT NULL AND scorm_id <> id
UNION ALL SELECT tenant_id, 'lms365', 'course', CAST(lms365_id AS TEXT), id FROM courses WHERE lms365_id IS NOT NULL
UNION ALL SELECT tenant_id, 'trainercentral', 'course', CAST(tc_course_id AS TEXT), id FROM courses WHERE tc_course_id IS NOT NULL;

-- Tenants, learners and courses without vendor columns ------------------------------------------
ALTER TABLE tenants DROP COLUMN tc_org_id;
ALTER TABLE learners DROP COLUMN absorb_id, DROP COLUMN ispring_id, DROP COLUMN scorm_id,
    DROP COLUMN lms365_login, DROP COLUMN tc_member_id;
ALTER TABLE learners ADD CONSTRAINT learners_tenant_id_id_key UNIQUE (tenant_id, id);
CREATE INDEX learners_department ON learners (department_id) WHERE department_id IS NOT NULL;
ALTER TABLE courses DROP COLUMN absorb_id, DROP COLUMN ispring_id, DROP COLUMN scorm_id,
    DROP COLUMN lms365_id, DROP COLUMN tc_course_id;
ALTER TABLE courses ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE courses ADD CONSTRAINT courses_tenant_id_id_key UNIQUE (tenant_id, id);
CREATE INDEX courses_tenant ON courses (tenant_id, title);

-- Invitations and their recipients ---------------------------------------------------------------
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    is_public BOOLEAN NOT NULL,
    allow_launch BOOLEAN NOT NULL,
    allow_new_enrollments BOOLEAN NOT NULL,
    enrollment_cap INTEGER NOT NULL,
    enrolled_count INTEGER NOT NULL,
    expires_at BIGINT,
    creator_email TEXT NOT NULL,
    mail_subject TEXT,
    mail_body TEXT,
    existing_policy TEXT NOT NULL,
    source TEXT NOT NULL,
    public_token TEXT UNIQUE,
    job_status TEXT,
    job_total INTEGER NOT NULL,
    job_processed INTEGER NOT NULL,
    job_errors TEXT NOT NULL,
    job_lease_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX invitations_tenant ON invitations (tenant_id, created_at);
CREATE INDEX invitations_course ON invitations (course_id);
CREATE INDEX invitations_started ON invitations (created_at) WHERE job_status = 'started';
INSERT INTO invitations SELECT id, tenant_id, course_id, is_public, allow_launch,
    allow_new_registrations, registration_cap, registration_count, expires_at,
    creating_user_email, email_subject, email_body,
    CASE duplicate_option WHEN 'FAIL' THEN 'skip' WHEN 'INSTANCE_EXISTING' THEN 'new_instance'
        WHEN 'CREATE_NEW' THEN 'new_series' ELSE 'resend' END, 'scormcloud',
    public_token, lower(job_status), job_total, job_processed, job_errors, job_lease_until,
    created_at, updated_at
FROM scorm_invitations;

CREATE TEMP TABLE series_map AS
SELECT i.enrollment_id AS enrollment_id, MIN(i.instance) AS instance,
    MIN((SELECT f.enrollment_id FROM scorm_registration_instances f
         WHERE f.registration_pk = i.registration_pk ORDER BY f.instance LIMIT 1)) AS series_id,
    MIN(r.invitation_id) AS invitation_id
FROM scorm_registration_instances i JOIN scorm_registrations r ON r.id = i.registration_pk
GROUP BY i.enrollment_id;
CREATE TEMP TABLE registration_series AS
SELECT r.id AS pk, r.tenant_id, r.registration_id, r.xapi_registration_id, r.post_back,
    r.created_at, m.series_id
FROM scorm_registrations r
JOIN series_map m ON m.enrollment_id = (SELECT f.enrollment_id FROM scorm_registration_instances f
    WHERE f.registration_pk = r.id ORDER BY f.instance LIMIT 1);

INSERT INTO external_ids (tenant_id, dialect, kind, external_id, ledger_id)
SELECT tenant_id, 'scormcloud', 'series', registration_id, series_id FROM registration_series
WHERE registration_id <> series_id;
INSERT INTO external_ids (tenant_id, dialect, kind, external_id, ledger_id)
SELECT tenant_id, 'scormcloud', 'series_tracking', xapi_registration_id, series_id
FROM registration_series WHERE xapi_registration_id <> series_id;

CREATE TABLE invitation_recipients (
    id TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    position INTEGER NOT NULL,
    status TEXT NOT NULL,
    series_id TEXT REFERENCES enrollments(id) ON DELETE SET NULL,
    token TEXT NOT NULL UNIQUE,
    error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (invitation_id, email)
);
CREATE INDEX invitation_recipients_work ON invitation_recipients (invitation_id, status, position);
CREATE INDEX invitation_recipients_series ON invitation_recipients (series_id) WHERE series_id IS NOT NULL;
INSERT INTO invitation_recipients SELECT u.id, u.invitation_id, u.email, u.position, u.status,
    (SELECT s.series_id FROM registration_series s WHERE s.pk = u.registration_pk), u.token,
    u.error, u.created_at, u.updated_at
FROM scorm_user_invitations u;

-- Tags and subscriptions --------------------------------------------------------------------------
CREATE TABLE tags (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (tenant_id, kind, object_id, tag)
);
CREATE INDEX tags_tag ON tags (tenant_id, kind, tag);
INSERT INTO tags SELECT tenant_id, kind, object_id, tag FROM scorm_tags WHERE kind = 'invitation';
INSERT INTO tags SELECT t.tenant_id, 'series', s.series_id, t.tag
FROM scorm_tags t JOIN registration_series s ON s.pk = t.object_id WHERE t.kind = 'registration'
ON CONFLICT DO NOTHING;

CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    object_id TEXT NOT NULL,
    dialect TEXT NOT NULL,
    target TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (scope, object_id, dialect)
);
CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id);
INSERT INTO subscriptions (id, tenant_id, scope, object_id, dialect, target, settings, created_at)
SELECT 'sub-' || pk, tenant_id, 'series', series_id, 'scormcloud',
    post_back::json->>'url', post_back, created_at
FROM registration_series WHERE post_back IS NOT NULL;
INSERT INTO subscriptions (id, tenant_id, scope, object_id, dialect, target, settings, created_at)
SELECT 'sub-' || id, tenant_id, 'invitation', id, 'scormcloud',
    post_back::json->>'url', post_back, created_at
FROM scorm_invitations WHERE post_back IS NOT NULL;

-- Enrollments: series, course version, invitation; keys by (tenant, id) -----------------------------
ALTER TABLE enrollments ADD COLUMN series_id TEXT, ADD COLUMN instance INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN course_version INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN invitation_id TEXT REFERENCES invitations(id) ON DELETE SET NULL;
UPDATE enrollments e SET series_id = m.series_id, instance = m.instance, invitation_id = m.invitation_id
FROM series_map m WHERE m.enrollment_id = e.id;
UPDATE enrollments SET series_id = id WHERE series_id IS NULL;
ALTER TABLE enrollments ALTER COLUMN series_id SET NOT NULL,
    ALTER COLUMN instance DROP DEFAULT, ALTER COLUMN course_version DROP DEFAULT;
ALTER TABLE enrollments DROP CONSTRAINT enrollments_learner_id_fkey,
    DROP CONSTRAINT enrollments_course_id_fkey;
ALTER TABLE enrollments
    ADD CONSTRAINT enrollments_learner_fkey FOREIGN KEY (tenant_id, learner_id)
        REFERENCES learners(tenant_id, id) ON DELETE CASCADE,
    ADD CONSTRAINT enrollments_course_fkey FOREIGN KEY (tenant_id, course_id)
        REFERENCES courses(tenant_id, id) ON DELETE CASCADE;

-- Launches and launch links ---------------------------------------------------------------------
CREATE TABLE launches (
    id TEXT PRIMARY KEY,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    launched_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    score DOUBLE PRECISION,
    time_spent_ms BIGINT NOT NULL,
    -- The hashed token of the learner's player session (results reported during the launch).
    token_hash TEXT UNIQUE
);
CREATE INDEX launches_enrollment ON launches (enrollment_id, launched_at);
INSERT INTO launches SELECT l.id, i.enrollment_id, l.launched_at, l.launched_at,
    CASE WHEN l.completion = 'COMPLETED' AND l.success = 'FAILED' THEN 'failed'
         WHEN l.completion = 'COMPLETED' THEN 'completed'
         WHEN l.success = 'FAILED' THEN 'not_complete'
         WHEN l.completion = 'INCOMPLETE' THEN 'in_progress'
         ELSE 'not_started' END,
    l.score, CAST(l.total_seconds * 1000 AS BIGINT), NULL
FROM scorm_launches l JOIN scorm_registration_instances i
    ON i.registration_pk = l.registration_pk AND i.instance = l.instance;

CREATE TABLE launch_links (
    token_hash TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    series_id TEXT NOT NULL,
    redirect_url TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX launch_links_expiry ON launch_links (expires_at);
INSERT INTO launch_links SELECT k.token_hash, s.tenant_id, s.series_id, k.redirect_url,
    k.expires_at, k.created_at
FROM scorm_launch_links k JOIN registration_series s ON s.pk = k.registration_pk;

CREATE TABLE enrollment_changes (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    enrollment_id TEXT NOT NULL,
    series_id TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);

DROP TABLE scorm_launch_links;
DROP TABLE scorm_launches;
DROP TABLE scorm_user_invitations;
DROP TABLE scorm_registration_instances;
DROP TABLE scorm_registrations;
DROP TABLE scorm_tags;
DROP TABLE scorm_invitations;
DROP TABLE series_map;
DROP TABLE registration_series;

CREATE INDEX enrollments_invitation ON enrollments (invitation_id) WHERE invitation_id IS NOT NULL;
-- A series' later members (its first enrollment is found by id): re-enrollments are rare next
-- to new enrollments, which this index never has to take.
CREATE INDEX enrollments_series_members ON enrollments (series_id) WHERE series_id <> id;
DROP INDEX enrollments_expires;
DROP INDEX enrollments_due;
CREATE INDEX enrollments_expiring ON enrollments (expires_at)
    WHERE expires_at IS NOT NULL AND active AND state IN ('invited', 'pending_approval', 'waitlisted', 'awaiting_session_choice', 'not_started', 'in_progress', 'not_complete');
CREATE INDEX enrollments_locking ON enrollments (due_at)
    WHERE due_at IS NOT NULL AND lock_after_due AND active AND state IN ('invited', 'pending_approval', 'waitlisted', 'awaiting_session_choice', 'not_started', 'in_progress', 'not_complete');
CREATE INDEX session_enrollments_enrollment ON session_enrollments (enrollment_id);
CREATE INDEX attempts_enrollment ON attempts (enrollment_id);
CREATE INDEX tokens_tenant ON tokens (tenant_id);
CREATE INDEX credentials_tenant ON credentials (tenant_id);

CREATE FUNCTION enrollments_watch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM subscriptions s
               WHERE (s.scope = 'series' AND s.object_id = NEW.series_id)
                  OR (s.scope = 'invitation' AND s.object_id = NEW.invitation_id)) THEN
        INSERT INTO enrollment_changes (tenant_id, enrollment_id, series_id, changed_at)
        VALUES (NEW.tenant_id, NEW.id, NEW.series_id, NEW.updated_at);
        -- Other gateways' delivery workers wake up when this commits.
        PERFORM pg_notify('enroll_changes', '');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER enrollments_watch AFTER UPDATE ON enrollments
    FOR EACH ROW EXECUTE FUNCTION enrollments_watch();

CREATE FUNCTION enrollments_launch_results() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE launches SET updated_at = NEW.updated_at, state = NEW.state, score = NEW.score,
        time_spent_ms = NEW.time_spent_ms
    WHERE id = (SELECT l.id FROM launches l WHERE l.enrollment_id = NEW.id
                ORDER BY l.launched_at DESC, l.id DESC LIMIT 1);
    RETURN NULL;
END $$;
CREATE TRIGGER enrollments_launch_results AFTER UPDATE ON enrollments
    FOR EACH ROW WHEN (NEW.state <> OLD.state OR NEW.progress <> OLD.progress
        OR NEW.score IS DISTINCT FROM OLD.score OR NEW.time_spent_ms <> OLD.time_spent_ms)
    EXECUTE FUNCTION enrollments_launch_results();

-- Deliveries to one destination go out in order: the worker claims a message only when no
-- older one for its destination is still pending.
CREATE INDEX outbox_destination ON outbox (channel, target, status, created_at);
