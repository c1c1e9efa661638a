-- Every process on this database caches the tokens it verified (enroll-web's credential
-- cache). A statement that deletes tokens (revoked, replaced by a user's new token, expired,
-- or their tenant reset) tells every process when it commits, so that each forgets what it
-- cached (enroll-db's generation.rs). Deleting nothing tells nobody.
CREATE FUNCTION tokens_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gone) THEN
        PERFORM pg_notify('enroll_credentials', '');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tokens_revoked AFTER DELETE ON tokens
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION tokens_revoked();
