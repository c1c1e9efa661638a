-- A tenant's dialect ids are unique across tenants. As a partial index (WHERE kind = 'tenant')
-- that rule made SQLite re-prepare every crosswalk lookup whose bound `kind` differed from
-- its previous run (a bound value compared with a partial index's WHERE decides whether the
-- index may be used, so SQLite plans again when it changes): a create looks a learner and
-- then a course up, and paid two re-prepares, a sixth of its instructions. The same rule as
-- an index on an expression: tenant rows share '' where other rows carry their tenant.
DROP INDEX external_ids_tenant;
CREATE UNIQUE INDEX external_ids_tenant ON external_ids
    (dialect, external_id, kind, (CASE WHEN kind = 'tenant' THEN '' ELSE tenant_id END));
