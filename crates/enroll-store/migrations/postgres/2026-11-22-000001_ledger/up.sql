-- The enrollment ledger. Ids are UUID strings, instants are Unix epoch milliseconds (BIGINT):
-- portable across SQLite and PostgreSQL and cheap to compare in filters.
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    tc_org_id BIGINT UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Dialect credentials. Secrets are stored as hashes only; secret-only keys (Absorb's private key,
-- LMS365's API key) are looked up by the hash, keyed ones (SCORM app id, iSpring client id) by id.
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    dialect TEXT NOT NULL,
    key_id TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    scopes TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (dialect, key_id)
);

CREATE TABLE departments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    parent_id TEXT REFERENCES departments(id) ON DELETE CASCADE,
    name TEXT NOT NULL
);
CREATE INDEX departments_tenant ON departments (tenant_id);

CREATE TABLE learners (
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
    absorb_id TEXT,
    ispring_id TEXT,
    scorm_id TEXT,
    lms365_login TEXT,
    tc_member_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, username),
    UNIQUE (tenant_id, absorb_id),
    UNIQUE (tenant_id, ispring_id),
    UNIQUE (tenant_id, scorm_id),
    UNIQUE (tenant_id, lms365_login),
    UNIQUE (tenant_id, tc_member_id)
);
CREATE INDEX learners_email ON learners (tenant_id, email);

CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    session_type TEXT,
    requires_approval BOOLEAN NOT NULL DEFAULT FALSE,
    capacity INTEGER,
    absorb_id TEXT,
    ispring_id TEXT,
    scorm_id TEXT,
    lms365_id BIGINT,
    tc_course_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, absorb_id),
    UNIQUE (tenant_id, ispring_id),
    UNIQUE (tenant_id, scorm_id),
    UNIQUE (tenant_id, lms365_id),
    UNIQUE (tenant_id, tc_course_id)
);

-- Courses of a bundle or curriculum.
CREATE TABLE course_members (
    collection_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (collection_id, course_id)
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    starts_at BIGINT,
    ends_at BIGINT,
    capacity INTEGER
);
CREATE INDEX sessions_course ON sessions (course_id);

CREATE TABLE chapters (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX chapters_course ON chapters (course_id);

CREATE TABLE lessons (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    chapter_id TEXT NOT NULL REFERENCES chapters(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX lessons_course ON lessons (course_id);

CREATE TABLE enrollments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
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
    source TEXT NOT NULL
);
-- The ledger's central invariant: one active enrollment per (tenant, learner, course).
CREATE UNIQUE INDEX enrollments_one_active ON enrollments (tenant_id, learner_id, course_id) WHERE active;
CREATE INDEX enrollments_course ON enrollments (tenant_id, course_id, added_at);
CREATE INDEX enrollments_learner ON enrollments (tenant_id, learner_id, added_at);
CREATE INDEX enrollments_updated ON enrollments (tenant_id, updated_at);
CREATE INDEX enrollments_state ON enrollments (tenant_id, state);

CREATE TABLE session_enrollments (
    id TEXT PRIMARY KEY,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    progress DOUBLE PRECISION NOT NULL,
    score DOUBLE PRECISION,
    time_spent_ms BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    started_at BIGINT,
    completed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX session_enrollments_one_active ON session_enrollments (enrollment_id, session_id) WHERE active;
CREATE INDEX session_enrollments_session ON session_enrollments (session_id);

-- Lesson enrollments exist implicitly (derived ids); a row is written on first activity.
CREATE TABLE lesson_enrollments (
    id TEXT PRIMARY KEY,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    progress DOUBLE PRECISION NOT NULL,
    score DOUBLE PRECISION,
    time_spent_ms BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    last_attempt_at BIGINT,
    started_at BIGINT,
    completed_at BIGINT,
    added_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (enrollment_id, lesson_id)
);
CREATE INDEX lesson_enrollments_lesson ON lesson_enrollments (lesson_id);

CREATE TABLE attempts (
    id TEXT PRIMARY KEY,
    lesson_enrollment_id TEXT NOT NULL REFERENCES lesson_enrollments(id) ON DELETE CASCADE,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    status INTEGER NOT NULL,
    score DOUBLE PRECISION,
    started_at BIGINT NOT NULL,
    completed_at BIGINT,
    time_spent_ms BIGINT NOT NULL
);
CREATE INDEX attempts_lesson_enrollment ON attempts (lesson_enrollment_id);

-- Bearer tokens (hashed). `exclusive_key` is set for token kinds where issuing a new token
-- revokes the previous one (Absorb /authenticate): its uniqueness makes that atomic.
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    dialect TEXT NOT NULL,
    subject TEXT NOT NULL,
    scopes TEXT NOT NULL,
    exclusive_key TEXT UNIQUE,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
