-- Link tokens are no longer stored. A public invitation's sign-up token and each recipient's
-- link token are now the record's id with a MAC under the store's link key (links.rs), so the
-- API can show a link again while the database holds nothing that opens one. The random tokens
-- of earlier versions are dropped, not hashed: a hash could only be kept beside the new tokens
-- as a second way in, forever, and SQLite has no SHA-256 to compute it with in SQL. Links
-- handed out before this migration stop working; the API shows the new ones (mail them again).
ALTER TABLE invitations DROP COLUMN public_token;
ALTER TABLE invitation_recipients DROP COLUMN token;

-- A public sign-up for an address the ledger already knows waits, as status 'confirming', for
-- the owner of the address to follow the link mailed to it; `mailed_at` paces those mails.
ALTER TABLE invitation_recipients ADD COLUMN mailed_at BIGINT;
