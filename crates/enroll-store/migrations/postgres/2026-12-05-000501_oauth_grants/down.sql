DROP INDEX tokens_grant;
ALTER TABLE tokens DROP COLUMN redirect_uri;
ALTER TABLE tokens DROP COLUMN grant_id;
ALTER TABLE tokens DROP COLUMN client_id;
ALTER TABLE tokens DROP COLUMN kind;
ALTER TABLE credentials DROP COLUMN redirect_uris;
