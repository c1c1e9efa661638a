-- Failed password logins per account, for throttling (see src/logins.rs). The account is a
-- SHA-256 of the tenant and the lower-cased username, so no address is kept here, and
-- unknown usernames are counted like known ones. A tenant's rows go with it (purge.rs).
CREATE TABLE login_failures (
    account TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    failures INTEGER NOT NULL,
    last_failure_at BIGINT NOT NULL,
    locked_until BIGINT
);
-- The pruning task removes rows whose failures are old.
CREATE INDEX login_failures_last ON login_failures (last_failure_at);
