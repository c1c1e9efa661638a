-- The ledger in its own, vendor-neutral language. Existing data is carried over.
--
-- * One identifier crosswalk (`external_ids`: dialect, kind, external id -> ledger id) replaces
--   the per-vendor id columns of tenants, learners and courses.
-- * Enrollments form series: a re-enrollment continues its predecessor's series
--   (`series_id` = the first enrollment's id, `instance` counts up). A SCORM Cloud registration
--   is a series named in the crosswalk; its instances are the series' enrollments.
-- * SCORM Cloud's invitations, user invitations, tags, launches, launch links and post-backs
--   become invitations, invitation recipients, tags, launches, launch links and subscriptions.
-- * Enrollments reference learners and courses by (tenant_id, id), so the database finds a
--   learner's or course's enrollments through the existing (tenant, …) indexes when it checks
--   or cascades a delete.
--
-- The store runs migrations with foreign-key enforcement off (and checks the keys afterwards):
-- tables are rebuilt the way SQLite's documentation prescribes (new table, copy, drop, rename).

-- The crosswalk -------------------------------------------------------------------------------
CREATE TABLE external_ids (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    dialect TEXT NOT NULL,
    kind TEXT NOT NULL,
    external_id TEXT NOT NULL,
    ledger_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, dialect, kind, external_id)
);
-- One id per record and dialect; the reverse lookup renders a record's ids.
CREATE UNIQUE INDEX external_ids_ledger ON external_ids (ledger_id, kind, dialect);
-- A tenant's own ids (TrainerCentral's orgId) are looked up before the tenant is known.
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
CREATE TABLE tenants_new (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO tenants_new (id, name, created_at) SELECT id, name, created_at FROM tenants;
DROP TABLE tenants;
ALTER TABLE tenants_new RENAME TO tenants;

CREATE TABLE learners_new (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    job_title TEXT,
    department_id TEXT REFERENCES departments(id) ON DELETE SET NULL,
    role TEXT NOT NULL,
    password_hash TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, username),
    UNIQUE (tenant_id, id)
);
INSERT INTO learners_new (id, tenant_id, username, email, first_name, last_name, job_title,
    department_id, role, password_hash, created_at, updated_at)
SELECT id, tenant_id, username, email, first_name, last_name, job_title, department_id, role,
    password_hash, created_at, updated_at FROM learners;
DROP TABLE learners;
ALTER TABLE learners_new RENAME TO learners;
CREATE INDEX learners_email ON learners (tenant_id, email);
CREATE INDEX learners_department ON learners (department_id) WHERE department_id IS NOT NULL;

CREATE TABLE courses_new (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    session_type TEXT,
    requires_approval BOOLEAN NOT NULL DEFAULT FALSE,
    capacity INTEGER,
    -- The version learners enrolling now get; each enrollment records the one it got.
    version INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id)
);
INSERT INTO courses_new (id, tenant_id, kind, title, description, session_type,
    requires_approval, capacity, version, created_at, updated_at)
SELECT id, tenant_id, kind, title, description, session_type, requires_approval, capacity, 0,
    created_at, updated_at FROM courses;
DROP TABLE courses;
ALTER TABLE courses_new RENAME TO courses;
CREATE INDEX courses_tenant ON courses (tenant_id, title);

-- Invitations and their recipients ---------------------------------------------------------------
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    is_public BOOLEAN NOT NULL,
    allow_launch BOOLEAN NOT NULL,
    allow_new_enrollments BOOLEAN NOT NULL,
    -- Public invitations: 0 = unlimited. The cap is checked in the same guarded UPDATE that
    -- increments enrolled_count, so concurrent sign-ups never exceed it.
    enrollment_cap INTEGER NOT NULL,
    enrolled_count INTEGER NOT NULL,
    expires_at BIGINT,
    creator_email TEXT NOT NULL,
    mail_subject TEXT,
    mail_body TEXT,
    -- What a recipient who already has an enrollment in the course gets:
    -- resend | new_instance | new_series | skip.
    existing_policy TEXT NOT NULL,
    -- Who made it (a dialect): the source of the enrollments it makes.
    source TEXT NOT NULL,
    -- Public invitations: the token in their sign-up page's URL.
    public_token TEXT UNIQUE,
    -- Private invitations: the durable job (started, complete, error) over the recipients.
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

-- Registrations become series: each instance's enrollment, its series and its invitation.
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
    -- pending -> sent | failed, through guarded updates: a resumed job never handles a
    -- recipient twice.
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
INSERT OR IGNORE INTO tags SELECT t.tenant_id, 'series', s.series_id, t.tag
FROM scorm_tags t JOIN registration_series s ON s.pk = t.object_id WHERE t.kind = 'registration';

-- Who wants to hear about changes to a series (or to the series an invitation created), and
-- how: `settings` belong to the dialect that renders the message (opaque to the ledger).
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
    json_extract(post_back, '$.url'), post_back, created_at
FROM registration_series WHERE post_back IS NOT NULL;
INSERT INTO subscriptions (id, tenant_id, scope, object_id, dialect, target, settings, created_at)
SELECT 'sub-' || id, tenant_id, 'invitation', id, 'scormcloud',
    json_extract(post_back, '$.url'), post_back, created_at
FROM scorm_invitations WHERE post_back IS NOT NULL;

-- Enrollments: series, course version, invitation; keys by (tenant, id) -----------------------------
CREATE TABLE enrollments_new (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    learner_id TEXT NOT NULL,
    course_id TEXT NOT NULL,
    state TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    progress DOUBLE PRECISION NOT NULL,
    score DOUBLE PRECISION,
    time_spent_ms BIGINT NOT NULL,
    lock_after_due BOOLEAN NOT NULL,
    added_at BIGINT NOT NULL,
    started_at BIGINT,
    completed_at BIGINT,
    due_at BIGINT,
    expires_at BIGINT,
    access_at BIGINT,
    updated_at BIGINT NOT NULL,
    course_version_id TEXT,
    accepted_terms BOOLEAN NOT NULL DEFAULT FALSE,
    enrollment_key_id TEXT,
    certificate_id TEXT,
    credits DOUBLE PRECISION,
    collection_id TEXT,
    source TEXT NOT NULL,
    series_id TEXT NOT NULL,
    instance INTEGER NOT NULL,
    course_version INTEGER NOT NULL,
    invitation_id TEXT REFERENCES invitations(id) ON DELETE SET NULL,
    FOREIGN KEY (tenant_id, learner_id) REFERENCES learners(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, course_id) REFERENCES courses(tenant_id, id) ON DELETE CASCADE
);
INSERT INTO enrollments_new SELECT e.id, e.tenant_id, e.learner_id, e.course_id, e.state,
    e.active, e.progress, e.score, e.time_spent_ms, e.lock_after_due, e.added_at, e.started_at,
    e.completed_at, e.due_at, e.expires_at, e.access_at, e.updated_at, e.course_version_id,
    e.accepted_terms, e.enrollment_key_id, e.certificate_id, e.credits, e.collection_id,
    e.source, COALESCE(m.series_id, e.id), COALESCE(m.instance, 0), 0, m.invitation_id
FROM enrollments e LEFT JOIN series_map m ON m.enrollment_id = e.id;

-- Launches and launch links, per enrollment of a series -----------------------------------------
-- A launch keeps the enrollment's results as of its last runtime update (the trigger below).
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

-- Changes to watched series, queued in the transaction that makes them (see the trigger) and
-- consumed by the delivery worker, which deletes what it renders.
CREATE TABLE enrollment_changes (
    id INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    enrollment_id TEXT NOT NULL,
    series_id TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);

-- The old tables go, then the new enrollments table takes the name.
DROP TABLE scorm_launch_links;
DROP TABLE scorm_launches;
DROP TABLE scorm_user_invitations;
DROP TABLE scorm_registration_instances;
DROP TABLE scorm_registrations;
DROP TABLE scorm_tags;
DROP TABLE scorm_invitations;
DROP TABLE series_map;
DROP TABLE registration_series;
DROP TABLE enrollments;
ALTER TABLE enrollments_new RENAME TO enrollments;

-- The ledger's central invariant: one active enrollment per (tenant, learner, course).
CREATE UNIQUE INDEX enrollments_one_active ON enrollments (tenant_id, learner_id, course_id) WHERE active;
CREATE INDEX enrollments_learner ON enrollments (tenant_id, learner_id, added_at);
CREATE INDEX enrollments_updated ON enrollments (tenant_id, updated_at);
CREATE INDEX enrollments_by_course ON enrollments (tenant_id, course_id, added_at, state, progress, active);
CREATE INDEX enrollments_invitation ON enrollments (invitation_id) WHERE invitation_id IS NOT NULL;
-- A series' later members (its first enrollment is found by id): re-enrollments are rare next
-- to new enrollments, which this index never has to take.
CREATE INDEX enrollments_series_members ON enrollments (series_id) WHERE series_id <> id;
-- The expiry sweep's candidates: open, active enrollments with a date that can end them. Rows
-- leave these indexes when they expire (or finish), so the sweep never reloads them.
CREATE INDEX enrollments_expiring ON enrollments (expires_at)
    WHERE expires_at IS NOT NULL AND active AND state IN ('invited', 'pending_approval', 'waitlisted', 'awaiting_session_choice', 'not_started', 'in_progress', 'not_complete');
CREATE INDEX enrollments_locking ON enrollments (due_at)
    WHERE due_at IS NOT NULL AND lock_after_due AND active AND state IN ('invited', 'pending_approval', 'waitlisted', 'awaiting_session_choice', 'not_started', 'in_progress', 'not_complete');
-- Child rows found by their enrollment (deletes cascade through these).
CREATE INDEX session_enrollments_enrollment ON session_enrollments (enrollment_id);
CREATE INDEX attempts_enrollment ON attempts (enrollment_id);
CREATE INDEX tokens_tenant ON tokens (tenant_id);
CREATE INDEX credentials_tenant ON credentials (tenant_id);

-- Every change to an enrollment of a watched series (or of a series a watched invitation
-- created) is queued in the same transaction: no write path can forget it.
CREATE TRIGGER enrollments_watch AFTER UPDATE ON enrollments
WHEN EXISTS (SELECT 1 FROM subscriptions s
             WHERE (s.scope = 'series' AND s.object_id = NEW.series_id)
                OR (s.scope = 'invitation' AND s.object_id = NEW.invitation_id))
BEGIN
    INSERT INTO enrollment_changes (tenant_id, enrollment_id, series_id, changed_at)
    VALUES (NEW.tenant_id, NEW.id, NEW.series_id, NEW.updated_at);
END;

-- A launch's results follow the enrollment until the next launch.
CREATE TRIGGER enrollments_launch_results AFTER UPDATE ON enrollments
WHEN NEW.state <> OLD.state OR NEW.progress <> OLD.progress OR NEW.score IS NOT OLD.score
    OR NEW.time_spent_ms <> OLD.time_spent_ms
BEGIN
    UPDATE launches SET updated_at = NEW.updated_at, state = NEW.state, score = NEW.score,
        time_spent_ms = NEW.time_spent_ms
    WHERE id = (SELECT l.id FROM launches l WHERE l.enrollment_id = NEW.id
                ORDER BY l.launched_at DESC, l.id DESC LIMIT 1);
END;

-- Deliveries to one destination go out in order: the worker claims a message only when no
-- older one for its destination is still pending.
CREATE INDEX outbox_destination ON outbox (channel, target, status, created_at);
