-- Stored random tokens again (new ones: the derived tokens cannot be stored back).
ALTER TABLE invitation_recipients DROP COLUMN mailed_at;
DELETE FROM invitation_recipients WHERE status = 'confirming';
ALTER TABLE invitation_recipients ADD COLUMN token TEXT;
UPDATE invitation_recipients SET token = md5(random()::text || id) || md5(id || random()::text);
ALTER TABLE invitation_recipients ALTER COLUMN token SET NOT NULL;
ALTER TABLE invitation_recipients ADD CONSTRAINT invitation_recipients_token_key UNIQUE (token);
ALTER TABLE invitations ADD COLUMN public_token TEXT UNIQUE;
UPDATE invitations SET public_token = md5(random()::text || id) || md5(id || random()::text)
WHERE is_public;
