DROP INDEX external_ids_tenant;
CREATE UNIQUE INDEX external_ids_tenant ON external_ids (dialect, external_id) WHERE kind = 'tenant';
