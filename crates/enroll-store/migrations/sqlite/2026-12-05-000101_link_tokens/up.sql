-- Link tokens are no longer stored. A public invitation's sign-up token and each recipient's
-- link token are now the record's id with a MAC under the store's link key (links.rs), so the
-- API can show a link again while the database holds nothing that opens one. The random tokens
-- of earlier versions are dropped, not hashed: a hash could only be kept beside the new tokens
-- as a second way in, forever, and SQLite has no SHA-256 to compute it with in SQL. Links
-- handed out before this migration stop working; the API shows the new ones (mail them again).
--
-- SQLite cannot drop a UNIQUE column: both tables are rebuilt (new table, copy, drop, rename;
-- foreign keys are off while migrations run and checked afterwards, see migrate.rs).
CREATE TABLE invitations_new (
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
    -- Private invitations: the durable job (started, complete, error) over the recipients.
    job_status TEXT,
    job_total INTEGER NOT NULL,
    job_processed INTEGER NOT NULL,
    job_errors TEXT NOT NULL,
    job_lease_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO invitations_new SELECT id, tenant_id, course_id, is_public, allow_launch,
    allow_new_enrollments, enrollment_cap, enrolled_count, expires_at, creator_email,
    mail_subject, mail_body, existing_policy, source, job_status, job_total, job_processed,
    job_errors, job_lease_until, created_at, updated_at
FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_new RENAME TO invitations;
CREATE INDEX invitations_tenant ON invitations (tenant_id, created_at);
CREATE INDEX invitations_course ON invitations (course_id);
CREATE INDEX invitations_started ON invitations (created_at) WHERE job_status = 'started';

CREATE TABLE invitation_recipients_new (
    id TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    position INTEGER NOT NULL,
    -- Private invitations: pending -> sent | failed, through guarded updates (a resumed job
    -- never handles a recipient twice). Public sign-ups: sent, or confirming -> sent for an
    -- address the ledger already knows, once its owner follows the mailed link.
    status TEXT NOT NULL,
    series_id TEXT REFERENCES enrollments(id) ON DELETE SET NULL,
    error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- When the last confirmation mail went out (paces them).
    mailed_at BIGINT,
    UNIQUE (invitation_id, email)
);
INSERT INTO invitation_recipients_new SELECT id, invitation_id, email, position, status,
    series_id, error, created_at, updated_at, NULL
FROM invitation_recipients;
DROP TABLE invitation_recipients;
ALTER TABLE invitation_recipients_new RENAME TO invitation_recipients;
CREATE INDEX invitation_recipients_work ON invitation_recipients (invitation_id, status, position);
CREATE INDEX invitation_recipients_series ON invitation_recipients (series_id) WHERE series_id IS NOT NULL;
