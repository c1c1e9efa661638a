-- Stored random tokens again (new ones: the derived tokens cannot be stored back).
DELETE FROM invitation_recipients WHERE status = 'confirming';
CREATE TABLE invitation_recipients_old (
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
INSERT INTO invitation_recipients_old SELECT id, invitation_id, email, position, status,
    series_id, lower(hex(randomblob(32))), error, created_at, updated_at
FROM invitation_recipients;
DROP TABLE invitation_recipients;
ALTER TABLE invitation_recipients_old RENAME TO invitation_recipients;
CREATE INDEX invitation_recipients_work ON invitation_recipients (invitation_id, status, position);
CREATE INDEX invitation_recipients_series ON invitation_recipients (series_id) WHERE series_id IS NOT NULL;

CREATE TABLE invitations_old (
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
INSERT INTO invitations_old SELECT id, tenant_id, course_id, is_public, allow_launch,
    allow_new_enrollments, enrollment_cap, enrolled_count, expires_at, creator_email,
    mail_subject, mail_body, existing_policy, source,
    CASE WHEN is_public THEN lower(hex(randomblob(32))) END,
    job_status, job_total, job_processed, job_errors, job_lease_until, created_at, updated_at
FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_old RENAME TO invitations;
CREATE INDEX invitations_tenant ON invitations (tenant_id, created_at);
CREATE INDEX invitations_course ON invitations (course_id);
CREATE INDEX invitations_started ON invitations (created_at) WHERE job_status = 'started';
