CREATE TABLE enrollment_changes (
    id INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    enrollment_id TEXT NOT NULL,
    series_id TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
INSERT INTO enrollment_changes (tenant_id, enrollment_id, series_id, changed_at)
SELECT e.tenant_id, e.id, e.series_id, v.at
FROM enrollment_events v JOIN enrollments e ON e.id = v.enrollment_id WHERE v.pending ORDER BY v.id;
DROP INDEX enrollment_events_pending;
ALTER TABLE enrollment_events DROP COLUMN pending;

CREATE TABLE subscriptions_old (
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
INSERT OR IGNORE INTO subscriptions_old (id, tenant_id, scope, object_id, dialect, target,
    settings, created_at)
SELECT id, tenant_id, scope, object_id, dialect, target, settings, created_at FROM subscriptions
WHERE scope IN ('series', 'invitation') ORDER BY created_at DESC;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_old RENAME TO subscriptions;
CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id);

CREATE TRIGGER enrollments_watch AFTER UPDATE ON enrollments
WHEN EXISTS (SELECT 1 FROM subscriptions s
             WHERE (s.scope = 'series' AND s.object_id = NEW.series_id)
                OR (s.scope = 'invitation' AND s.object_id = NEW.invitation_id))
BEGIN
    INSERT INTO enrollment_changes (tenant_id, enrollment_id, series_id, changed_at)
    VALUES (NEW.tenant_id, NEW.id, NEW.series_id, NEW.updated_at);
END;
