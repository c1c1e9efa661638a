-- OAuth 2.0 over the existing credentials and tokens: a credential may be an OAuth client with
-- the redirect URIs it may send codes to (space-separated), and a token row is an access token
-- (as before), a one-time authorization code or a refresh token. Codes and refresh tokens are
-- bound to the client (credential) they were issued to; the tokens one consent produced share
-- a grant id, so revoking a refresh token ends the access tokens minted from it too.
ALTER TABLE credentials ADD COLUMN redirect_uris TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'access';
ALTER TABLE tokens ADD COLUMN client_id TEXT;
ALTER TABLE tokens ADD COLUMN grant_id TEXT;
ALTER TABLE tokens ADD COLUMN redirect_uri TEXT;
CREATE INDEX tokens_grant ON tokens (grant_id) WHERE grant_id IS NOT NULL;
