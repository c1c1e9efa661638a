-- Not reversible: this migration reshapes data (per-vendor columns into the crosswalk, SCORM
-- registrations into enrollment series). Restore the backup taken before upgrading instead.
DO $$ BEGIN RAISE EXCEPTION 'irreversible migration: restore the backup taken before 2026-12-03-000007'; END $$;
