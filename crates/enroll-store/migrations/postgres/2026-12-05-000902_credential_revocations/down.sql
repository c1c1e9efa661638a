DROP TRIGGER tokens_revoked ON tokens;
DROP FUNCTION tokens_revoked();
