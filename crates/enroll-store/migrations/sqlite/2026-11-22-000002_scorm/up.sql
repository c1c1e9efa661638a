-- SCORM Cloud invitations and registrations, and the shared outbox (post-backs, webhooks, mail).
-- A registration is a caller-chosen id over a chain of enrollment instances; its current
-- instance is `enrollment_id`. Instants are epoch milliseconds, ids UUID strings.
-- The ledger's "active enrollment of (tenant, learner, course)" lookup binds `active = ?`, so
-- SQLite cannot use the partial unique index for it and would scan a whole course's
-- enrollments per lookup (quadratic when an invitation enrolls thousands of learners).
CREATE INDEX enrollments_learner_course ON enrollments (tenant_id, learner_id, course_id);

CREATE TABLE scorm_invitations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    is_public BOOLEAN NOT NULL,
    allow_launch BOOLEAN NOT NULL,
    allow_new_registrations BOOLEAN NOT NULL,
    registration_cap INTEGER NOT NULL,
    -- Registrations created through the invitation; the public cap is checked against it in
    -- the same guarded UPDATE that increments it, so concurrent sign-ups never exceed the cap.
    registration_count INTEGER NOT NULL,
    expires_at BIGINT,
    post_back TEXT,
    creating_user_email TEXT NOT NULL,
    email_subject TEXT,
    email_body TEXT,
    duplicate_option TEXT,
    -- Public invitations: the token in their page's URL.
    public_token TEXT UNIQUE,
    -- Private invitations: the durable job (STARTED, COMPLETE, ERROR).
    job_status TEXT,
    job_total INTEGER NOT NULL,
    job_processed INTEGER NOT NULL,
    job_errors TEXT NOT NULL,
    job_lease_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX scorm_invitations_tenant ON scorm_invitations (tenant_id, created_at);
CREATE INDEX scorm_invitations_job ON scorm_invitations (job_status);

CREATE TABLE scorm_registrations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    registration_id TEXT NOT NULL,
    learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    instance INTEGER NOT NULL,
    xapi_registration_id TEXT NOT NULL,
    invitation_id TEXT REFERENCES scorm_invitations(id) ON DELETE SET NULL,
    post_back TEXT,
    first_access_at BIGINT,
    last_access_at BIGINT,
    -- The enrollment `updated_at` last announced by a post-back (change detection).
    postback_mark BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, registration_id)
);
CREATE INDEX scorm_registrations_learner_course ON scorm_registrations (tenant_id, learner_id, course_id, created_at);
CREATE INDEX scorm_registrations_created ON scorm_registrations (tenant_id, created_at);
CREATE INDEX scorm_registrations_enrollment ON scorm_registrations (enrollment_id);
CREATE INDEX scorm_registrations_invitation ON scorm_registrations (invitation_id);

-- Every instance of a registration and the enrollment behind it.
CREATE TABLE scorm_registration_instances (
    registration_pk TEXT NOT NULL REFERENCES scorm_registrations(id) ON DELETE CASCADE,
    instance INTEGER NOT NULL,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (registration_pk, instance)
);

-- One row per address of a private invitation (written when the invitation is created: the
-- job's durable work list) or per visitor of a public one. The unique (invitation, email)
-- pair means a resumed job can never create a second registration for an address.
CREATE TABLE scorm_user_invitations (
    id TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL REFERENCES scorm_invitations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    position INTEGER NOT NULL,
    status TEXT NOT NULL,
    registration_pk TEXT REFERENCES scorm_registrations(id) ON DELETE SET NULL,
    token TEXT NOT NULL UNIQUE,
    error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (invitation_id, email)
);
CREATE INDEX scorm_user_invitations_work ON scorm_user_invitations (invitation_id, status, position);

CREATE TABLE scorm_launches (
    id TEXT PRIMARY KEY,
    registration_pk TEXT NOT NULL REFERENCES scorm_registrations(id) ON DELETE CASCADE,
    instance INTEGER NOT NULL,
    launched_at BIGINT NOT NULL,
    completion TEXT NOT NULL,
    success TEXT NOT NULL,
    score DOUBLE PRECISION,
    total_seconds DOUBLE PRECISION NOT NULL
);
CREATE INDEX scorm_launches_registration ON scorm_launches (registration_pk, launched_at);

-- Launch links (POST /registrations/{id}/launchLink): hashed token, valid until expires_at.
CREATE TABLE scorm_launch_links (
    token_hash TEXT PRIMARY KEY,
    registration_pk TEXT NOT NULL REFERENCES scorm_registrations(id) ON DELETE CASCADE,
    redirect_url TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Tags of invitations and registrations (`kind` = 'invitation' | 'registration').
CREATE TABLE scorm_tags (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (tenant_id, kind, object_id, tag)
);
CREATE INDEX scorm_tags_tag ON scorm_tags (tenant_id, kind, tag);

-- The shared outbox: HTTP deliveries (SCORM post-backs, later LMS365 webhooks) retried with
-- backoff by the delivery worker, and rendered mail (channel 'mail', kept for the admin API).
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    topic TEXT NOT NULL,
    target TEXT NOT NULL,
    headers TEXT NOT NULL,
    content_type TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT
);
CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);
CREATE INDEX outbox_tenant ON outbox (tenant_id, channel, created_at);

-- Every delivery attempt, for the admin API and debugging.
CREATE TABLE outbox_attempts (
    outbox_id TEXT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    attempted_at BIGINT NOT NULL,
    status_code INTEGER,
    error TEXT,
    PRIMARY KEY (outbox_id, attempt)
);
