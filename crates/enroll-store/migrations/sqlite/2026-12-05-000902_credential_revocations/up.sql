-- PostgreSQL only: a trigger that announces revoked tokens to the other processes. A SQLite
-- database has one process (or, opened shared, caches no tokens), so nothing to announce.
SELECT 1;
