CREATE TABLE enrollment_changes (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    enrollment_id TEXT NOT NULL,
    series_id TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
INSERT INTO enrollment_changes (tenant_id, enrollment_id, series_id, changed_at)
SELECT e.tenant_id, e.id, e.series_id, v.at
FROM enrollment_events v JOIN enrollments e ON e.id = v.enrollment_id WHERE v.pending ORDER BY v.id;
ALTER TABLE enrollment_events DROP COLUMN pending;

DELETE FROM subscriptions WHERE scope NOT IN ('series', 'invitation');
DELETE FROM subscriptions s WHERE EXISTS (SELECT 1 FROM subscriptions o
    WHERE o.scope = s.scope AND o.object_id = s.object_id AND o.dialect = s.dialect
      AND (o.created_at, o.id) > (s.created_at, s.id));
ALTER TABLE subscriptions DROP COLUMN kinds;
ALTER TABLE subscriptions DROP COLUMN since_event;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_scope_object_id_dialect_key
    UNIQUE (scope, object_id, dialect);
DROP INDEX subscriptions_object;
CREATE INDEX subscriptions_tenant ON subscriptions (tenant_id);

CREATE FUNCTION enrollments_watch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM subscriptions s
               WHERE (s.scope = 'series' AND s.object_id = NEW.series_id)
                  OR (s.scope = 'invitation' AND s.object_id = NEW.invitation_id)) THEN
        INSERT INTO enrollment_changes (tenant_id, enrollment_id, series_id, changed_at)
        VALUES (NEW.tenant_id, NEW.id, NEW.series_id, NEW.updated_at);
        PERFORM pg_notify('enroll_changes', '');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER enrollments_watch AFTER UPDATE ON enrollments
    FOR EACH ROW EXECUTE FUNCTION enrollments_watch();
